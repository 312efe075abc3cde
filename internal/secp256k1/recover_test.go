package secp256k1

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	dcr "github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// decredRecover is the slow twin: decred's RecoverCompact on the same
// input, with its result in this package's output form.
func decredRecover(hash *[32]byte, sig *[64]byte, recid byte) ([64]byte, error) {
	var pub [64]byte
	var c [65]byte
	c[0] = 27 + recid // compact code of an uncompressed key
	copy(c[1:], sig[:])
	key, _, err := ecdsa.RecoverCompact(c[:], hash[:])
	if err != nil {
		return pub, err
	}
	copy(pub[:], key.SerializeUncompressed()[1:])
	return pub, nil
}

var sentinels = []error{ErrInvalidRecoveryID, ErrInvalidR, ErrInvalidS, ErrXOverflow, ErrNotOnCurve, ErrPointAtInfinity}

// checkAgainstDecred fails unless RecoverPubkey and decred agree on
// success and on the key, and a failure is one of the sentinels.
func checkAgainstDecred(t *testing.T, name string, hash *[32]byte, sig *[64]byte, recid byte) ([64]byte, error) {
	t.Helper()
	got, err := RecoverPubkey(hash, sig, recid)
	want, werr := decredRecover(hash, sig, recid)
	if (err == nil) != (werr == nil) || got != want {
		t.Fatalf("%s: hash %x sig %x recid %d: got (%x, %v), decred (%x, %v)", name, hash, sig, recid, got, err, want, werr)
	}
	if err != nil && !isSentinel(err) {
		t.Fatalf("%s: error %v is not a sentinel", name, err)
	}
	return got, err
}

func isSentinel(err error) bool {
	for _, s := range sentinels {
		if err == s {
			return true
		}
	}
	return false
}

