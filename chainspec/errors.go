package chainspec

import "errors"

// Errors of chain configurations, test networks and genesis files. Each is
// wrapped with the field or value at fault.
var (
	// ErrForkNotSupported: the rules asked for are those of a fork before
	// Shanghai (or of a network whose blocks run them). balexec executes
	// post-Shanghai blocks only.
	ErrForkNotSupported = errors.New("chainspec: fork not supported (balexec runs Shanghai and later)")
	// ErrInvalidConfig: a chain configuration is malformed or inconsistent
	// (forks out of order, a blob schedule missing or invalid, an unknown
	// EIP, a bad number or address in its JSON), or lacks what a block
	// needs from it (a blob schedule at a Cancun block).
	ErrInvalidConfig = errors.New("chainspec: invalid chain configuration")
	// ErrUnknownNetwork: ConfigForNetwork does not know the network name.
	ErrUnknownNetwork = errors.New("chainspec: unknown network name")
	// ErrInvalidGenesis: a genesis file is malformed or lacks a required
	// field, or a genesis cannot produce its header.
	ErrInvalidGenesis = errors.New("chainspec: invalid genesis")
)
