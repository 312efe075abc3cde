package types

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/balexec/balexec/internal/hexjson"
)

// Lengths of the fixed-size byte types.
const (
	AddressLength = 20
	HashLength    = 32
)

// Address is a 20-byte account address.
type Address [AddressLength]byte

// Hash is a 32-byte Keccak-256 hash or storage word.
type Hash [HashLength]byte

// ErrBadHex reports a hex string that is malformed or has the wrong length.
var ErrBadHex = errors.New("types: invalid hex string")

// BytesToAddress returns b as an Address, keeping its last 20 bytes (or
// left-padding with zeros when b is shorter).
func BytesToAddress(b []byte) (a Address) {
	if len(b) > AddressLength {
		b = b[len(b)-AddressLength:]
	}
	copy(a[AddressLength-len(b):], b)
	return a
}

// Hex returns the 0x-prefixed lower-case hex form of a.
func (a Address) Hex() string { return "0x" + hex.EncodeToString(a[:]) }

// String implements fmt.Stringer.
func (a Address) String() string { return a.Hex() }

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b,
// bytewise (the order of block access lists and state updates). It compares
// two big-endian words and one half word rather than byte by byte: it inlines,
// does not allocate, and costs the same whatever prefix a and b share.
func (a *Address) Compare(b *Address) int {
	x, y := binary.BigEndian.Uint64(a[0:8]), binary.BigEndian.Uint64(b[0:8])
	if x == y {
		x, y = binary.BigEndian.Uint64(a[8:16]), binary.BigEndian.Uint64(b[8:16])
		if x == y {
			x, y = uint64(binary.BigEndian.Uint32(a[16:20])), uint64(binary.BigEndian.Uint32(b[16:20]))
		}
	}
	if x < y {
		return -1
	}
	if x > y {
		return 1
	}
	return 0
}

// Hex returns the 0x-prefixed lower-case hex form of h.
func (h Hash) Hex() string { return "0x" + hex.EncodeToString(h[:]) }

// String implements fmt.Stringer.
func (h Hash) String() string { return h.Hex() }

// Format implements fmt.Formatter: %x and %X print the bytes in hex (%#x
// with the 0x prefix), %s and %v the 0x-prefixed form, %q it quoted. Without
// it, %x would print the hex of the String form's characters.
func (a Address) Format(s fmt.State, verb rune) { formatBytes(s, verb, a[:]) }

// Format implements fmt.Formatter, as Address.Format does.
func (h Hash) Format(s fmt.State, verb rune) { formatBytes(s, verb, h[:]) }

func formatBytes(s fmt.State, verb rune, b []byte) {
	switch verb {
	case 'x', 'X':
		if s.Flag('#') {
			s.Write([]byte("0x"))
		}
		enc := hex.EncodeToString(b)
		if verb == 'X' {
			enc = strings.ToUpper(enc)
		}
		s.Write([]byte(enc))
	case 's', 'v':
		s.Write([]byte("0x" + hex.EncodeToString(b)))
	case 'q':
		fmt.Fprintf(s, "%q", "0x"+hex.EncodeToString(b))
	default:
		fmt.Fprintf(s, "%%!%c(0x%s)", verb, hex.EncodeToString(b))
	}
}

// IsZero reports whether every byte of h is zero.
func (h Hash) IsZero() bool { return h == Hash{} }

// Compare returns -1, 0 or +1 as h sorts before, equal to or after o,
// bytewise (the order of trie keys). It inlines and does not allocate.
func (h *Hash) Compare(o *Hash) int { return bytes.Compare(h[:], o[:]) }

// MarshalText implements encoding.TextMarshaler.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.Hex()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it requires exactly 20
// bytes of hex, with or without the 0x prefix.
func (a *Address) UnmarshalText(b []byte) error { return decodeFixedHex(a[:], string(b)) }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.Hex()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it requires exactly 32
// bytes of hex, with or without the 0x prefix.
func (h *Hash) UnmarshalText(b []byte) error { return decodeFixedHex(h[:], string(b)) }

// HexToAddress parses a 0x-prefixed (or bare) hex address of exactly 20 bytes.
func HexToAddress(s string) (Address, error) {
	var a Address
	err := decodeFixedHex(a[:], s)
	return a, err
}

// HexToHash parses a 0x-prefixed (or bare) hex hash of exactly 32 bytes.
func HexToHash(s string) (Hash, error) {
	var h Hash
	err := decodeFixedHex(h[:], s)
	return h, err
}

// MustHexToAddress is HexToAddress for constants; it panics on bad input.
func MustHexToAddress(s string) Address {
	a, err := HexToAddress(s)
	if err != nil {
		panic(err)
	}
	return a
}

// MustHexToHash is HexToHash for constants; it panics on bad input.
func MustHexToHash(s string) Hash {
	h, err := HexToHash(s)
	if err != nil {
		panic(err)
	}
	return h
}

// DecodeHex decodes a 0x-prefixed (or bare) hex string of any even length.
// The result is never nil: "" and "0x" give an empty slice.
func DecodeHex(s string) ([]byte, error) {
	b, err := hexjson.ParseBytes(s, hexjson.Lenient)
	return b, badHex(err)
}