func randBytes32(rng *rand.Rand) (b [32]byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func sigOf(r, s *big.Int) (sig [64]byte) {
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig
}

// TestRecoverMatchesDecred recovers signatures by random keys over random
// messages and compares every result with decred's and with the key: as
// signed, with s replaced by n-s (which flips the recovery id), with the
// wrong parity, with the overflow bit set, and with a bit of r flipped.
func TestRecoverMatchesDecred(t *testing.T) {
	seed := uint64(0xdec2ed)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	const n = 3000
	var ok, failed, highS int
	for i := range n {
		kb, msg := randBytes32(rng), randBytes32(rng)
		key := dcr.PrivKeyFromBytes(kb[:])
		var pub [64]byte
		copy(pub[:], key.PubKey().SerializeUncompressed()[1:])
		c := ecdsa.SignCompact(key, msg[:], false)
		var sig [64]byte
		copy(sig[:], c[1:])
		recid := c[0] - 27
		got, err := checkAgainstDecred(t, "as signed", &msg, &sig, recid)
		if err != nil || got != pub {
			t.Fatalf("case %d: signature by %x not recovered: %v", i, pub, err)
		}
		ok++

		// s -> n-s with the other recovery id is the same key.
		s := new(big.Int).SetBytes(sig[32:])
		hs := sigOf(new(big.Int).SetBytes(sig[:32]), s.Sub(bigN, s))
		if got, err := checkAgainstDecred(t, "high s", &msg, &hs, recid^1); err != nil || got != pub {
			t.Fatalf("case %d: high-s signature not recovered: %v", i, err)
		}
		highS++

		// The wrong parity gives another key (or infinity, never seen).
		if got, err := checkAgainstDecred(t, "wrong parity", &msg, &sig, recid^1); err == nil && got == pub {
			t.Fatalf("case %d: wrong parity recovered the signer", i)
		}
		ok++

		// r+n is almost never below p.
		if _, err := checkAgainstDecred(t, "overflow bit", &msg, &sig, recid|2); err == nil {
			ok++
		} else {
			failed++
		}

		bad := sig
		bad[rng.IntN(32)] ^= 1 << rng.IntN(8)
		if _, err := checkAgainstDecred(t, "bit of r flipped", &msg, &bad, recid); err == nil {
			ok++
		} else {
			failed++
		}
	}
	t.Logf("%d keys: %d recoveries agreed, %d high-s, %d failures agreed", n, ok, highS, failed)
}

// edgeCase is a hand-made input and the sentinel it must fail with (nil:
// it must succeed).
type edgeCase struct {
	name  string
	hash  [32]byte
	sig   [64]byte
	recid byte
	want  error
}

// edgeCases builds the boundary inputs: r and s at 0, n and beyond, hashes
// at 0, n and beyond, an r that is no x coordinate, r+n in and out of the
// field, and a signature whose recovered point is infinity.
func edgeCases(t testing.TB) []edgeCase {
	seed := uint64(0xed9e)
	rng := rand.New(rand.NewPCG(seed, seed))
	one := big.NewInt(1)
	nm1 := new(big.Int).Sub(bigN, one)
	max256 := new(big.Int).Sub(two256, one)

	// A valid signature to vary.
	key := dcr.PrivKeyFromBytes([]byte("edge-case key with 32 bytes !!!!"))
	msg := [32]byte{1, 2, 3}
	c := ecdsa.SignCompact(key, msg[:], false)
	var sig [64]byte
	copy(sig[:], c[1:])
	recid := c[0] - 27
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])

	var cases []edgeCase
	add := func(name string, hash [32]byte, r, s *big.Int, recid byte, want error) {
		cases = append(cases, edgeCase{name, hash, sigOf(r, s), recid, want})
	}
	add("valid", msg, r, s, recid, nil)
	for _, v := range []struct {
		name string
		r    *big.Int
	}{{"r=0", big.NewInt(0)}, {"r=n", bigN}, {"r=n+1", new(big.Int).Add(bigN, one)}, {"r=2^256-1", max256}} {
		add(v.name, msg, v.r, s, recid, ErrInvalidR)
	}
	for _, v := range []struct {
		name string
		s    *big.Int
	}{{"s=0", big.NewInt(0)}, {"s=n", bigN}, {"s=n+1", new(big.Int).Add(bigN, one)}, {"s=2^256-1", max256}} {
		add(v.name, msg, r, v.s, recid, ErrInvalidS)
	}
	add("r=n and s=0", msg, bigN, big.NewInt(0), recid, ErrInvalidR)
	add("r=1 s=1", msg, one, one, 0, onCurveErr(one))
	add("r=n-1 s=n-1", msg, nm1, nm1, 1, onCurveErr(nm1))
	add("s=n-1", msg, r, nm1, recid, nil)
	for _, h := range []struct {
		name string
		v    *big.Int
	}{{"hash=0", big.NewInt(0)}, {"hash=1", one}, {"hash=n-1", nm1}, {"hash=n", bigN}, {"hash=n+1", new(big.Int).Add(bigN, one)}, {"hash=2^256-1", max256}} {
		add(h.name, bigTo32(h.v), r, s, recid, nil)
		add(h.name+" other parity", bigTo32(h.v), r, s, recid^1, nil)
	}

	// r whose x^3+7 is not a square, for both parities.
	x := big.NewInt(1)
	for {
		y2 := new(big.Int).Exp(x, big.NewInt(3), bigP)
		if big.Jacobi(y2.Add(y2, big.NewInt(7)), bigP) == -1 {
			break
		}
		x.Add(x, one)
	}
	add("x not on curve", msg, x, s, 0, ErrNotOnCurve)
	add("x not on curve, odd", msg, x, s, 1, ErrNotOnCurve)
	for range 4 {
		var xr *big.Int
		for {
			xr = randScalarBig(rng)
			y2 := new(big.Int).Exp(xr, big.NewInt(3), bigP)
			if xr.Sign() != 0 && big.Jacobi(y2.Add(y2, big.NewInt(7)), bigP) == -1 {
				break
			}
		}
		add("random x not on curve", msg, xr, s, byte(rng.IntN(2)), ErrNotOnCurve)
	}

	// Recovery ids 2 and 3: x = r+n, valid only for r < p-n.
	pmn := new(big.Int).Sub(bigP, bigN)
	add("r=p-n, recid 2", msg, pmn, s, 2, ErrXOverflow)
	add("r=p-n+1, recid 3", msg, new(big.Int).Add(pmn, one), s, 3, ErrXOverflow)
	add("r=n-1, recid 2", msg, nm1, s, 2, ErrXOverflow)
	found := 0
	for xr := new(big.Int).Sub(pmn, one); found < 3; xr.Sub(xr, one) {
		y2 := new(big.Int).Add(xr, bigN)
		y2.Exp(y2, big.NewInt(3), bigP).Add(y2, big.NewInt(7))
		want := error(nil)
		if big.Jacobi(y2, bigP) == -1 {
			want = ErrNotOnCurve
		} else {
			found++
		}
		add(fmt.Sprintf("r=%x, recid 2", xr), msg, new(big.Int).Set(xr), s, 2, want)
		add(fmt.Sprintf("r=%x, recid 3", xr), msg, new(big.Int).Set(xr), s, 3, want)
	}
	for found = 0; found < 3; {
		xr := new(big.Int).Mod(randScalarBig(rng), pmn)
		y2 := new(big.Int).Add(xr, bigN)
		y2.Exp(y2, big.NewInt(3), bigP).Add(y2, big.NewInt(7))
		if xr.Sign() == 0 || big.Jacobi(y2, bigP) == -1 {
			continue
		}
		found++
		add("random r < p-n, recid 2", bigTo32(randScalarBig(rng)), xr, s, 2, nil)
		add("random r < p-n, recid 3", bigTo32(randScalarBig(rng)), xr, s, 3, nil)
	}

	// The point at infinity: R = k*G with x < n, and hash = s*k, so that
	// u1*G + u2*R = (-e + s*k)/r * G = O.
	for i := 0; i < 4; {
		k := randScalarBig(rng)
		R := refMul(k, bigG)
		if R.x.Cmp(bigN) >= 0 {
			continue
		}
		i++
		si := randScalarBig(rng)
		e := new(big.Int).Mul(si, k)
		e.Mod(e, bigN)
		par := byte(R.y.Bit(0))
		add("infinity", bigTo32(e), R.x, si, par, ErrPointAtInfinity)
		if en := new(big.Int).Add(e, bigN); en.Cmp(two256) < 0 {
			add("infinity, hash+n", bigTo32(en), R.x, si, par, ErrPointAtInfinity)
		}
		add("infinity, other parity", bigTo32(e), R.x, si, par^1, nil)
	}
	// hash = s*k + n reaches infinity too when it fits in 256 bits: take
	// s*k = t small, k = t/s.
	for i := 0; i < 2; {
		si := randScalarBig(rng)
		tt := new(big.Int).Rsh(randScalarBig(rng), 136)
		k := new(big.Int).Mul(tt, new(big.Int).ModInverse(si, bigN))
		R := refMul(k.Mod(k, bigN), bigG)
		if R.x.Cmp(bigN) >= 0 {
			continue
		}
		i++
		add("infinity, hash = s*k + n", bigTo32(new(big.Int).Add(tt, bigN)), R.x, si, byte(R.y.Bit(0)), ErrPointAtInfinity)
	}
	// x = Gx: R = +-G.
	add("r=Gx", msg, bigG.x, s, 0, nil)
	add("r=Gx odd", msg, bigG.x, s, 1, nil)

	add("recid 4", msg, r, s, 4, ErrInvalidRecoveryID)
	add("recid 255", msg, r, s, 255, ErrInvalidRecoveryID)
	return cases
}

