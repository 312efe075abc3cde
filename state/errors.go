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
