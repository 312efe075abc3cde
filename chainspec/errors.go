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
	// ErrUnknownProfile: no rule profile has the name, or the test
	// fixtures of a devnet release need one balexec does not have.
	ErrUnknownProfile = errors.New("chainspec: unknown rule profile")
	// ErrInvalidGenesis: a genesis file is malformed or lacks a required
	// field, or a genesis cannot produce its header.
	ErrInvalidGenesis = errors.New("chainspec: invalid genesis")
)

// Errors of reading genesis allocations and state dumps (alloc.go,
// dump.go), wrapped with the account and field at fault. ErrInvalidHex,
// ErrInvalidNumber and ErrOverflow also say what is wrong with a number or
// hex string of a configuration, a genesis file or a forkenv file, under
// ErrInvalidConfig or ErrInvalidGenesis.
var (
	// ErrInvalidJSON: the input is not well-formed JSON, or a field has the
	// wrong JSON type.
	ErrInvalidJSON = errors.New("chainspec: malformed JSON")
	// ErrInvalidHex: an address, hash, code or storage word is not valid hex
	// of the right length.
	ErrInvalidHex = errors.New("chainspec: invalid hex")
	// ErrInvalidNumber: a number (a balance, a nonce, a fork time, ...) is
	// not a hex or decimal integer.
	ErrInvalidNumber = errors.New("chainspec: invalid number")
	// ErrOverflow: a number exceeds its field (a balance 256 bits, a nonce
	// or fork time 64 bits) or a storage word 32 bytes.
	ErrOverflow = errors.New("chainspec: value overflows")
	// ErrDuplicateAddress: an address appears twice, possibly in different
	// case or with and without 0x.
	ErrDuplicateAddress = errors.New("chainspec: duplicate address")
	// ErrDuplicateSlot: a storage slot of one account appears twice, in
	// different spellings.
	ErrDuplicateSlot = errors.New("chainspec: duplicate storage slot")
	// ErrMissingField: a required field (a genesis balance, a dump root or
	// code hash, a dump account's address) is absent.
	ErrMissingField = errors.New("chainspec: missing required field")
	// ErrInconsistentDump: a dump account's address, key or code hash
	// contradicts the rest of the entry.
	ErrInconsistentDump = errors.New("chainspec: inconsistent dump account")
)
