package gethpeer

import "errors"

// Errors of the harness.
var (
	// ErrInvalidParams: generation parameters out of range.
	ErrInvalidParams = errors.New("gethpeer: invalid parameters")
	// ErrGenerate: go-ethereum refused a generated transaction or block (a
	// bug in the generator, reported with the seed).
	ErrGenerate = errors.New("gethpeer: generation failed")
	// ErrGethImport: go-ethereum's own BlockChain rejected a generated block.
	ErrGethImport = errors.New("gethpeer: go-ethereum import failed")
	// ErrMismatch: balexec and go-ethereum disagree; the Report lists how.
	ErrMismatch = errors.New("gethpeer: balexec differs from go-ethereum")
	// ErrUnsupported: balexec refused a block of a fork it does not execute
	// yet (chainspec.ErrForkNotSupported), so nothing past it can be compared.
	ErrUnsupported = errors.New("gethpeer: balexec does not execute this fork yet")
	// ErrSetup: the harness could not set up a side of the comparison (a
	// genesis that balexec does not parse, or hashes that disagree before any
	// block runs).
	ErrSetup = errors.New("gethpeer: setup failed")
)
