package hexjson

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/holiman/uint256"
)

// sentinels are the package's errors; every failure wraps exactly one.
var sentinels = []error{ErrSyntax, ErrMissingPrefix, ErrEmpty, ErrLeadingZero, ErrOddLength, ErrLength, ErrOverflow}

func sentinelOf(err error) error {
	var found error
	for _, s := range sentinels {
		if errors.Is(err, s) {
			if found != nil {
				return fmt.Errorf("two sentinels: %v and %v", found, s)
			}
			found = s
		}
	}
	return found
}

const (
	max64   = "18446744073709551615"
	two64   = "18446744073709551616"
	max256  = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
	two256  = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
	hex64   = "0xffffffffffffffff"
	hex256  = "0x" + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	over64  = "0x10000000000000000"
	over256 = "0x1" + "0000000000000000000000000000000000000000000000000000000000000000"
)

// A result in the quantity table: a decimal value, or the sentinel of the
// error.
type res struct {
	val string
	err error
}

func v(s string) res  { return res{val: s} }
func e(err error) res { return res{err: err} }

// TestQuantities is the contract of the named modes: every spelling of a
// quantity, accepted or rejected, at 64 and at 256 bits.
func TestQuantities(t *testing.T) {
	type row struct {
		in                       string
		strict, lenient, fixture res
	}
	// Rows that read the same at 64 and 256 bits.
	both := []row{
		// Canonical hex: every mode.
		{"0x0", v("0"), v("0"), v("0")},
		{"0x1", v("1"), v("1"), v("1")},
		{"0x1f", v("31"), v("31"), v("31")},
		{"0x1F", v("31"), v("31"), v("31")},        // upper-case digits
		{"0xAbC", v("2748"), v("2748"), v("2748")}, // mixed case
		// The prefix.
		{"0X1f", v("31"), v("31"), e(ErrMissingPrefix)}, // Fixture: lower-case prefix only
		{"1f", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"x1", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"0x0x1", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		{"0x0X1", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		// Leading zeros.
		{"0x00", e(ErrLeadingZero), v("0"), v("0")},
		{"0x01", e(ErrLeadingZero), v("1"), v("1")},
		{"0x000000000000000000000000000000000000000000000000000000000000000000000000000001", e(ErrLeadingZero), v("1"), v("1")},
		// Empty.
		{"", e(ErrEmpty), e(ErrEmpty), e(ErrEmpty)},
		{"0x", e(ErrEmpty), e(ErrEmpty), v("0")},
		{"0X", e(ErrEmpty), e(ErrEmpty), e(ErrMissingPrefix)},
		// Decimal.
		{"0", e(ErrMissingPrefix), v("0"), e(ErrMissingPrefix)},
		{"42", e(ErrMissingPrefix), v("42"), e(ErrMissingPrefix)},
		{"007", e(ErrMissingPrefix), v("7"), e(ErrMissingPrefix)},
		{"10", e(ErrMissingPrefix), v("10"), e(ErrMissingPrefix)}, // never read as hex
		// Not digits of the base.
		{"0xg", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		{"0x1g", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		{"4a", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"0x_1", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		{"1_000", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		// Whitespace.
		{" 0x1", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"0x1 ", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		{"1\n", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		// Signs, fractions, exponents.
		{"-1", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"+1", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"-0", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"0x-1", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
		{"1e3", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"1.0", e(ErrMissingPrefix), e(ErrSyntax), e(ErrMissingPrefix)},
		{"0x1.0", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
	}
	// Rows whose result depends on the width.
	only64 := []row{
		{hex64, v(max64), v(max64), v(max64)},
		{over64, e(ErrOverflow), e(ErrOverflow), e(ErrOverflow)},
		{"0x00ffffffffffffffff", e(ErrLeadingZero), v(max64), v(max64)},
		{"0x0010000000000000000", e(ErrLeadingZero), e(ErrOverflow), e(ErrOverflow)},
		{max64, e(ErrMissingPrefix), v(max64), e(ErrMissingPrefix)},
		{two64, e(ErrMissingPrefix), e(ErrOverflow), e(ErrMissingPrefix)},
		{"00" + max64, e(ErrMissingPrefix), v(max64), e(ErrMissingPrefix)},
		{hex256, e(ErrOverflow), e(ErrOverflow), e(ErrOverflow)},
	}
	only256 := []row{
		{hex64, v(max64), v(max64), v(max64)},
		{over64, v(two64), v(two64), v(two64)},
		{hex256, v(max256), v(max256), v(max256)},
		{over256, e(ErrOverflow), e(ErrOverflow), e(ErrOverflow)},
		{"0x00" + hex256[2:], e(ErrLeadingZero), v(max256), v(max256)},
		{max256, e(ErrMissingPrefix), v(max256), e(ErrMissingPrefix)},
		{two256, e(ErrMissingPrefix), e(ErrOverflow), e(ErrMissingPrefix)},
		{"0" + max256, e(ErrMissingPrefix), v(max256), e(ErrMissingPrefix)},
		{two256 + "0", e(ErrMissingPrefix), e(ErrOverflow), e(ErrMissingPrefix)},
		// An overflow is found even with a bad digit further on only when
		// every digit is valid: syntax comes first.
		{over256 + "g", e(ErrSyntax), e(ErrSyntax), e(ErrSyntax)},
	}
	check := func(bits int, r row) {
		for _, m := range []struct {
			name string
			mode Mode
			want res
		}{{"Strict", Strict, r.strict}, {"Lenient", Lenient, r.lenient}, {"Fixture", Fixture, r.fixture}} {
			var got string
			var err error
			if bits == 64 {
				var x uint64
				x, err = ParseUint64(r.in, m.mode)
				got = fmt.Sprint(x)
			} else {
				var z uint256.Int
				z, err = ParseUint256(r.in, m.mode)
				got = z.Dec()
			}
			switch {
			case m.want.err != nil && sentinelOf(err) != m.want.err:
				t.Errorf("%d bits, %s, %q: got %s, %v; want %v", bits, m.name, r.in, got, err, m.want.err)
			case m.want.err == nil && (err != nil || got != m.want.val):
				t.Errorf("%d bits, %s, %q: got %s, %v; want %s", bits, m.name, r.in, got, err, m.want.val)
			}
		}
	}
	for _, r := range both {
		check(64, r)
		check(256, r)
	}
	for _, r := range only64 {
		check(64, r)
	}
	for _, r := range only256 {
		check(256, r)
	}
}

// TestFlags checks each flag on its own against the zero mode.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		flag Mode
		want string
	}{
		{"0X1", UpperPrefix, "1"},
		{"0x01", LeadingZeros, "1"},
		{"12", Decimal, "12"},
		{"", EmptyZero, "0"},
		{"0x", PrefixZero, "0"},
	} {
		if _, err := ParseUint256(tc.in, 0); err == nil {
			t.Errorf("%q accepted by the zero mode", tc.in)
		}
		z, err := ParseUint256(tc.in, tc.flag)
		if err != nil || z.Dec() != tc.want {
			t.Errorf("%q with flag %b: %s %v, want %s", tc.in, tc.flag, z.Dec(), err, tc.want)
		}
	}
	// Decimal leading zeros need LeadingZeros too.
	if _, err := ParseUint64("012", Decimal); !errors.Is(err, ErrLeadingZero) {
		t.Errorf("012 without LeadingZeros: %v", err)
	}
	// BareHex concerns byte strings, not quantities.
	if _, err := ParseUint64("ff", BareHex); !errors.Is(err, ErrMissingPrefix) {
		t.Errorf("bare hex quantity: %v", err)
	}
}

// TestJSON checks the JSON values of quantities: strings, integers, null.
func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		mode  Mode
		want  string // "" with ok false: absent
		ok    bool
		isErr error
	}{
		{`"0x10"`, Strict, "16", true, nil},
		{` "0x10" `, Strict, "16", true, nil},
		{`"\u0030x10"`, Strict, "16", true, nil}, // escapes are JSON's business
		{`16`, Lenient, "16", true, nil},
		{`0`, Lenient, "0", true, nil},
		{`16`, Strict, "", false, ErrSyntax}, // a number needs JSONNumber
		{`16`, Fixture, "", false, ErrSyntax},
		{`16`, JSONNumber, "16", true, nil}, // integers are decimal even without Decimal
		{`"16"`, JSONNumber, "", false, ErrMissingPrefix},
		{`-1`, Lenient, "", false, ErrSyntax},
		{`1.0`, Lenient, "", false, ErrSyntax},
		{`1e3`, Lenient, "", false, ErrSyntax},
		{`1E3`, Lenient, "", false, ErrSyntax},
		{`016`, Lenient, "", false, ErrSyntax}, // not JSON
		{`0x10`, Lenient, "", false, ErrSyntax},
		{`true`, Lenient, "", false, ErrSyntax},
		{`[1]`, Lenient, "", false, ErrSyntax},
		{`{}`, Lenient, "", false, ErrSyntax},
		{`"0x10`, Lenient, "", false, ErrSyntax},
		{`"" `, Lenient, "", false, ErrEmpty},
		{`""`, Lenient | EmptyZero, "0", true, nil},
		{``, Strict, "", false, nil},
		{`  `, Strict, "", false, nil},
		{`null`, Strict, "", false, nil},
		{` null`, Lenient, "", false, nil},
	} {
		x, ok, err := Uint64([]byte(tc.raw), tc.mode)
		got := fmt.Sprint(x)
		switch {
		case tc.isErr != nil:
			if sentinelOf(err) != tc.isErr || ok {
				t.Errorf("%s: %s %v %v, want %v", tc.raw, got, ok, err, tc.isErr)
			}
		case err != nil || ok != tc.ok || (ok && got != tc.want):
			t.Errorf("%s: %s %v %v, want %s %v", tc.raw, got, ok, err, tc.want, tc.ok)
		}
		z, ok2, err2 := Uint256([]byte(tc.raw), tc.mode)
		if ok2 != ok || sentinelOf(err2) != sentinelOf(err) || (ok && z.Dec() != got) {
			t.Errorf("%s: 256 bits %s %v %v, 64 bits %s %v %v", tc.raw, z.Dec(), ok2, err2, got, ok, err)
		}
	}
	if _, _, err := Uint64([]byte(two64), Lenient); !errors.Is(err, ErrOverflow) {
		t.Errorf("2^64 as a JSON integer: %v", err)
	}
	if z, ok, err := Uint256([]byte(max256), Lenient); !ok || err != nil || z.Dec() != max256 {
		t.Errorf("2^256-1 as a JSON integer: %s %v %v", z.Dec(), ok, err)
	}
	if _, _, err := Uint256([]byte(two256), Lenient); !errors.Is(err, ErrOverflow) {
		t.Errorf("2^256 as a JSON integer: %v", err)
	}
}

// TestBytes checks byte strings, fixed-size values and words.
func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		in              string
		strict, lenient string // hex of the result, or "!" + sentinel name
	}{
		{"0x", "", ""},
		{"0X", "", ""},
		{"", "!prefix", ""},
		{"0x00", "00", "00"},
		{"0x0001ff", "0001ff", "0001ff"},
		{"0xABcd", "abcd", "abcd"},
		{"0XABcd", "abcd", "abcd"},
		{"abcd", "!prefix", "abcd"},
		{"0x1", "!odd", "!odd"},
		{"0x123", "!odd", "!odd"},
		{"123", "!prefix", "!odd"},
		{"0xzz", "!syntax", "!syntax"},
		{"0x0x12", "!syntax", "!syntax"},
		{"0x0X12", "!syntax", "!syntax"},
		{" 0x12", "!prefix", "!odd"},
		{"0x12 ", "!odd", "!odd"},
		{"0x 123", "!syntax", "!syntax"},
		{"x12", "!prefix", "!odd"},
		{"-0x12", "!prefix", "!odd"},
	} {
		for _, m := range []struct {
			name string
			mode Mode
			want string
		}{{"Strict", Strict, tc.strict}, {"Lenient", Lenient, tc.lenient}} {
			b, err := ParseBytes(tc.in, m.mode)
			if got := bytesResult(b, err); got != m.want {
				t.Errorf("%s %q: %s (%v), want %s", m.name, tc.in, got, err, m.want)
			}
			if err == nil && b == nil {
				t.Errorf("%s %q: nil result", m.name, tc.in)
			}
		}
	}

	var a [4]byte
	for _, tc := range []struct {
		in   string
		mode Mode
		want string
	}{
		{"0x01020304", Strict, "01020304"},
		{"0X01020304", Strict, "01020304"},
		{"01020304", Strict, "!prefix"},
		{"01020304", Lenient, "01020304"},
		{"0x010203", Strict, "!length"},
		{"0x0102030405", Lenient, "!length"},
		{"0x010203", Lenient, "!length"},
		{"0x0102030g", Lenient, "!syntax"},
		{"0x0x010203", Lenient, "!syntax"},
		{"0x0x01020304", Lenient, "!length"},
	} {
		a = [4]byte{}
		err := ParseFixed(a[:], tc.in, tc.mode)
		if got := bytesResult(a[:], err); got != tc.want {
			t.Errorf("fixed %q: %s (%v), want %s", tc.in, got, err, tc.want)
		}
	}

	for _, tc := range []struct {
		in   string
		mode Mode
		want string // decimal or "!" + sentinel
	}{
		{"0x", Lenient, "0"},
		{"", Lenient, "0"},
		{"0x01", Lenient, "1"},
		{"01", Lenient, "1"},
		{"0x0100", Lenient, "256"},
		{"0x" + strings.Repeat("ff", 32), Lenient, max256},
		{"0x00" + strings.Repeat("ff", 32), Lenient, "!overflow"}, // longer than 32 bytes
		{"0x" + strings.Repeat("zz", 33), Lenient, "!overflow"},   // length first
		{"0x1", Lenient, "!odd"},
		{"0x001", Lenient, "!odd"},
		{"0xgg", Lenient, "!syntax"},
		{"01", Strict, "!prefix"},
	} {
		z, err := ParseWord(tc.in, tc.mode)
		got := z.Dec()
		if err != nil {
			got = "!" + sentinelName(err)
		}
		if got != tc.want {
			t.Errorf("word %q: %s (%v), want %s", tc.in, got, err, tc.want)
		}
	}
}

func bytesResult(b []byte, err error) string {
	if err != nil {
		return "!" + sentinelName(err)
	}
	return hex.EncodeToString(b)
}

func sentinelName(err error) string {
	switch sentinelOf(err) {
	case ErrSyntax:
		return "syntax"
	case ErrMissingPrefix:
		return "prefix"
	case ErrEmpty:
		return "empty"
	case ErrLeadingZero:
		return "zero"
	case ErrOddLength:
		return "odd"
	case ErrLength:
		return "length"
	case ErrOverflow:
		return "overflow"
	}
	return "unknown: " + err.Error()
}

// TestJSONStringsMatchText: a quantity read from a JSON string is the text
// reader's result on its content.
func TestJSONStringsMatchText(t *testing.T) {
	for _, s := range []string{"0x1", "0x01", "1", "", "0x", "0X1", over64, two256, "-1", "é"} {
		raw, _ := json.Marshal(s)
		for _, m := range []Mode{Strict, Lenient, Fixture, Lenient | EmptyZero} {
			z1, err1 := ParseUint256(s, m)
			z2, ok, err2 := Uint256(raw, m)
			if z1 != z2 || sentinelOf(err1) != sentinelOf(err2) || ok != (err2 == nil) {
				t.Errorf("%q mode %b: text %s %v, JSON %s %v %v", s, m, z1.Dec(), err1, z2.Dec(), ok, err2)
			}
		}
	}
}

func TestAllocs(t *testing.T) {
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		x, _ := ParseUint64("0x1234", Strict)
		z, _ := ParseUint256("0x00ff", Lenient)
		w, _ := ParseWord("0x01", Lenient)
		sink += x + z[0] + w[0]
	})
	if allocs != 0 || sink == 0 {
		t.Errorf("%v allocations", allocs)
	}
}
