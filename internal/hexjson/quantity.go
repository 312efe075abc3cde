package hexjson

import (
	"fmt"

	"github.com/holiman/uint256"
)

// ParseUint64 reads a quantity of at most 64 bits written as text (the
// content of a JSON string).
func ParseUint64(s string, m Mode) (uint64, error) {
	z, err := parse(s, m, 64)
	return z[0], err
}

// ParseUint256 reads a quantity of at most 256 bits written as text (the
// content of a JSON string).
func ParseUint256(s string, m Mode) (uint256.Int, error) {
	return parse(s, m, 256)
}

// parse reads a quantity of at most bits (64 or 256) bits.
func parse(s string, m Mode, bits int) (uint256.Int, error) {
	var z uint256.Int
	switch {
	case s == "":
		if m&EmptyZero != 0 {
			return z, nil
		}
		return z, fmt.Errorf("%w: empty quantity", ErrEmpty)
	case m.prefixed(s):
		return parseHex(s, m, bits)
	case m&Decimal == 0:
		return z, fmt.Errorf("%w: %.40q", ErrMissingPrefix, s)
	}
	return parseDecimal(s, m, bits)
}

// parseHex reads "0x" and hex digits.
func parseHex(s string, m Mode, bits int) (uint256.Int, error) {
	var z uint256.Int
	d := s[2:]
	if d == "" {
		if m&PrefixZero != 0 {
			return z, nil
		}
		return z, fmt.Errorf("%w: %q", ErrEmpty, s)
	}
	for i := 0; i < len(d); i++ {
		if _, ok := nibble(d[i]); !ok {
			return z, fmt.Errorf("%w: %.40q is not hex", ErrSyntax, s)
		}
	}
	if len(d) > 1 && d[0] == '0' {
		if m&LeadingZeros == 0 {
			return z, fmt.Errorf("%w: %.40q", ErrLeadingZero, s)
		}
		for len(d) > 1 && d[0] == '0' {
			d = d[1:]
		}
	}
	if len(d) > bits/4 {
		return z, fmt.Errorf("%w: %.40q exceeds %d bits", ErrOverflow, s, bits)
	}
	// Word i holds digits len(d)-16(i+1) .. len(d)-16i-1.
	for i := 0; i < len(d); i++ {
		v, _ := nibble(d[len(d)-1-i])
		z[i/16] |= v << (4 * (i % 16))
	}
	return z, nil
}

// parseDecimal reads decimal digits.
func parseDecimal(s string, m Mode, bits int) (uint256.Int, error) {
	var z uint256.Int
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return z, fmt.Errorf("%w: %.40q is not a decimal number", ErrSyntax, s)
		}
	}
	if len(s) > 1 && s[0] == '0' && m&LeadingZeros == 0 {
		return z, fmt.Errorf("%w: %.40q", ErrLeadingZero, s)
	}
	var ten, d uint256.Int
	ten.SetUint64(10)
	for i := 0; i < len(s); i++ {
		d.SetUint64(uint64(s[i] - '0'))
		_, o1 := z.MulOverflow(&z, &ten)
		_, o2 := z.AddOverflow(&z, &d)
		if o1 || o2 || (bits == 64 && !z.IsUint64()) {
			return uint256.Int{}, fmt.Errorf("%w: %.40q exceeds %d bits", ErrOverflow, s, bits)
		}
	}
	return z, nil
}

// nibble returns the value of the hex digit c.
func nibble(c byte) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}
