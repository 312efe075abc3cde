package types

import (
	"fmt"

	"github.com/balexec/balexec/internal/hexjson"
	"github.com/holiman/uint256"
)

// The hex readers of this package, over internal/hexjson, every failure
// wrapped in ErrBadHex. The engine API's fields are read in hexjson.Strict
// mode (go-ethereum's hexutil: 0x required, no leading zeros, bounded
// length); Address, Hash and Bloom text and DecodeHex in hexjson.Lenient
// mode (the 0x prefix optional).

func badHex(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrBadHex, err)
}

// parseUint64Quantity parses an engine API quantity of at most 64 bits.
func parseUint64Quantity(s string) (uint64, error) {
	v, err := hexjson.ParseUint64(s, hexjson.Strict)
	return v, badHex(err)
}

// parseUint256Quantity parses an engine API quantity of at most 256 bits
// into z.
func parseUint256Quantity(z *uint256.Int, s string) error {
	v, err := hexjson.ParseUint256(s, hexjson.Strict)
	if err == nil {
		*z = v
	}
	return badHex(err)
}

// parseHexBytes parses an engine API byte string ("0x" is empty, not nil).
func parseHexBytes(s string) ([]byte, error) {
	b, err := hexjson.ParseBytes(s, hexjson.Strict)
	return b, badHex(err)
}

// parseFixedHex parses exactly len(dst) bytes of engine API hex.
func parseFixedHex(dst []byte, s string) error {
	return badHex(hexjson.ParseFixed(dst, s, hexjson.Strict))
}

// decodeFixedHex parses exactly len(dst) bytes of hex, with or without the
// 0x prefix.
func decodeFixedHex(dst []byte, s string) error {
	return badHex(hexjson.ParseFixed(dst, s, hexjson.Lenient))
}
