package rlp

import "errors"

// Decoding errors. Each failure class has one sentinel; decoders wrap them
// with context using %w, so callers match with errors.Is.
var (
	// ErrExpectedString: a list was found where a string was required.
	ErrExpectedString = errors.New("rlp: expected string or byte")
	// ErrExpectedList: a string was found where a list was required.
	ErrExpectedList = errors.New("rlp: expected list")
	// ErrCanonInt: an integer has leading zero bytes.
	ErrCanonInt = errors.New("rlp: non-canonical integer (leading zero bytes)")
	// ErrCanonSize: a size prefix is not in its shortest form, or a single
	// byte below 0x80 is wrapped in a string header.
	ErrCanonSize = errors.New("rlp: non-canonical size information")
	// ErrValueTooLarge: a value claims more bytes than the input holds.
	ErrValueTooLarge = errors.New("rlp: value size exceeds available input length")
	// ErrElemTooLarge: an element claims more bytes than its enclosing list holds.
	ErrElemTooLarge = errors.New("rlp: element is larger than containing list")
	// ErrUnexpectedEOF: the input ended where a value was expected.
	ErrUnexpectedEOF = errors.New("rlp: unexpected end of input")
	// ErrTrailingBytes: bytes follow the single top-level value.
	ErrTrailingBytes = errors.New("rlp: input contains more than one value")
	// ErrUintOverflow: an integer does not fit its destination type.
	ErrUintOverflow = errors.New("rlp: integer overflows destination")
	// ErrTooFewElements: a fixed-arity list has fewer elements than expected.
	ErrTooFewElements = errors.New("rlp: too few elements in list")
	// ErrTooManyElements: a fixed-arity list has more elements than expected.
	ErrTooManyElements = errors.New("rlp: too many elements in list")
	// ErrWrongLength: a fixed-size byte string has the wrong length.
	ErrWrongLength = errors.New("rlp: byte string has wrong length")
)
