package types

import (
	"encoding/hex"
	"fmt"

	"github.com/holiman/uint256"
)

// Strict parsers for the hex encodings of the engine API (the rules of
// go-ethereum's hexutil): quantities are 0x-prefixed, non-empty, without
// leading zeros; byte strings are 0x-prefixed with an even number of digits.

func hexDigits(s string) (string, error) {
	if len(s) < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return "", fmt.Errorf("%w: %q lacks the 0x prefix", ErrBadHex, s)
	}
	return s[2:], nil
}

func quantityDigits(s string, maxDigits int) (string, error) {
	d, err := hexDigits(s)
	if err != nil {
		return "", err
	}
	switch {
	case len(d) == 0:
		return "", fmt.Errorf("%w: empty quantity %q", ErrBadHex, s)
	case len(d) > 1 && d[0] == '0':
		return "", fmt.Errorf("%w: quantity %q has leading zero digits", ErrBadHex, s)
	case len(d) > maxDigits:
		return "", fmt.Errorf("%w: quantity %q exceeds %d bits", ErrBadHex, s, 4*maxDigits)
	}
	return d, nil
}

func hexNibble(c byte) (uint64, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint64(c - 'a' + 10), true
	case c >= 'A' && c <= 'F':
		return uint64(c - 'A' + 10), true
	}
	return 0, false
}

// parseUint64Quantity parses a hex quantity of at most 64 bits.
func parseUint64Quantity(s string) (uint64, error) {
	d, err := quantityDigits(s, 16)
	if err != nil {
		return 0, err
	}
	var x uint64
	for i := 0; i < len(d); i++ {
		v, ok := hexNibble(d[i])
		if !ok {
			return 0, fmt.Errorf("%w: invalid digit in %q", ErrBadHex, s)
		}
		x = x<<4 | v
	}
	return x, nil
}

// parseUint256Quantity parses a hex quantity of at most 256 bits into z.
func parseUint256Quantity(z *uint256.Int, s string) error {
	d, err := quantityDigits(s, 64)
	if err != nil {
		return err
	}
	var b [32]byte
	// Right-align the digits, padding an odd count with a leading zero.
	padded := d
	if len(d)%2 == 1 {
		padded = "0" + d
	}
	n := len(padded) / 2
	if _, err := hex.Decode(b[32-n:], []byte(padded)); err != nil {
		return fmt.Errorf("%w: %q: %v", ErrBadHex, s, err)
	}
	z.SetBytes32(b[:])
	return nil
}

// parseHexBytes parses a 0x-prefixed hex byte string ("0x" is empty).
func parseHexBytes(s string) ([]byte, error) {
	d, err := hexDigits(s)
	if err != nil {
		return nil, err
	}
	if len(d)%2 != 0 {
		return nil, fmt.Errorf("%w: odd number of digits in %q", ErrBadHex, s)
	}
	b := make([]byte, len(d)/2)
	if _, err := hex.Decode(b, []byte(d)); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrBadHex, s, err)
	}
	return b, nil
}
