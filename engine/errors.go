package engine

import "errors"

// Errors of building a block from a payload. A payload whose content cannot
// make a block (extra data too long, a transaction that does not decode, a
// malformed block access list) is types.ErrInvalidPayload, the class of the
// payload's JSON decoding errors, wrapped with the cause.
var (
	// ErrBlockHashMismatch: the block built from an execution payload does
	// not hash to the payload's blockHash.
	ErrBlockHashMismatch = errors.New("engine: block hash mismatch")
	// ErrVersionedHashMismatch: the expected blob versioned hashes of a
	// payload do not equal the blob hashes of its transactions.
	ErrVersionedHashMismatch = errors.New("engine: blob versioned hashes mismatch")
)
