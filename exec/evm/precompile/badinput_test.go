package precompile_test

import (
	"bytes"

	"encoding/hex"
	"errors"
	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
)

func osaka(a types.Address) precompile.Contract {
	c, ok := precompile.Osaka().Get(a)
	if !ok {
		panic("missing " + a.Hex())
	}
	return c
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// A valid ecrecover input from ecRecover.json (ValidKey).
var ecrecoverValid = mustHex("18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c000000000000000000000000000000000000000000000000000000000000001c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549")

const secp256k1N = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

func TestEcrecoverBadInput(t *testing.T) {
	c := osaka(precompile.AddrEcrecover)
	good, err := c.Run(ecrecoverValid)
	if err != nil || len(good) != 32 {
		t.Fatalf("valid input: %x, %v", good, err)
	}
	// Bytes past 128 are ignored.
	if out, _ := c.Run(append(bytes.Clone(ecrecoverValid), 0xff, 0xff)); !bytes.Equal(out, good) {
		t.Fatalf("trailing bytes changed the result: %x", out)
	}
	mutate := func(f func(b []byte)) []byte {
		b := bytes.Clone(ecrecoverValid)
		f(b)
		return b
	}
	n := mustHex(secp256k1N)
	for name, in := range map[string][]byte{
		"empty":          nil,
		"short (no r,s)": ecrecoverValid[:64],
		"v=29":           mutate(func(b []byte) { b[63] = 29 }),
		"v=0":            mutate(func(b []byte) { b[63] = 0 }),
		"v=1":            mutate(func(b []byte) { b[63] = 1 }),
		"v high byte":    mutate(func(b []byte) { b[32] = 1 }),
		"v byte 62":      mutate(func(b []byte) { b[62] = 1 }),
		"r=0":            mutate(func(b []byte) { clear(b[64:96]) }),
		"s=0":            mutate(func(b []byte) { clear(b[96:128]) }),
		"r=N":            mutate(func(b []byte) { copy(b[64:96], n) }),
		"s=N":            mutate(func(b []byte) { copy(b[96:128], n) }),
		"r=2^256-1":      mutate(func(b []byte) { copy(b[64:96], bytes.Repeat([]byte{0xff}, 32)) }),
		"r not x on crv": mutate(func(b []byte) { clear(b[64:96]); b[95] = 5 }),
	} {
		out, err := c.Run(in)
		if err != nil || len(out) != 0 {
			t.Errorf("%s: got %x, %v; want empty output and no error", name, out, err)
		}
	}
	// High s is allowed here (no EIP-2 rule): s' = N - s recovers with the
	// other parity, to the same address.
	var sHigh [32]byte
	subMod(sHigh[:], n, ecrecoverValid[96:128])
	flipped := mutate(func(b []byte) { copy(b[96:128], sHigh[:]); b[63] ^= 27 ^ 28 })
	if out, err := c.Run(flipped); err != nil || !bytes.Equal(out, good) {
		t.Errorf("high-s signature: %x, %v; want %x", out, err, good)
	}
}

// subMod sets dst = a - b for 32-byte big-endian a > b.
func subMod(dst, a, b []byte) {
	var borrow int
	for i := 31; i >= 0; i-- {
		d := int(a[i]) - int(b[i]) - borrow
		borrow = 0
		if d < 0 {
			d += 256
			borrow = 1
		}
		dst[i] = byte(d)
	}
}

func word(v uint64) []byte {
	w := make([]byte, 32)
	for i := 0; i < 8; i++ {
		w[31-i] = byte(v >> (8 * i))
	}
	return w
}

var max256 = bytes.Repeat([]byte{0xff}, 32)

func header(b, e, m []byte) []byte {
	return append(append(append([]byte{}, b...), e...), m...)
}

func TestModexpHugeLengths(t *testing.T) {
	type want struct {
		byz, berlin, osaka uint64
	}
	cases := []struct {
		name string
		in   []byte
		gas  want
		// Berlin-priced Run outcome (nil error means empty output).
		berlinErr error
	}{
		{"all max", header(max256, max256, max256), want{math.MaxUint64, math.MaxUint64, math.MaxUint64}, precompile.ErrModexpRunLimit},
		{"base max", header(max256, word(0), word(0)), want{math.MaxUint64, math.MaxUint64, math.MaxUint64}, precompile.ErrModexpRunLimit},
		{"mod max", header(word(0), word(0), max256), want{math.MaxUint64, math.MaxUint64, math.MaxUint64}, precompile.ErrModexpRunLimit},
		// Empty base and modulus: nothing is computed, whatever the exponent.
		{"exp max, no base/mod", header(word(0), max256, word(0)), want{0, 200, math.MaxUint64}, nil},
		{"exp 2^64, mod 1", header(word(0), append(make([]byte, 23), 1, 0, 0, 0, 0, 0, 0, 0, 0), word(1)), want{math.MaxUint64 / 20, math.MaxUint64 / 3, math.MaxUint64}, precompile.ErrModexpRunLimit},
		{"exp 2^40, mod 1", header(word(0), word(1<<40), word(1)), want{((1<<40 - 32) * 8) / 20, ((1<<40 - 32) * 8) / 3, (1<<40 - 32) * 16 * 16}, precompile.ErrModexpRunLimit},
		{"mod 2^32", header(word(0), word(0), word(1<<32)), want{math.MaxUint64, (1 << 58) / 3, 1 << 59}, precompile.ErrModexpRunLimit},
	}
	for _, tc := range cases {
		for _, v := range []struct {
			name string
			c    precompile.Contract
			gas  uint64
		}{{"byzantium", precompile.ModexpByzantium, tc.gas.byz}, {"berlin", precompile.ModexpBerlin, tc.gas.berlin}, {"osaka", precompile.ModexpOsaka, tc.gas.osaka}} {
			if g := v.c.Gas(tc.in); g != v.gas {
				t.Errorf("%s/%s: gas %d, want %d", tc.name, v.name, g, v.gas)
			}
		}
		out, err := precompile.ModexpBerlin.Run(tc.in)
		if !errors.Is(err, tc.berlinErr) || (err == nil && len(out) != 0) {
			t.Errorf("%s: berlin Run = %x, %v; want %v", tc.name, out, err, tc.berlinErr)
		}
		if _, err := precompile.ModexpOsaka.Run(tc.in); !errors.Is(err, precompile.ErrModexpLengthLimit) {
			t.Errorf("%s: osaka Run error %v, want ErrModexpLengthLimit", tc.name, err)
		}
	}
	// Gas never allocates, even for absurd lengths.
	in := header(max256, max256, max256)
	if a := testing.AllocsPerRun(100, func() { _ = precompile.ModexpOsaka.Gas(in) }); a != 0 {
		t.Errorf("Gas allocates %.1f times", a)
	}
}

func TestModexpEIP7823Limit(t *testing.T) {
	for _, tc := range []struct {
		b, e, m uint64
		ok      bool
	}{
		{1024, 1024, 1024, true}, {1025, 1, 1, false}, {1, 1025, 1, false}, {1, 1, 1025, false}, {0, 1025, 0, false},
	} {
		in := header(word(tc.b), word(tc.e), word(tc.m))
		_, err := precompile.ModexpOsaka.Run(in)
		if tc.ok != (err == nil) {
			t.Errorf("lengths %d/%d/%d: err %v", tc.b, tc.e, tc.m, err)
		}
		if !tc.ok && err.Error() != "one or more of base/exponent/modulus length exceeded 1024 bytes" {
			t.Errorf("lengths %d/%d/%d: message %q", tc.b, tc.e, tc.m, err)
		}
		// Before Osaka the same input runs.
		if _, err := precompile.ModexpBerlin.Run(in); err != nil {
			t.Errorf("berlin, lengths %d/%d/%d: %v", tc.b, tc.e, tc.m, err)
		}
	}
}

func TestBN254BadInput(t *testing.T) {
	add, mul, pair := osaka(precompile.AddrBN254Add), osaka(precompile.AddrBN254Mul), osaka(precompile.AddrBN254Pairing)
	p := mustHex("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47") // field modulus
	g1 := append(word(1), word(2)...)                                                // generator
	// Short input is zero-padded: the empty input adds infinity to infinity.
	if out, err := add.Run(nil); err != nil || !bytes.Equal(out, make([]byte, 64)) {
		t.Errorf("add(empty) = %x, %v", out, err)
	}
	if out, err := mul.Run(g1); err != nil || !bytes.Equal(out, make([]byte, 64)) {
		t.Errorf("mul(G, implicit 0) = %x, %v; want infinity", out, err)
	}
	for name, tc := range map[string]struct {
		c   precompile.Contract
		in  []byte
		err error
	}{
		"add off curve":       {add, append(word(1), word(3)...), precompile.ErrBN254NotOnCurve},
		"add x = p":           {add, append(p, word(2)...), precompile.ErrBN254FieldElement},
		"add second y = p":    {add, append(bytes.Clone(g1), append(word(1), p...)...), precompile.ErrBN254FieldElement},
		"mul off curve":       {mul, append(append(word(1), word(3)...), word(5)...), precompile.ErrBN254NotOnCurve},
		"pairing size 191":    {pair, make([]byte, 191), precompile.ErrBN254PairingSize},
		"pairing size 193":    {pair, make([]byte, 193), precompile.ErrBN254PairingSize},
		"pairing g1 off crv":  {pair, append(append(word(1), word(3)...), make([]byte, 128)...), precompile.ErrBN254NotOnCurve},
		"pairing g2 off crv":  {pair, append(make([]byte, 64), append(make([]byte, 96), word(1)...)...), precompile.ErrBN254NotOnCurve},
		"pairing g2 coord=p":  {pair, append(make([]byte, 64), append(p, make([]byte, 96)...)...), precompile.ErrBN254FieldElement},
		"pairing g2 subgroup": {pair, append(make([]byte, 64), bn254G2NotInSubgroup()...), precompile.ErrBN254NotInSubgroup},
	} {
		out, err := tc.c.Run(tc.in)
		if !errors.Is(err, tc.err) || out != nil {
			t.Errorf("%s: %x, %v; want %v", name, out, err, tc.err)
		}
	}
	// Empty pairing input is a successful check.
	if out, err := pair.Run(nil); err != nil || out[31] != 1 {
		t.Errorf("pairing(empty) = %x, %v", out, err)
	}
}

func TestBLSBadInput(t *testing.T) {
	// Field element equal to the BLS12-381 base field modulus.
	p := mustHex("000000000000000000000000000000001a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab")
	g2add, g2msm, pairing := osaka(precompile.AddrBLSG2Add), osaka(precompile.AddrBLSG2MSM), osaka(precompile.AddrBLSPairing)
	offCurveG2 := make([]byte, 256) // x = 0, y = 1: not on the twist, not infinity
	offCurveG2[191] = 1
	for name, tc := range map[string]struct {
		c   precompile.Contract
		in  []byte
		err error
	}{
		"g2add off curve":     {g2add, append(bytes.Clone(offCurveG2), make([]byte, 256)...), precompile.ErrBLSNotOnCurve},
		"g2add coord = p":     {g2add, append(append(bytes.Clone(p), make([]byte, 192)...), make([]byte, 256)...), precompile.ErrBLSFieldElement},
		"g2msm 0 pairs":       {g2msm, nil, precompile.ErrInvalidInputLength},
		"pairing 0 pairs":     {pairing, nil, precompile.ErrInvalidInputLength},
		"pairing g2 off crv":  {pairing, append(make([]byte, 128), offCurveG2...), precompile.ErrBLSNotOnCurve},
		"map g1 coord = p":    {osaka(precompile.AddrBLSMapFpToG1), p, precompile.ErrBLSFieldElement},
		"map g2 c1 top bytes": {osaka(precompile.AddrBLSMapFp2ToG2), append(make([]byte, 64), append([]byte{1}, make([]byte, 63)...)...), precompile.ErrBLSFieldElementTopBytes},
	} {
		out, err := tc.c.Run(tc.in)
		if !errors.Is(err, tc.err) || out != nil {
			t.Errorf("%s: %x, %v; want %v", name, out, err, tc.err)
		}
	}
	// Infinity is a valid input everywhere: ∞ + ∞ = ∞, e(∞, ∞) = 1.
	if out, err := g2add.Run(make([]byte, 512)); err != nil || !bytes.Equal(out, make([]byte, 256)) {
		t.Errorf("g2add(∞, ∞) = %x, %v", out, err)
	}
	if out, err := pairing.Run(make([]byte, 384)); err != nil || out[31] != 1 {
		t.Errorf("pairing(∞, ∞) = %x, %v", out, err)
	}
	if out, err := g2msm.Run(make([]byte, 288)); err != nil || !bytes.Equal(out, make([]byte, 256)) {
		t.Errorf("g2msm(∞·0) = %x, %v", out, err)
	}
}

func TestBlake2FRounds(t *testing.T) {
	c := osaka(precompile.AddrBlake2F)
	in := make([]byte, 213)
	// Zero rounds is valid and free: h ^= v[i] ^ v[i+8] only.
	if g := c.Gas(in); g != 0 {
		t.Errorf("gas(0 rounds) = %d", g)
	}
	if out, err := c.Run(in); err != nil || len(out) != 64 {
		t.Errorf("0 rounds: %x, %v", out, err)
	}
	in[0], in[1], in[2], in[3] = 0xff, 0xff, 0xff, 0xff
	if g := c.Gas(in); g != math.MaxUint32 {
		t.Errorf("gas(2^32-1 rounds) = %d", g)
	}
	in[212] = 2
	if _, err := c.Run(in); !errors.Is(err, precompile.ErrInvalidFinalFlag) {
		t.Errorf("flag 2: %v", err)
	}
}

func TestPointEvaluationBadInput(t *testing.T) {
	dir := testdata.Shared(t, "precompiles")
	var cases []vector
	readJSON(t, filepath.Join(dir, "pointEvaluation.json"), &cases)
	good := decodeHex(t, "pointEvaluation.json", cases[0].Name, cases[0].Input)
	c := osaka(precompile.AddrPointEval)
	if _, err := c.Run(good); err != nil {
		t.Fatal(err)
	}
	mutate := func(i int, x byte) []byte {
		b := bytes.Clone(good)
		b[i] ^= x
		return b
	}
	blsModulus := mustHex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
	zIsModulus := bytes.Clone(good)
	copy(zIsModulus[32:64], blsModulus)
	for name, tc := range map[string]struct {
		in  []byte
		err error
	}{
		"short":                {good[:191], precompile.ErrInvalidInputLength},
		"long":                 {append(bytes.Clone(good), 0), precompile.ErrInvalidInputLength},
		"empty":                {nil, precompile.ErrInvalidInputLength},
		"version byte":         {mutate(0, 0x03), precompile.ErrKZGVersionedHash},
		"hash byte":            {mutate(31, 0x01), precompile.ErrKZGVersionedHash},
		"commitment (hash ok)": {mutate(100, 0x01), precompile.ErrKZGVersionedHash},
		"claim y":              {mutate(95, 0x01), precompile.ErrKZGProof},
		"point z":              {mutate(63, 0x01), precompile.ErrKZGProof},
		"proof":                {mutate(150, 0x01), precompile.ErrKZGProof},
		"z not canonical":      {zIsModulus, precompile.ErrKZGProof},
	} {
		out, err := c.Run(tc.in)
		if !errors.Is(err, tc.err) || out != nil {
			t.Errorf("%s: %x, %v; want %v", name, out, err, tc.err)
		}
	}
}

func TestP256VerifyBadInput(t *testing.T) {
	dir := testdata.Shared(t, "precompiles")
	var cases []vector
	readJSON(t, filepath.Join(dir, "p256Verify.json"), &cases)
	var good []byte
	for _, tc := range cases {
		if tc.Expected != "" {
			good = decodeHex(t, "p256Verify.json", tc.Name, tc.Input)
			break
		}
	}
	c := osaka(precompile.AddrP256Verify)
	if out, err := c.Run(good); err != nil || len(out) != 32 || out[31] != 1 {
		t.Fatalf("valid signature: %x, %v", out, err)
	}
	n := mustHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
	p := mustHex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
	set := func(off int, v []byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:off+32], v)
		return b
	}
	for name, in := range map[string][]byte{
		"empty":      nil,
		"short":      good[:159],
		"long":       append(bytes.Clone(good), 0),
		"r=0":        set(32, make([]byte, 32)),
		"s=0":        set(64, make([]byte, 32)),
		"r=n":        set(32, n),
		"s=n":        set(64, n),
		"x=p":        set(96, p),
		"off curve":  set(128, word(7)),
		"point 0,0":  append(good[:96:96], make([]byte, 64)...),
		"wrong hash": func() []byte { b := bytes.Clone(good); b[0] ^= 1; return b }(),
	} {
		out, err := c.Run(in)
		if err != nil || len(out) != 0 {
			t.Errorf("%s: %x, %v; want empty output, no error", name, out, err)
		}
	}
}

