package precompile_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
	goethkzg "github.com/crate-crypto/go-eth-kzg"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/internal/testdata"
)

// The point evaluation contract verifies proofs on gnark-crypto with three
// constant points. Its slow twin is the previous implementation: go-eth-kzg
// v1.5.0's VerifyKZGProof over the full trusted setup, which is what
// go-ethereum v1.17.10 runs by default. The tests below compare the two on
// valid proofs made by go-eth-kzg and on mutations of them, byte for byte
// and error text for error text.

var kzgSeedFlag = flag.Uint64("kzgseed", 0, "seed of the random KZG blobs (0: time-based, logged)")

// refKZG is go-eth-kzg's context, built once per test binary (about two
// seconds of CPU: the cost the contract no longer pays).
var refKZG struct {
	once sync.Once
	ctx  *goethkzg.Context
	err  error
}

func refContext(tb testing.TB) *goethkzg.Context {
	tb.Helper()
	refKZG.once.Do(func() { refKZG.ctx, refKZG.err = goethkzg.NewContext4096Secure() })
	if refKZG.err != nil {
		tb.Fatal(refKZG.err)
	}
	return refKZG.ctx
}

// refPointEvaluation is the contract as go-ethereum v1.17.10 runs it with
// its default KZG backend (and as this package ran it before).
func refPointEvaluation(ctx *goethkzg.Context, in []byte) ([]byte, error) {
	if len(in) != 192 {
		return nil, precompile.ErrInvalidInputLength
	}
	var (
		z, y goethkzg.Scalar
		c    goethkzg.KZGCommitment
		p    goethkzg.KZGProof
	)
	copy(z[:], in[32:64])
	copy(y[:], in[64:96])
	copy(c[:], in[96:144])
	copy(p[:], in[144:192])
	vh := sha256.Sum256(c[:])
	vh[0] = 0x01
	if !bytes.Equal(in[:32], vh[:]) {
		return nil, precompile.ErrKZGVersionedHash
	}
	if err := ctx.VerifyKZGProof(c, z, y, p); err != nil {
		return nil, fmt.Errorf("%w: %v", precompile.ErrKZGProof, err)
	}
	out := make([]byte, 64)
	binary.BigEndian.PutUint64(out[24:32], goethkzg.ScalarsPerBlob)
	copy(out[32:], goethkzg.BlsModulus[:])
	return out, nil
}

func pointEvalContract() precompile.Contract { return osaka(precompile.AddrPointEval) }

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// checkKZGMatches runs the contract and its twin on in and fails unless
// output, error text and error class agree. It returns the contract's error.
func checkKZGMatches(tb testing.TB, ctx *goethkzg.Context, name string, in []byte) error {
	tb.Helper()
	got, gotErr := pointEvalContract().Run(in)
	want, wantErr := refPointEvaluation(ctx, in)
	if !bytes.Equal(got, want) || errText(gotErr) != errText(wantErr) {
		tb.Fatalf("%s: input %x\n  got  %x, %v\n  want %x, %v", name, in, got, gotErr, want, wantErr)
	}
	for _, class := range []error{precompile.ErrInvalidInputLength, precompile.ErrKZGVersionedHash, precompile.ErrKZGProof} {
		if errors.Is(gotErr, class) != errors.Is(wantErr, class) {
			tb.Fatalf("%s: error %v is not of the class of %v", name, gotErr, wantErr)
		}
	}
	return gotErr
}

// kzgCase is one point evaluation claim: a commitment to a blob, z, the
// blob's value y at z and go-eth-kzg's proof of it. constant marks a blob
// whose polynomial is constant (all evaluations equal): its proof is the
// point at infinity and it verifies at every z.
type kzgCase struct {
	name     string
	z, y     [32]byte
	c, p     [48]byte
	constant bool
}

func (k kzgCase) input() []byte {
	vh := sha256.Sum256(k.c[:])
	vh[0] = 0x01
	in := make([]byte, 0, 192)
	in = append(in, vh[:]...)
	in = append(in, k.z[:]...)
	in = append(in, k.y[:]...)
	in = append(in, k.c[:]...)
	return append(in, k.p[:]...)
}

