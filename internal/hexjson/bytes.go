package hexjson

import (
	"encoding/hex"
	"fmt"

	"github.com/holiman/uint256"
)

// digits returns the hex digits of a byte string: s without its prefix,
// which is required unless m has BareHex.
func digits(s string, m Mode) (string, error) {
	switch {
	case m.prefixed(s):
		return s[2:], nil
	case m&BareHex == 0:
		return "", fmt.Errorf("%w: %.40q", ErrMissingPrefix, s)
	}
	return s, nil
}

// ParseBytes reads a byte string: an even number of hex digits. The result
// is never nil; "0x" (and "" with BareHex) is the empty byte string.
func ParseBytes(s string, m Mode) ([]byte, error) {
	d, err := digits(s, m)
	if err != nil {
		return nil, err
	}
	if len(d)%2 != 0 {
		return nil, fmt.Errorf("%w: %.40q", ErrOddLength, s)
	}
	b := make([]byte, len(d)/2)
	if _, err := hex.Decode(b, []byte(d)); err != nil {
		return nil, fmt.Errorf("%w: %.40q is not hex", ErrSyntax, s)
	}
	return b, nil
}

// ParseFixed reads exactly len(dst) bytes of hex (an address, a hash, a
// bloom) into dst. On an error dst is left unspecified.
func ParseFixed(dst []byte, s string, m Mode) error {
	d, err := digits(s, m)
	if err != nil {
		return err
	}
	if len(d) != 2*len(dst) {
		return fmt.Errorf("%w: %.40q has %d hex digits, want %d", ErrLength, s, len(d), 2*len(dst))
	}
	if _, err := hex.Decode(dst, []byte(d)); err != nil {
		return fmt.Errorf("%w: %.40q is not hex", ErrSyntax, s)
	}
	return nil
}

// ParseWord reads a 32-byte big-endian word written as a byte string of at
// most 32 bytes, left-padded with zeros: the storage keys and values of
// genesis files and state dumps. "0x" (and "" with BareHex) is zero. The
// length is checked before the digits, so an overlong word is ErrOverflow
// whatever it holds.
func ParseWord(s string, m Mode) (uint256.Int, error) {
	var z uint256.Int
	d, err := digits(s, m)
	if err != nil {
		return z, err
	}
	if len(d) > 64 {
		return z, fmt.Errorf("%w: %.40q is longer than 32 bytes", ErrOverflow, s)
	}
	if len(d)%2 != 0 {
		return z, fmt.Errorf("%w: %.40q", ErrOddLength, s)
	}
	var buf [32]byte
	if _, err := hex.Decode(buf[32-len(d)/2:], []byte(d)); err != nil {
		return z, fmt.Errorf("%w: %.40q is not hex", ErrSyntax, s)
	}
	z.SetBytes32(buf[:])
	return z, nil
}
