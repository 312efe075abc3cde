package rlp_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/holiman/uint256"
)

type vector struct {
	In  json.RawMessage `json:"in"`
	Out string          `json:"out"`
}

func loadVectors(t *testing.T, rel string) map[string]vector {
	t.Helper()
	b, err := os.ReadFile(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]vector
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sortedNames(m map[string]vector) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// encodeJSON encodes a value of the ethereum/tests RLP format: strings are
// byte strings, unless they start with '#', which marks a big integer;
// numbers are integers; arrays are lists.
func encodeJSON(t *testing.T, dst []byte, raw json.RawMessage) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return encodeValue(t, dst, v)
}

func encodeValue(t *testing.T, dst []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		if strings.HasPrefix(v, "#") {
			x, ok := new(big.Int).SetString(v[1:], 10)
			if !ok {
				t.Fatalf("bad bigint %q", v)
			}
			return rlp.AppendBigInt(dst, x)
		}
		return rlp.AppendString(dst, v)
	case json.Number:
		x, ok := new(big.Int).SetString(v.String(), 10)
		if !ok {
			t.Fatalf("bad number %q", v)
		}
		return rlp.AppendBigInt(dst, x)
	case []any:
		start := rlp.StartList(dst)
		for _, e := range v {
			dst = encodeValue(t, dst, e)
		}
		return rlp.EndList(dst, start)
	}
	t.Fatalf("unsupported JSON value %T", v)
	return nil
}

// TestRLPTestsValid encodes every case of rlptest.json and checks the bytes,
// then decodes the expected bytes and checks that they re-encode identically.
func TestRLPTestsValid(t *testing.T) {
	m := loadVectors(t, "ethereum-tests/RLPTests/rlptest.json")
	for _, name := range sortedNames(m) {
		v := m[name]
		want := mustHex(t, v.Out)
		got := encodeJSON(t, nil, v.In)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: encode = %x, want %x", name, got, want)
		}
		if err := rlp.Validate(want); err != nil {
			t.Errorf("%s: decoding valid input failed: %v", name, err)
		}
		if re := reencode(t, want); !bytes.Equal(re, want) {
			t.Errorf("%s: re-encode = %x, want %x", name, re, want)
		}
	}
	t.Logf("%d valid cases", len(m))
}

// TestRLPTestsInvalid checks that every case of invalidRLPTest.json fails to
// decode.
func TestRLPTestsInvalid(t *testing.T) {
	m := loadVectors(t, "ethereum-tests/RLPTests/invalidRLPTest.json")
	for _, name := range sortedNames(m) {
		in := mustHex(t, m[name].Out)
		if err := rlp.Validate(in); err == nil {
			t.Errorf("%s: decoding %x succeeded, want an error", name, in)
		}
	}
	t.Logf("%d invalid cases", len(m))
}

// TestRandomRLPTests decodes the random cases and checks the round trip.
func TestRandomRLPTests(t *testing.T) {
	m := loadVectors(t, "ethereum-tests/RLPTests/RandomRLPTests/example.json")
	for _, name := range sortedNames(m) {
		in := mustHex(t, m[name].Out)
		if err := rlp.Validate(in); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if re := reencode(t, in); !bytes.Equal(re, in) {
			t.Errorf("%s: re-encode = %x, want %x", name, re, in)
		}
	}
}

// reencode decodes b generically and encodes it again.
func reencode(t testing.TB, b []byte) []byte {
	k, content, rest, err := rlp.Split(b)
	if err != nil || len(rest) != 0 {
		t.Fatalf("split %x: %v (rest %x)", b, err, rest)
	}
	return appendGeneric(t, nil, k, content)
}

func appendGeneric(t testing.TB, dst []byte, k rlp.Kind, content []byte) []byte {
	switch k {
	case rlp.Byte:
		return append(dst, content[0])
	case rlp.String:
		return rlp.AppendBytes(dst, content)
	}
	start := rlp.StartList(dst)
	for len(content) > 0 {
		ek, ec, rest, err := rlp.Split(content)
		if err != nil {
			t.Fatalf("split element: %v", err)
		}
		dst = appendGeneric(t, dst, ek, ec)
		content = rest
	}
	return rlp.EndList(dst, start)
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", rlp.ErrUnexpectedEOF},
		{"single byte wrapped", "8100", rlp.ErrCanonSize},
		{"long form for short string", "b801ff", rlp.ErrCanonSize},
		{"leading zero in size", "b90040", rlp.ErrCanonSize},
		{"string past end", "83aabb", rlp.ErrValueTooLarge},
		{"list past end", "c3aabb", rlp.ErrValueTooLarge},
		{"element past list end", "c28300", rlp.ErrElemTooLarge},
		{"trailing bytes", "8001", rlp.ErrTrailingBytes},
		{"size header cut", "b9", rlp.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		if err := rlp.Validate(mustHex(t, c.in)); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

func TestReaderIntegers(t *testing.T) {
	cases := []struct {
		in   string
		want error
		x    uint64
	}{
		{"c180", nil, 0},
		{"c101", nil, 1},
		{"c2817f", rlp.ErrCanonSize, 0},
		{"c38200ff", rlp.ErrCanonInt, 0},
		{"c3820100", nil, 256},
		{"ca89010000000000000000", rlp.ErrUintOverflow, 0},
		{"c9880102030405060708", nil, 0x0102030405060708},
		{"c1c0", rlp.ErrExpectedString, 0},
		{"c0", rlp.ErrTooFewElements, 0},
	}
	for _, c := range cases {
		r := rlp.NewListReader(mustHex(t, c.in))
		x := r.Uint64()
		err := r.End()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.in, err, c.want)
		}
		if err == nil && x != c.x {
			t.Errorf("%s: got %d, want %d", c.in, x, c.x)
		}
	}
	// Arity.
	r := rlp.NewListReader(mustHex(t, "c20102"))
	r.Uint64()
	if err := r.End(); !errors.Is(err, rlp.ErrTooManyElements) {
		t.Errorf("arity: got %v", err)
	}
	// Uint32 bounds.
	r = rlp.NewListReader(mustHex(t, "c6850100000000"))
	r.Uint32()
	if err := r.End(); !errors.Is(err, rlp.ErrUintOverflow) {
		t.Errorf("uint32 overflow: got %v", err)
	}
	// Fixed bytes.
	r = rlp.NewListReader(mustHex(t, "c3820102"))
	var b3 [3]byte
	r.FixedBytes(b3[:])
	if err := r.End(); !errors.Is(err, rlp.ErrWrongLength) {
		t.Errorf("fixed bytes: got %v", err)
	}
	// uint256: 33 bytes is an overflow, leading zero is non-canonical.
	r = rlp.NewListReader(append(mustHex(t, "e2a1"), make([]byte, 33)...))
	var z uint256.Int
	r.Uint256(&z)
	if err := r.End(); !errors.Is(err, rlp.ErrUintOverflow) {
		t.Errorf("uint256 overflow: got %v", err)
	}
}