func randScalar(rng *rand.Rand) [32]byte {
	var b [32]byte
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rng.Uint64())
	}
	var e fr.Element
	e.SetBytes(b[:]) // reduces mod r
	return e.Bytes()
}

func scalarOf(v uint64) [32]byte {
	var e fr.Element
	e.SetUint64(v)
	return e.Bytes()
}

// scalarAdd returns a+d mod r; d may be negative.
func scalarAdd(a [32]byte, d int64) [32]byte {
	var e, f fr.Element
	if err := e.SetBytesCanonical(a[:]); err != nil {
		panic(err)
	}
	f.SetInt64(d)
	e.Add(&e, &f)
	return e.Bytes()
}

// kzgCases makes valid claims with go-eth-kzg: the zero blob (commitment
// and proof at infinity), a constant blob, and nRandom random blobs, each
// at a random z; the first random blob also at z = 0, 1 and r-1 (1 and r-1
// are points of the evaluation domain, a special case of the prover).
func kzgCases(tb testing.TB, ctx *goethkzg.Context, seed uint64, nRandom int) []kzgCase {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x4844))
	var cases []kzgCase
	prove := func(name string, blob *goethkzg.Blob, constant bool, zs ...[32]byte) {
		c, err := ctx.BlobToKZGCommitment(blob, 0)
		if err != nil {
			tb.Fatalf("%s: commit: %v", name, err)
		}
		for _, z := range zs {
			p, y, err := ctx.ComputeKZGProof(blob, z, 0)
			if err != nil {
				tb.Fatalf("%s: prove: %v", name, err)
			}
			cases = append(cases, kzgCase{name: fmt.Sprintf("%s/z=%x", name, z[28:]), z: z, y: y, c: c, p: p, constant: constant})
		}
	}
	prove("zero blob", new(goethkzg.Blob), true, randScalar(rng))
	constBlob := new(goethkzg.Blob)
	v := randScalar(rng)
	for i := range goethkzg.ScalarsPerBlob {
		copy(constBlob[32*i:], v[:])
	}
	prove("constant blob", constBlob, true, randScalar(rng))
	for j := range nRandom {
		blob := new(goethkzg.Blob)
		for i := range goethkzg.ScalarsPerBlob {
			s := randScalar(rng)
			copy(blob[32*i:], s[:])
		}
		zs := [][32]byte{randScalar(rng)}
		if j == 0 {
			zs = append(zs, scalarOf(0), scalarOf(1), scalarAdd(scalarOf(0), -1))
		}
		prove(fmt.Sprintf("random blob %d", j), blob, false, zs...)
	}
	return cases
}

// g1Oddities returns 48-byte compressed-form encodings whose x is canonical
// but which are not G1 points: offCurve has no y on the curve, offSubgroup
// is on the curve but outside the order-r subgroup. Both are the first such
// x counting up from 1.
func g1Oddities(tb testing.TB) (offCurve, offSubgroup [48]byte) {
	tb.Helper()
	var b fp.Element
	b.SetUint64(4)
	var haveOff, haveSub bool
	for i := uint64(1); !haveOff || !haveSub; i++ {
		var x, rhs fp.Element
		x.SetUint64(i)
		rhs.Square(&x).Mul(&rhs, &x).Add(&rhs, &b)
		enc := x.Bytes()
		enc[0] |= 0x80 // compressed, smaller y
		switch rhs.Legendre() {
		case -1:
			if !haveOff {
				offCurve, haveOff = enc, true
			}
		case 1:
			var pt bls12381.G1Affine
			pt.X = x
			pt.Y.Sqrt(&rhs)
			if !pt.IsOnCurve() {
				tb.Fatalf("x=%d: constructed point is off the curve", i)
			}
			if !haveSub && !pt.IsInSubGroup() {
				offSubgroup, haveSub = enc, true
			}
		}
	}
	return offCurve, offSubgroup
}

// kzgMutation is an input derived from a valid claim, with the outcome it
// must have: "ok", a substring of the error, or "" for any outcome (the
// twins must still agree).
type kzgMutation struct {
	name, want string
	in         []byte
}

