package hexjson

// Mode is the set of spellings a reader accepts besides the canonical ones.
// The zero Mode accepts only canonical forms: a quantity is "0x" followed by
// at least one hex digit and no leading zero ("0x0", "0x1f"), a byte string
// is "0x" followed by an even number of hex digits ("0x", "0x00ff"). Hex
// digits may be upper or lower case in every mode. Each flag adds spellings
// and never changes the value of a spelling already accepted, so a mode
// with more flags accepts a superset with the same values.
type Mode uint16

const (
	// UpperPrefix accepts the prefix "0X" as well as "0x".
	UpperPrefix Mode = 1 << iota
	// LeadingZeros accepts quantities with leading zero digits ("0x007",
	// and "007" with Decimal).
	LeadingZeros
	// Decimal reads a quantity without the 0x prefix as decimal digits
	// ("42"); without it such a quantity is ErrMissingPrefix.
	Decimal
	// JSONNumber accepts a quantity given as an unquoted JSON integer (42);
	// a sign, a fraction or an exponent is ErrSyntax. Without it a quantity
	// must be a JSON string.
	JSONNumber
	// EmptyZero reads the empty string "" as the quantity zero.
	EmptyZero
	// PrefixZero reads a bare "0x" (no digits) as the quantity zero.
	PrefixZero
	// BareHex accepts byte strings, addresses, hashes and words without the
	// 0x prefix.
	BareHex
)

// The named modes. Callers add or remove single flags where their format
// differs; the package documentation lists each caller's mode.
const (
	// Strict is the engine API's hex encoding (go-ethereum's hexutil):
	// canonical forms only, with either prefix case. Quantities are bounded
	// by their digit count (16 for 64 bits, 64 for 256 bits).
	Strict = UpperPrefix
	// Lenient is what go-ethereum genesis files, chain configurations and
	// state dumps contain: quantities as 0x-hex with leading zeros, as
	// decimal digits or as JSON integers; byte strings with or without the
	// prefix.
	Lenient = UpperPrefix | LeadingZeros | Decimal | JSONNumber | BareHex
	// Fixture is the hex quantities of the ethereum/tests fixtures: always
	// with a lower-case 0x, often with leading zeros ("0x00"), and "0x"
	// for zero.
	Fixture = LeadingZeros | PrefixZero
)

// prefixed reports whether s starts with a prefix m accepts.
func (m Mode) prefixed(s string) bool {
	return len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || (s[1] == 'X' && m&UpperPrefix != 0))
}
