package hexjson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/holiman/uint256"
)

// allFlags is every flag of Mode.
const allFlags = UpperPrefix | LeadingZeros | Decimal | JSONNumber | EmptyZero | PrefixZero | BareHex

// FuzzParse checks the invariants of the modes on any text:
//   - a mode with more flags accepts everything a mode with fewer accepts,
//     with the same value (so anything Strict accepts, Lenient accepts);
//   - every error wraps exactly one sentinel;
//   - the 64-bit reader agrees with the 256-bit one below 2^64 and
//     overflows above;
//   - a JSON string reads as its content, an integer as its digits;
//   - canonical encodings of what was read round-trip through Strict;
//   - words, fixed-size values and byte strings agree with each other.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0x0", "0x1f", "0X1F", "0x00", "0x", "", "42", "007", "-1", "+1", "1e3", " 0x1",
		hex64, over64, hex256, over256, max64, two64, max256, two256,
		"0x0001ff", "abcd", "0x123", "0xzz", "0x0x12",
	} {
		f.Add(s, uint16(Strict), uint16(Lenient))
		f.Add(s, uint16(Fixture), uint16(EmptyZero))
	}
	f.Fuzz(func(t *testing.T, s string, m1, m2 uint16) {
		if len(s) > 300 {
			return
		}
		lo := Mode(m1) & allFlags
		hi := lo | Mode(m2)&allFlags
		modes := []Mode{lo, hi, Strict, Lenient}
		for _, m := range modes {
			checkSentinels(t, s, m)
		}
		for _, pair := range [][2]Mode{{lo, hi}, {Strict, Lenient}, {Fixture, Lenient | Fixture}} {
			checkSuperset(t, s, pair[0], pair[1])
		}
		for _, m := range modes {
			checkWidths(t, s, m)
			checkJSON(t, s, m)
			checkBytes(t, s, m)
		}
	})
}

func checkSentinels(t *testing.T, s string, m Mode) {
	t.Helper()
	_, e1 := ParseUint64(s, m)
	_, e2 := ParseUint256(s, m)
	_, e3 := ParseBytes(s, m)
	_, e4 := ParseWord(s, m)
	var a [20]byte
	e5 := ParseFixed(a[:], s, m)
	for _, err := range []error{e1, e2, e3, e4, e5} {
		if err != nil && sentinelOf(err) == nil {
			t.Fatalf("%q mode %b: error without one sentinel: %v", s, m, err)
		}
	}
}

func checkSuperset(t *testing.T, s string, lo, hi Mode) {
	t.Helper()
	if z, err := ParseUint256(s, lo); err == nil {
		if z2, err2 := ParseUint256(s, hi); err2 != nil || z2 != z {
			t.Fatalf("%q: mode %b reads %s, mode %b reads %s, %v", s, lo, z.Dec(), hi, z2.Dec(), err2)
		}
	}
	if b, err := ParseBytes(s, lo); err == nil {
		if b2, err2 := ParseBytes(s, hi); err2 != nil || !bytes.Equal(b, b2) {
			t.Fatalf("%q: mode %b reads %x, mode %b reads %x, %v", s, lo, b, hi, b2, err2)
		}
	}
}

func checkWidths(t *testing.T, s string, m Mode) {
	t.Helper()
	x, err64 := ParseUint64(s, m)
	z, err256 := ParseUint256(s, m)
	switch {
	case err256 != nil:
		if err64 == nil {
			t.Fatalf("%q mode %b: 64 bits read %d, 256 bits failed: %v", s, m, x, err256)
		}
	case z.IsUint64():
		if err64 != nil || x != z.Uint64() {
			t.Fatalf("%q mode %b: 64 bits %d %v, 256 bits %s", s, m, x, err64, z.Dec())
		}
	default:
		if sentinelOf(err64) != ErrOverflow {
			t.Fatalf("%q mode %b: 256 bits %s, 64 bits %d %v", s, m, z.Dec(), x, err64)
		}
	}
	if err256 != nil {
		return
	}
	// Round trips: canonical hex through Strict, decimal through Lenient.
	canon := z.Hex()
	if z2, err := ParseUint256(canon, Strict); err != nil || z2 != z {
		t.Fatalf("%q: canonical %s reads %s, %v", s, canon, z2.Dec(), err)
	}
	if z2, err := ParseUint256(z.Dec(), Lenient); err != nil || z2 != z {
		t.Fatalf("%q: decimal %s reads %s, %v", s, z.Dec(), z2.Dec(), err)
	}
	if z.IsUint64() {
		canon := "0x" + strconv.FormatUint(z.Uint64(), 16)
		if x2, err := ParseUint64(canon, Strict); err != nil || x2 != z.Uint64() {
			t.Fatalf("%q: canonical %s reads %d, %v", s, canon, x2, err)
		}
	}
}

func checkJSON(t *testing.T, s string, m Mode) {
	t.Helper()
	if utf8.ValidString(s) {
		raw, _ := json.Marshal(s)
		z1, err1 := ParseUint256(s, m)
		z2, ok, err2 := Uint256(raw, m)
		if z1 != z2 || sentinelOf(err1) != sentinelOf(err2) || ok != (err2 == nil) {
			t.Fatalf("%q mode %b: text %s %v, JSON %s %v %v", s, m, z1.Dec(), err1, z2.Dec(), ok, err2)
		}
	}
	// The text itself as a JSON value: an integer only with JSONNumber.
	z, ok, err := Uint256([]byte(s), m)
	if err == nil && ok && !bytes.HasPrefix(trimSpace([]byte(s)), []byte(`"`)) {
		if m&JSONNumber == 0 {
			t.Fatalf("%q mode %b: unquoted value %s read without JSONNumber", s, m, z.Dec())
		}
		var n json.Number
		if json.Unmarshal([]byte(s), &n) != nil || n.String() != z.Dec() {
			t.Fatalf("%q mode %b: read as the integer %s", s, m, z.Dec())
		}
	}
}

func checkBytes(t *testing.T, s string, m Mode) {
	t.Helper()
	b, err := ParseBytes(s, m)
	w, werr := ParseWord(s, m)
	if err != nil {
		if werr == nil && sentinelOf(err) != ErrOddLength {
			t.Fatalf("%q mode %b: word %s but bytes fail: %v", s, m, w.Dec(), err)
		}
		return
	}
	if b == nil {
		t.Fatalf("%q mode %b: nil bytes", s, m)
	}
	canon := "0x" + hex.EncodeToString(b)
	if b2, err := ParseBytes(canon, Strict); err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("%q: canonical %s reads %x, %v", s, canon, b2, err)
	}
	fixed := make([]byte, len(b))
	if err := ParseFixed(fixed, s, m); err != nil || !bytes.Equal(fixed, b) {
		t.Fatalf("%q mode %b: fixed %x %v, bytes %x", s, m, fixed, err, b)
	}
	if len(b) > 32 {
		if sentinelOf(werr) != ErrOverflow {
			t.Fatalf("%q mode %b: %d bytes, word %s %v", s, m, len(b), w.Dec(), werr)
		}
		return
	}
	var want uint256.Int
	want.SetBytes(b)
	if werr != nil || w != want {
		t.Fatalf("%q mode %b: word %s %v, bytes %x", s, m, w.Dec(), werr, b)
	}
}