const (
	wantPairing   = "error verifying kzg proof: can't verify opening proof"
	wantScalar    = "error verifying kzg proof: scalar is not canonical"
	wantSqrt      = "square root doesn't exist"
	wantSubgroup  = "subgroup check failed"
	wantFpEnc     = "invalid fp.Element encoding"
	wantShort     = "short buffer"
	wantMask      = "invalid point encoding"
	wantInfinity  = "invalid infinity point encoding"
	wantHash      = "mismatched versioned hash"
	wantInputSize = "invalid input length"
)

func kzgMutations(tb testing.TB, rng *rand.Rand, k kzgCase) []kzgMutation {
	tb.Helper()
	offCurve, offSubgroup := g1Oddities(tb)
	var ms []kzgMutation
	add := func(name, want string, m kzgCase) {
		ms = append(ms, kzgMutation{name: k.name + "/" + name, want: want, in: m.input()})
	}
	okIf := func(cond bool, otherwise string) string {
		if cond {
			return "ok"
		}
		return otherwise
	}
	mut := func(f func(m *kzgCase)) kzgCase { m := k; f(&m); return m }
	g1Inf := [48]byte{0xc0}
	pIsInf := k.p == g1Inf
	_, _, g1, _ := bls12381.Generators()
	g1Gen := g1.Bytes()
	modulus := precompile.BLSModulus
	var max [32]byte
	for i := range max {
		max[i] = 0xff
	}

	add("valid", "ok", k)
	for range 4 {
		i := rng.IntN(256)
		add(fmt.Sprintf("flip z bit %d", i), "", mut(func(m *kzgCase) { m.z[i/8] ^= 1 << (i % 8) }))
		i = rng.IntN(256)
		add(fmt.Sprintf("flip y bit %d", i), "", mut(func(m *kzgCase) { m.y[i/8] ^= 1 << (i % 8) }))
		i = rng.IntN(384)
		add(fmt.Sprintf("flip commitment bit %d", i), "", mut(func(m *kzgCase) { m.c[i/8] ^= 1 << (i % 8) }))
		i = rng.IntN(384)
		add(fmt.Sprintf("flip proof bit %d", i), "", mut(func(m *kzgCase) { m.p[i/8] ^= 1 << (i % 8) }))
	}
	add("y+1", wantPairing, mut(func(m *kzgCase) { m.y = scalarAdd(m.y, 1) }))
	add("y-1", wantPairing, mut(func(m *kzgCase) { m.y = scalarAdd(m.y, -1) }))
	add("z+1", okIf(k.constant, wantPairing), mut(func(m *kzgCase) { m.z = scalarAdd(m.z, 1) }))
	add("z=y", okIf(k.constant || k.z == k.y, wantPairing), mut(func(m *kzgCase) { m.z = m.y }))
	add("z=r", wantScalar, mut(func(m *kzgCase) { m.z = modulus }))
	add("y=r", wantScalar, mut(func(m *kzgCase) { m.y = modulus }))
	add("z=z+r", wantScalar, mut(func(m *kzgCase) { // z+r < 2r < 2^256: the same z, not reduced
		carry := uint16(0)
		for i := 31; i >= 0; i-- {
			v := uint16(modulus[i]) + uint16(m.z[i]) + carry
			m.z[i], carry = byte(v), v>>8
		}
	}))
	add("y=2^256-1", wantScalar, mut(func(m *kzgCase) { m.y = max }))
	// Precedence: y before z before commitment before proof.
	add("y=r, z=r, bad points", wantScalar, mut(func(m *kzgCase) { m.y, m.z, m.c, m.p = modulus, modulus, offCurve, offSubgroup }))
	add("z=r, bad points", wantScalar, mut(func(m *kzgCase) { m.z, m.c, m.p = modulus, offCurve, offSubgroup }))
	add("commitment off curve, proof off subgroup", wantSqrt, mut(func(m *kzgCase) { m.c, m.p = offCurve, offSubgroup }))
	add("commitment off subgroup, proof off curve", wantSubgroup, mut(func(m *kzgCase) { m.c, m.p = offSubgroup, offCurve }))
	for _, who := range []string{"commitment", "proof"} {
		set := func(v [48]byte) kzgCase {
			return mut(func(m *kzgCase) {
				if who == "commitment" {
					m.c = v
				} else {
					m.p = v
				}
			})
		}
		orig := k.c
		if who == "proof" {
			orig = k.p
		}
		with := func(f func(b *[48]byte)) kzgCase { b := orig; f(&b); return set(b) }
		add(who+" off curve", wantSqrt, set(offCurve))
		add(who+" off subgroup", wantSubgroup, set(offSubgroup))
		add(who+" off subgroup, other root", wantSubgroup, with(func(b *[48]byte) { *b = offSubgroup; b[0] ^= 0x20 }))
		add(who+" x=p", wantFpEnc, with(func(b *[48]byte) { b2 := fp.Modulus().FillBytes(make([]byte, 48)); copy(b[:], b2); b[0] |= 0x80 }))
		add(who+" x=2^381-1", wantFpEnc, with(func(b *[48]byte) {
			for i := range b {
				b[i] = 0xff
			}
			b[0] = 0x9f
		}))
		add(who+" uncompressed flags", wantShort, with(func(b *[48]byte) { b[0] &^= 0xe0 }))
		add(who+" uncompressed infinity", wantShort, with(func(b *[48]byte) { *b = [48]byte{0x40} }))
		add(who+" infinity with sort bit", wantMask, with(func(b *[48]byte) { *b = [48]byte{0xe0} }))
		add(who+" infinity with a stray bit", wantInfinity, with(func(b *[48]byte) { *b = [48]byte{0xc0}; b[47] = 1 }))
		add(who+" infinity with a stray top bit", wantInfinity, with(func(b *[48]byte) { *b = [48]byte{0xc1} }))
		add(who+" mask 001", wantMask, with(func(b *[48]byte) { b[0] = b[0]&0x1f | 0x20 }))
		add(who+" mask 011", wantMask, with(func(b *[48]byte) { b[0] = b[0]&0x1f | 0x60 }))
		add(who+" mask 111", wantMask, with(func(b *[48]byte) { b[0] = b[0]&0x1f | 0xe0 }))
		add(who+" G1 generator", "", set(g1Gen))
	}
	add("commitment infinity", okIf(k.constant && k.y == [32]byte{}, wantPairing), mut(func(m *kzgCase) { m.c = g1Inf }))
	add("proof infinity", okIf(k.constant, wantPairing), mut(func(m *kzgCase) { m.p = g1Inf }))
	add("negated proof", func() string {
		if pIsInf {
			return wantMask // 0xe0: infinity with the sort bit
		}
		return wantPairing
	}(), mut(func(m *kzgCase) { m.p[0] ^= 0x20 }))
	add("negated commitment", okIf(k.c == g1Inf, wantPairing), mut(func(m *kzgCase) {
		if m.c != g1Inf {
			m.c[0] ^= 0x20
		}
	}))
	add("commitment and proof swapped", "", mut(func(m *kzgCase) { m.c, m.p = m.p, m.c }))

	// Outside the KZG check: hash and length.
	stale := k.input()
	stale[100] ^= 1
	ms = append(ms, kzgMutation{k.name + "/stale versioned hash", wantHash, stale})
	wrongVersion := k.input()
	wrongVersion[0] = 0x02
	ms = append(ms, kzgMutation{k.name + "/version 2", wantHash, wrongVersion})
	ms = append(ms, kzgMutation{k.name + "/short", wantInputSize, k.input()[:191]})
	ms = append(ms, kzgMutation{k.name + "/long", wantInputSize, append(k.input(), 0)})
	return ms
}

