package hexjson

import "errors"

// Errors of the readers, each wrapped with the input (cut to 40 bytes).
// The package is internal: callers wrap these under their own package's
// sentinels, and may tell them apart (an overflow is often its own error
// class).
var (
	// ErrSyntax: a character that is not a digit of the base, a value that
	// is not a JSON string (or integer, where one is allowed), a sign, a
	// fraction or an exponent.
	ErrSyntax = errors.New("hexjson: invalid syntax")
	// ErrMissingPrefix: the 0x prefix is required and absent.
	ErrMissingPrefix = errors.New("hexjson: missing 0x prefix")
	// ErrEmpty: "" or "0x" where the mode does not read it as zero.
	ErrEmpty = errors.New("hexjson: no digits")
	// ErrLeadingZero: a quantity with leading zero digits where the mode
	// wants canonical digits.
	ErrLeadingZero = errors.New("hexjson: leading zero digits")
	// ErrOddLength: a byte string with an odd number of hex digits.
	ErrOddLength = errors.New("hexjson: odd number of hex digits")
	// ErrLength: a fixed-size byte string (an address, a hash) of another
	// length.
	ErrLength = errors.New("hexjson: wrong length")
	// ErrOverflow: a number beyond 2^64-1 or 2^256-1, or a word longer
	// than 32 bytes.
	ErrOverflow = errors.New("hexjson: value out of range")
)