// onCurveErr returns nil if x is the x coordinate of a curve point, else
// ErrNotOnCurve.
func onCurveErr(x *big.Int) error {
	y2 := new(big.Int).Exp(x, big.NewInt(3), bigP)
	if big.Jacobi(y2.Add(y2, big.NewInt(7)), bigP) == -1 {
		return ErrNotOnCurve
	}
	return nil
}

// TestRecoverEdgeCases checks each boundary input against its expected
// sentinel, against decred (ids 0 to 3; decred reads higher ids as
// compressed-key codes, so they are not compared) and against the math/big
// reference.
func TestRecoverEdgeCases(t *testing.T) {
	cases := edgeCases(t)
	t.Logf("%d edge cases", len(cases))
	for _, c := range cases {
		got, err := RecoverPubkey(&c.hash, &c.sig, c.recid)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
			continue
		}
		if c.recid <= 3 {
			checkAgainstDecred(t, c.name, &c.hash, &c.sig, c.recid)
		}
		ref := refRecover(&c.hash, &c.sig, c.recid)
		if (ref == nil) != (err != nil) {
			t.Errorf("%s: error %v, reference %v", c.name, err, ref)
			continue
		}
		if ref != nil && (new(big.Int).SetBytes(got[:32]).Cmp(ref.x) != 0 || new(big.Int).SetBytes(got[32:]).Cmp(ref.y) != 0) {
			t.Errorf("%s: key differs from the reference", c.name)
		}
	}
}

func TestRecoverAllocs(t *testing.T) {
	cases := edgeCases(t)
	for _, c := range cases {
		allocs := testing.AllocsPerRun(20, func() {
			RecoverPubkey(&c.hash, &c.sig, c.recid)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per recovery", c.name, allocs)
		}
	}
}

// TestRecoverConcurrent recovers from several goroutines at once, the first
// of them racing to build the generator's table (run with -race).
func TestRecoverConcurrent(t *testing.T) {
	sigs := benchSigs(t, 16)
	done := make(chan error)
	for g := range 4 {
		go func() {
			for i := range sigs {
				s := &sigs[(i+g)%len(sigs)]
				pub, err := RecoverPubkey(&s.hash, &s.sig, s.recid)
				if err != nil || pub != s.pub {
					done <- fmt.Errorf("goroutine %d, signature %d: %v", g, i, err)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