func kzgSeed(tb testing.TB) uint64 {
	seed := *kzgSeedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	tb.Logf("seed: %d (rerun with -kzgseed=%d)", seed, seed)
	return seed
}

// TestPointEvaluationMatchesGoEthKZG is the differential test: valid proofs
// of random blobs and every mutation of them give the same output and the
// same error, text included, as go-eth-kzg.
func TestPointEvaluationMatchesGoEthKZG(t *testing.T) {
	ctx := refContext(t)
	seed := kzgSeed(t)
	cases := kzgCases(t, ctx, seed, 3)
	rng := rand.New(rand.NewPCG(seed, 1))
	var total, ok, failed, anyOutcome int
	for _, k := range cases {
		for _, m := range kzgMutations(t, rng, k) {
			total++
			err := checkKZGMatches(t, ctx, m.name, m.in)
			switch {
			case m.want == "":
				anyOutcome++
			case m.want == "ok":
				if err != nil {
					t.Errorf("%s: %v, want success", m.name, err)
				}
			case err == nil || !strings.Contains(err.Error(), m.want):
				t.Errorf("%s: %v, want an error containing %q", m.name, err, m.want)
			}
			if err == nil {
				ok++
			} else {
				failed++
			}
		}
	}
	t.Logf("%d claims, %d inputs: %d verified, %d failed (identically in both), %d with unpredicted outcome",
		len(cases), total, ok, failed, anyOutcome)
}

