package state

import "errors"

// Errors returned by this package.
var (
	// ErrMissingCode: the reader has no code for a code hash an account
	// refers to.
	ErrMissingCode = errors.New("state: code not found")
	// ErrRefundUnderflow: the EVM subtracted more refund than was added; an
	// internal error, never caused by input alone.
	ErrRefundUnderflow = errors.New("state: refund counter below zero")
	// ErrBadSnapshot: RevertToSnapshot was given an id that is not live.
	ErrBadSnapshot = errors.New("state: invalid snapshot id")
)

// Errors of reading genesis allocations and state dumps (alloc.go).
var (
	// ErrInvalidJSON: the input is not well-formed JSON, or a field has the
	// wrong JSON type.
	ErrInvalidJSON = errors.New("state: malformed JSON")
	// ErrInvalidHex: an address, hash, code or storage word is not valid hex
	// of the right length.
	ErrInvalidHex = errors.New("state: invalid hex")
	// ErrInvalidNumber: a balance or nonce is not a hex or decimal integer.
	ErrInvalidNumber = errors.New("state: invalid number")
	// ErrOverflow: a balance exceeds 256 bits, a nonce 64 bits or a storage
	// word 32 bytes.
	ErrOverflow = errors.New("state: value overflows")
	// ErrDuplicateAddress: an address appears twice, possibly in different
	// case or with and without 0x.
	ErrDuplicateAddress = errors.New("state: duplicate address")
	// ErrDuplicateSlot: a storage slot of one account appears twice, in
	// different spellings.
	ErrDuplicateSlot = errors.New("state: duplicate storage slot")
	// ErrMissingField: a required field (a genesis balance, a dump root or
	// code hash, a dump account's address) is absent.
	ErrMissingField = errors.New("state: missing required field")
	// ErrInconsistentDump: a dump account's address, key or code hash
	// contradicts the rest of the entry.
	ErrInconsistentDump = errors.New("state: inconsistent dump account")
)