// bn254G2NotInSubgroup returns the 128-byte encoding of a point on the BN254
// twist that is not in the order-r subgroup (the twist has a large cofactor,
// so the first point found by increasing x almost surely qualifies).
func bn254G2NotInSubgroup() []byte {
	var xi, b bn254.E2 // b' = 3 / (9 + u)
	xi.A0.SetUint64(9)
	xi.A1.SetOne()
	b.Inverse(&xi)
	var three fp.Element
	three.SetUint64(3)
	b.MulByElement(&b, &three)
	for i := uint64(1); ; i++ {
		var q bn254.G2Affine
		q.X.A0.SetUint64(i)
		var rhs bn254.E2
		rhs.Square(&q.X).Mul(&rhs, &q.X).Add(&rhs, &b)
		if rhs.Legendre() != 1 {
			continue
		}
		q.Y.Sqrt(&rhs)
		if !q.IsOnCurve() || q.IsInSubGroup() {
			continue
		}
		out := make([]byte, 128)
		fp.BigEndian.PutElement((*[32]byte)(out[0:32]), q.X.A1)
		fp.BigEndian.PutElement((*[32]byte)(out[32:64]), q.X.A0)
		fp.BigEndian.PutElement((*[32]byte)(out[64:96]), q.Y.A1)
		fp.BigEndian.PutElement((*[32]byte)(out[96:128]), q.Y.A0)
		return out
	}
}