// TestPointEvaluationSharedVectorMatches runs the shared vector through both.
func TestPointEvaluationSharedVectorMatches(t *testing.T) {
	ctx := refContext(t)
	var cases []vector
	readJSON(t, filepath.Join(testdata.Shared(t, "precompiles"), "pointEvaluation.json"), &cases)
	for _, tc := range cases {
		if err := checkKZGMatches(t, ctx, tc.Name, decodeHex(t, "pointEvaluation.json", tc.Name, tc.Input)); err != nil {
			t.Errorf("%s: %v", tc.Name, err)
		}
	}
}

// ceremonyG2 returns g2_monomial of trusted_setup.json as go-eth-kzg ships
// it (the file its NewContext4096Secure embeds), read from the module's
// source directory.
func ceremonyG2(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/crate-crypto/go-eth-kzg").Output()
	if err != nil {
		t.Fatalf("locating go-eth-kzg: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "trusted_setup.json"))
	if err != nil {
		t.Fatal(err)
	}
	var setup struct {
		G1 []string `json:"g1_monomial"`
		G2 []string `json:"g2_monomial"`
	}
	if err := json.Unmarshal(b, &setup); err != nil {
		t.Fatal(err)
	}
	if len(setup.G1) != 4096 || len(setup.G2) != 65 {
		t.Fatalf("setup has %d G1 and %d G2 points, want 4096 and 65", len(setup.G1), len(setup.G2))
	}
	return setup.G2
}

// TestKZGConstants checks the verification key and the output against the
// ceremony's file and go-eth-kzg's constants.
func TestKZGConstants(t *testing.T) {
	negG2, tauG2, err := precompile.NewKZGKey()
	if err != nil {
		t.Fatal(err)
	}
	g2 := ceremonyG2(t)
	compressed := func(p bls12381.G2Affine) string { b := p.Bytes(); return "0x" + hex.EncodeToString(b[:]) }
	if !tauG2.IsOnCurve() || !tauG2.IsInSubGroup() || tauG2.IsInfinity() {
		t.Errorf("[tau]G2 is not a point of the order-r subgroup")
	}
	if got := compressed(tauG2); got != g2[1] {
		t.Errorf("[tau]G2 = %s, ceremony g2_monomial[1] = %s", got, g2[1])
	}
	var g2Gen bls12381.G2Affine
	g2Gen.Neg(&negG2)
	if got := compressed(g2Gen); got != g2[0] {
		t.Errorf("G2 generator = %s, ceremony g2_monomial[0] = %s", got, g2[0])
	}
	// The ceremony's own decoding (with every check) gives the same point.
	raw, _ := hex.DecodeString(strings.TrimPrefix(g2[1], "0x"))
	var fromFile bls12381.G2Affine
	if _, err := fromFile.SetBytes(raw); err != nil || !fromFile.Equal(&tauG2) {
		t.Errorf("ceremony [tau]G2 decodes to %v (%v), constant is %v", fromFile, err, tauG2)
	}
	if precompile.BLSModulus != goethkzg.BlsModulus || precompile.BLSModulus != [32]byte(fr.Modulus().FillBytes(make([]byte, 32))) {
		t.Errorf("BLS modulus %x, go-eth-kzg %x", precompile.BLSModulus, goethkzg.BlsModulus)
	}
}

// TestKZGSpecEquation checks the constant and the rewritten equation
// against the specification's own form of the check: go-eth-kzg's proofs
// satisfy e(C - [y]G1, G2) == e(π, [τ]G2 - [z]G2) with the constant [τ]G2,
// and fail with [τ+1]G2 (so the proofs really pin τ down).
func TestKZGSpecEquation(t *testing.T) {
	ctx := refContext(t)
	cases := kzgCases(t, ctx, 4844, 1)
	_, tauG2, err := precompile.NewKZGKey()
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, g2 := bls12381.Generators()
	var wrong bls12381.G2Affine
	wrong.Add(&tauG2, &g2) // [τ+1]G2
	for _, k := range cases {
		if k.constant {
			continue // the proof is at infinity, so τ does not enter the check
		}
		var c, p bls12381.G1Affine
		var z, y fr.Element
		if _, err := c.SetBytes(k.c[:]); err != nil {
			t.Fatal(err)
		}
		if _, err := p.SetBytes(k.p[:]); err != nil {
			t.Fatal(err)
		}
		_ = z.SetBytesCanonical(k.z[:])
		_ = y.SetBytesCanonical(k.y[:])
		// The specification's equation, on the wrong key and on the right one.
		for _, tc := range []struct {
			tau  bls12381.G2Affine
			want bool
		}{{tauG2, true}, {wrong, false}} {
			if got := specCheck(t, c, p, z, y, tc.tau); got != tc.want {
				t.Errorf("%s: check with tau %v = %v, want %v", k.name, tc.tau == tauG2, got, tc.want)
			}
		}
	}
}

// specCheck is verify_kzg_proof_impl as the specification writes it:
// e(C - [y]G1, -G2) · e(π, [τ]G2 - [z]G2) == 1.
func specCheck(t *testing.T, c, p bls12381.G1Affine, z, y fr.Element, tau bls12381.G2Affine) bool {
	t.Helper()
	_, _, g1, g2 := bls12381.Generators()
	var yG1, lhs bls12381.G1Affine
	yG1.ScalarMultiplication(&g1, y.BigInt(new(big.Int)))
	lhs.Sub(&c, &yG1)
	var zG2, rhs, negG2 bls12381.G2Affine
	zG2.ScalarMultiplication(&g2, z.BigInt(new(big.Int)))
	rhs.Sub(&tau, &zG2)
	negG2.Neg(&g2)
	ok, err := bls12381.PairingCheck([]bls12381.G1Affine{lhs, p}, []bls12381.G2Affine{negG2, rhs})
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// fuzzKZGInput builds a contract input from fuzzed fields (each copied into
// its fixed-size slot, zero-padded or truncated). mode selects derived
// forms: bit 0 corrupts the versioned hash; bits 1 and 2 replace the
// commitment and the proof by [k]G1 with k the field's bytes mod r (valid
// points, so that the pairing check runs); bits 3 and 4 reduce z and y
// mod r.
func fuzzKZGInput(mode uint8, z, y, c, p []byte) []byte {
	var k kzgCase
	copy(k.z[:], z)
	copy(k.y[:], y)
	copy(k.c[:], c)
	copy(k.p[:], p)
	toPoint := func(b *[48]byte) {
		var s fr.Element
		s.SetBytes(b[:])
		var pt bls12381.G1Affine
		pt.ScalarMultiplicationBase(s.BigInt(new(big.Int)))
		*b = pt.Bytes()
	}
	reduce := func(b *[32]byte) {
		var s fr.Element
		s.SetBytes(b[:])
		*b = s.Bytes()
	}
	if mode&2 != 0 {
		toPoint(&k.c)
	}
	if mode&4 != 0 {
		toPoint(&k.p)
	}
	if mode&8 != 0 {
		reduce(&k.z)
	}
	if mode&16 != 0 {
		reduce(&k.y)
	}
	in := k.input()
	if mode&1 != 0 {
		in[31] ^= 1
	}
	return in
}

// FuzzPointEvaluationMatches is the differential fuzz target: the contract
// and go-eth-kzg agree on every input.
func FuzzPointEvaluationMatches(f *testing.F) {
	ctx := refContext(f)
	cases := kzgCases(f, ctx, 4844, 1)
	rng := rand.New(rand.NewPCG(4844, 2))
	addIn := func(mode uint8, in []byte) {
		if len(in) == 192 {
			f.Add(mode, in[32:64], in[64:96], in[96:144], in[144:192])
		}
	}
	for _, k := range cases {
		addIn(0, k.input())
		addIn(6, k.input())
		addIn(24, k.input())
	}
	for _, m := range kzgMutations(f, rng, cases[len(cases)-1]) {
		addIn(0, m.in)
	}
	if dir, err := testdata.SharedDir(); err == nil {
		var vs []vector
		if b, err := os.ReadFile(filepath.Join(dir, "precompiles", "pointEvaluation.json")); err == nil && json.Unmarshal(b, &vs) == nil {
			for _, v := range vs {
				addIn(0, mustHex(strings.TrimPrefix(v.Input, "0x")))
			}
		}
	}
	f.Add(uint8(0), []byte{}, []byte{}, []byte{0xc0}, []byte{0xc0})
	f.Add(uint8(30), []byte{1}, []byte{2}, []byte{3}, []byte{4})
	// Proofs ±G1 (scalars 1 and r-1 under mode bit 2): the double
	// multiplication's table then adds a point to itself or its negation.
	rMinus1 := scalarAdd(scalarOf(0), -1)
	f.Add(uint8(4), []byte{5}, []byte{6}, []byte{7}, []byte{1})
	f.Add(uint8(4), []byte{5}, []byte{6}, []byte{7}, rMinus1[:])
	f.Add(uint8(6), []byte{5}, []byte{6}, rMinus1[:], rMinus1[:])
	f.Fuzz(func(t *testing.T, mode uint8, z, y, c, p []byte) {
		checkKZGMatches(t, ctx, "fuzz", fuzzKZGInput(mode, z, y, c, p))
	})
}

// BenchmarkKZGSetup measures what a process pays before its first point
// evaluation: building the verification key (this package) against
// building go-eth-kzg's context (the previous path, and go-ethereum's).
func BenchmarkKZGSetup(b *testing.B) {
	b.Run("impl=balexec", func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			if _, _, err := precompile.NewKZGKey(); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
	b.Run("impl=go-eth-kzg", func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			if _, err := goethkzg.NewContext4096Secure(); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
}

// cpuMeter reports a benchmark's process CPU time per op (user + system,
// all threads, including GC) as the metric cpu-µs/op, next to the wall
// time of ns/op.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := processCPU()
	return cpuMeter{t, ok}
}

func (m cpuMeter) report(b *testing.B) {
	if t, ok := processCPU(); ok && m.ok && b.N > 0 {
		b.ReportMetric(float64((t-m.start).Nanoseconds())/1e3/float64(b.N), "cpu-µs/op")
	}
}

// BenchmarkPointEvaluation compares one call of the contract with one call
// of its go-eth-kzg twin (setup excluded), on a valid proof of a random
// blob and on the same proof with y off by one.
func BenchmarkPointEvaluation(b *testing.B) {
	ctx := refContext(b)
	k := kzgCases(b, ctx, 4844, 1)[2] // the first random blob
	valid := k.input()
	k.y = scalarAdd(k.y, 1)
	invalid := k.input()
	c := pointEvalContract()
	for _, in := range []struct {
		name string
		in   []byte
	}{{"valid", valid}, {"invalid", invalid}} {
		for _, impl := range []struct {
			name string
			run  func([]byte) ([]byte, error)
		}{
			{"balexec", c.Run},
			{"go-eth-kzg", func(in []byte) ([]byte, error) { return refPointEvaluation(ctx, in) }},
		} {
			b.Run("proof="+in.name+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := startCPU()
				for b.Loop() {
					_, err := impl.run(in.in)
					if (err == nil) != (in.name == "valid") {
						b.Fatal(err)
					}
				}
				cpu.report(b)
				if s := b.Elapsed().Seconds(); s > 0 {
					b.ReportMetric(float64(c.Gas(in.in))*float64(b.N)/s/1e6, "mgas/s")
				}
			})
		}
	}
}