func TestUint256RoundTrip(t *testing.T) {
	vals := []string{"0", "1", "7f", "80", "ff", "100", "ffffffffffffffff", "10000000000000000",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}
	for _, s := range vals {
		x := uint256.MustFromHex("0x" + s)
		enc := rlp.AppendUint256(nil, x)
		if len(enc) != rlp.Uint256Size(x) {
			t.Errorf("%s: size %d, encoded %d", s, rlp.Uint256Size(x), len(enc))
		}
		bx, _ := new(big.Int).SetString(s, 16)
		if want := rlp.AppendBigInt(nil, bx); !bytes.Equal(enc, want) {
			t.Errorf("%s: %x, big.Int gives %x", s, enc, want)
		}
		got, err := rlp.DecodeUint256(enc)
		if err != nil || !got.Eq(x) {
			t.Errorf("%s: decode %v %v", s, got.Hex(), err)
		}
	}
}

func TestEndListSizes(t *testing.T) {
	for _, n := range []int{0, 1, 55, 56, 255, 256, 65535, 65536, 1 << 20} {
		content := bytes.Repeat([]byte{0x01}, n)
		enc := rlp.EndList(append([]byte{0xaa}, content...), 1)
		want := append(rlp.AppendListHeader([]byte{0xaa}, n), content...)
		if !bytes.Equal(enc, want) {
			t.Fatalf("n=%d: EndList differs from AppendListHeader", n)
		}
		if rlp.ListSize(n) != len(want)-1 {
			t.Fatalf("n=%d: ListSize %d, want %d", n, rlp.ListSize(n), len(want)-1)
		}
	}
}

func TestAppendNoAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	x := uint256.NewInt(123456789)
	data := []byte("some bytes here")
	n := testing.AllocsPerRun(100, func() {
		b := buf[:0]
		b = rlp.AppendListHeader(b, 40)
		b = rlp.AppendUint64(b, 1<<40)
		b = rlp.AppendUint256(b, x)
		b = rlp.AppendBytes(b, data)
		_ = b
	})
	if n != 0 {
		t.Fatalf("append allocates %v times", n)
	}
	enc := rlp.AppendListHeader(nil, 3)
	enc = append(enc, 0x01, 0x02, 0x03)
	n = testing.AllocsPerRun(100, func() {
		r := rlp.NewListReader(enc)
		r.Uint64()
		r.Uint64()
		r.Uint64()
		_ = r.End()
	})
	if n != 0 {
		t.Fatalf("reader allocates %v times", n)
	}
}

// FuzzDecode checks that decoding never panics and that anything accepted
// re-encodes byte for byte.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"80", "00", "7f", "8180", "c0", "c3010203", "f838" + strings.Repeat("01", 56),
		"b838" + strings.Repeat("aa", 56), "c6827a77c10401", "8100", "b800", "f800", "c28300"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := rlp.Validate(b); err != nil {
			return
		}
		if re := reencode(t, b); !bytes.Equal(re, b) {
			t.Fatalf("accepted %x but re-encoded as %x", b, re)
		}
		// Integers decoded through the Reader must re-encode too.
		k, content, _, _ := rlp.Split(b)
		if k != rlp.List {
			if x, err := rlp.DecodeUint256(b); err == nil {
				if enc := rlp.AppendUint256(nil, &x); !bytes.Equal(enc, b) {
					t.Fatalf("uint256 %x re-encoded as %x", b, enc)
				}
			}
			return
		}
		r := rlp.NewReader(content)
		for r.More() {
			r.Raw()
		}
		if err := r.End(); err != nil {
			t.Fatalf("reader rejects validated list %x: %v", b, err)
		}
	})
}

func BenchmarkDecodeList(b *testing.B) {
	enc := rlp.AppendListHeader(nil, 0)
	var content []byte
	for i := range 100 {
		content = rlp.AppendUint64(content, uint64(i)*1e9)
	}
	enc = append(rlp.AppendListHeader(nil, len(content)), content...)
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		r := rlp.NewListReader(enc)
		for r.More() {
			r.Uint64()
		}
		if r.End() != nil {
			b.Fatal("decode failed")
		}
	}
}

func BenchmarkAppendUint256(b *testing.B) {
	x := uint256.MustFromHex("0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = rlp.AppendUint256(buf[:0], x)
	}
}
