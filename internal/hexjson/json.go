package hexjson

import (
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
)

// Uint64 reads a quantity of at most 64 bits given as a JSON value: a
// string holding the quantity, or, with JSONNumber, an unquoted integer.
// Absent input (empty or JSON whitespace) and null report ok == false and no
// error; what that means is the caller's to say.
func Uint64(raw []byte, m Mode) (v uint64, ok bool, err error) {
	z, ok, err := parseJSON(raw, m, 64)
	return z[0], ok, err
}

// Uint256 reads a quantity of at most 256 bits given as a JSON value; see
// [Uint64].
func Uint256(raw []byte, m Mode) (z uint256.Int, ok bool, err error) {
	return parseJSON(raw, m, 256)
}

func parseJSON(raw []byte, m Mode, bits int) (uint256.Int, bool, error) {
	var z uint256.Int
	t := trimSpace(raw)
	switch {
	case len(t) == 0 || string(t) == "null":
		return z, false, nil
	case t[0] == '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return z, false, fmt.Errorf("%w: %w", ErrSyntax, err)
		}
		z, err := parse(s, m, bits)
		return z, err == nil, err
	case m&JSONNumber == 0:
		return z, false, fmt.Errorf("%w: %.40s is not a JSON string", ErrSyntax, t)
	case !isJSONInteger(t):
		return z, false, fmt.Errorf("%w: %.40s is not a JSON integer", ErrSyntax, t)
	}
	z, err := parseDecimal(string(t), m, bits)
	return z, err == nil, err
}

// trimSpace removes JSON whitespace (space, tab, newline, carriage return)
// around t.
func trimSpace(t []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(t) > 0 && isSpace(t[0]) {
		t = t[1:]
	}
	for len(t) > 0 && isSpace(t[len(t)-1]) {
		t = t[:len(t)-1]
	}
	return t
}

// isJSONInteger reports whether t is a JSON number without sign, fraction
// or exponent: "0" or a digit 1-9 followed by digits.
func isJSONInteger(t []byte) bool {
	if len(t) == 0 || (t[0] == '0' && len(t) > 1) {
		return false
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
