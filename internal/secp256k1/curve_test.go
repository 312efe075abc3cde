package secp256k1

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func feFromBig(v *big.Int) fe {
	var x fe
	bigToLimbs(x[:], new(big.Int).Mod(v, bigP))
	return x
}

func scFromBig(v *big.Int) scalar {
	var x scalar
	bigToLimbs(x[:], new(big.Int).Mod(v, bigN))
	return x
}

// jacToRef converts p (on the curve scaled by zeta, nil zeta for 1) to the
// reference form.
func jacToRef(p *jacobian, zeta *fe) *refPoint {
	if p.inf {
		return nil
	}
	z := feToBig(&p.z)
	if zeta != nil {
		z.Mul(z, feToBig(zeta))
	}
	zi := new(big.Int).ModInverse(z.Mod(z, bigP), bigP)
	zi2 := new(big.Int).Mul(zi, zi)
	x := new(big.Int).Mul(feToBig(&p.x), zi2)
	y := new(big.Int).Mul(feToBig(&p.y), zi2.Mul(zi2, zi))
	return &refPoint{x.Mod(x, bigP), y.Mod(y, bigP)}
}

func refEqual(a, b *refPoint) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.x.Cmp(b.x) == 0 && a.y.Cmp(b.y) == 0
}

func randScalarBig(rng *rand.Rand) *big.Int {
	x := randFe(rng)
	return new(big.Int).Mod(limbsToBig(x[:]), bigN)
}

func TestEndomorphismConstants(t *testing.T) {
	one := big.NewInt(1)
	if new(big.Int).Exp(bigBeta, big.NewInt(3), bigP).Cmp(one) != 0 || bigBeta.Cmp(one) == 0 {
		t.Fatal("beta is not a non-trivial cube root of unity mod p")
	}
	if new(big.Int).Exp(bigLamda, big.NewInt(3), bigN).Cmp(one) != 0 || bigLamda.Cmp(one) == 0 {
		t.Fatal("lambda is not a non-trivial cube root of unity mod n")
	}
	lg := refMul(bigLamda, bigG)
	want := &refPoint{new(big.Int).Mod(new(big.Int).Mul(bigBeta, bigG.x), bigP), bigG.y}
	if !refEqual(lg, want) {
		t.Fatal("lambda*G != (beta*Gx, Gy)")
	}
	if !refOnCurve(bigG) {
		t.Fatal("G is not on the curve")
	}
	// The lattice basis: a + b*lambda = 0 mod n for both vectors.
	a1, a2, b2 := limbsToBig(glvA1[:]), limbsToBig(glvA2[:]), limbsToBig(glvB2[:])
	b1 := new(big.Int).Neg(a2)
	for _, v := range [][2]*big.Int{{a1, b1}, {a2, b2}} {
		s := new(big.Int).Mul(v[1], bigLamda)
		if s.Add(s, v[0]).Mod(s, bigN).Sign() != 0 {
			t.Fatalf("(%x, %x) is not in the lattice", v[0], v[1])
		}
	}
	det := new(big.Int).Sub(new(big.Int).Mul(a1, b2), new(big.Int).Mul(a2, b1))
	if det.Cmp(bigN) != 0 {
		t.Fatal("basis determinant is not n")
	}
	for _, g := range []struct {
		got *[4]uint64
		num *big.Int
	}{{&glvG1, b2}, {&glvG2, a2}} {
		want := new(big.Int).Lsh(g.num, 383)
		want.Add(want, new(big.Int).Rsh(bigN, 1)).Div(want, bigN)
		if limbsToBig(g.got[:]).Cmp(want) != 0 {
			t.Fatalf("g constant %x, want %x", limbsToBig(g.got[:]), want)
		}
	}
}

func halfToBig(h *half) *big.Int {
	v := limbsToBig(h.mag[:])
	if h.neg {
		v.Neg(v)
	}
	return v
}

// TestSplitLambda checks k = k1 + k2*lambda (mod n) and |k1|, |k2| < 2^128
// on boundary scalars, random ones, and scalars next to the rounding
// boundaries of c1 and c2 (k near (j + 1/2) n / b for the lattice's b).
func TestSplitLambda(t *testing.T) {
	seed := uint64(0x91f)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	ks := scBoundary()
	for range 20000 {
		ks = append(ks, randScalarBig(rng))
	}
	for _, b := range []*big.Int{limbsToBig(glvB2[:]), limbsToBig(glvA2[:])} {
		for range 2000 {
			j := new(big.Int).Mod(randScalarBig(rng), b)
			k := new(big.Int).Lsh(j, 1)
			k.Add(k, big.NewInt(1)).Mul(k, bigN).Div(k, new(big.Int).Lsh(b, 1))
			for d := int64(-2); d <= 2; d++ {
				ks = append(ks, new(big.Int).Add(k, big.NewInt(d)))
			}
		}
	}
	bound := new(big.Int).Lsh(big.NewInt(1), 128)
	for _, kb := range ks {
		k := scFromBig(kb)
		k1, k2 := splitLambda(&k)
		b1, b2 := halfToBig(&k1), halfToBig(&k2)
		sum := new(big.Int).Mul(b2, bigLamda)
		sum.Add(sum, b1).Sub(sum, kb).Mod(sum, bigN)
		if sum.Sign() != 0 {
			t.Fatalf("split(%x) = (%x, %x) does not recombine", kb, b1, b2)
		}
		if new(big.Int).Abs(b1).Cmp(bound) >= 0 || new(big.Int).Abs(b2).Cmp(bound) >= 0 {
			t.Fatalf("split(%x) = (%x, %x): a half is 2^128 or more", kb, b1, b2)
		}
	}
}

func TestWNAF(t *testing.T) {
	seed := uint64(0x3af)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for i := range 5000 {
		h := half{mag: [3]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64() >> 1}, neg: i%2 == 1}
		switch i % 5 {
		case 0:
			h.mag[2] = 0
		case 1:
			h.mag[2], h.mag[1] = 0, 0
		case 2:
			h.mag = [3]uint64{^uint64(0), ^uint64(0), 0}
		case 3:
			h.mag[0] = 0
		}
		w := uint(2 + i%14)
		var x wnaf
		x.set(&h, w)
		sum := new(big.Int)
		last := -1
		for pos := wnafMax - 1; pos >= 0; pos-- {
			d := int64(x.digits[pos])
			sum.Lsh(sum, 1).Add(sum, big.NewInt(d))
			if d == 0 {
				continue
			}
			if last < 0 {
				last = pos
			}
			if d%2 == 0 || d >= 1<<(w-1) || d <= -(1<<(w-1)) {
				t.Fatalf("w=%d: digit %d at %d out of range", w, d, pos)
			}
			for q := pos + 1; q < pos+int(w) && q < wnafMax; q++ {
				if x.digits[q] != 0 {
					t.Fatalf("w=%d: digits at %d and %d are adjacent", w, pos, q)
				}
			}
		}
		if x.n != last+1 {
			t.Fatalf("n = %d, want %d", x.n, last+1)
		}
		if sum.Cmp(halfToBig(&h)) != 0 {
			t.Fatalf("w=%d: wNAF of %x sums to %x", w, halfToBig(&h), sum)
		}
	}
}

func TestPointSpecialCases(t *testing.T) {
	p := refMul(big.NewInt(12345), bigG)
	px, py := feFromBig(p.x), feFromBig(p.y)
	var npy fe
	npy.neg(&py)
	// Scale the accumulator so the special cases meet non-trivial Z.
	acc := jacobian{x: px, y: py, z: fe{1}}
	acc.double()
	acc.addAffine(&px, &npy) // 2P - P = P, with Z != 1
	if got := jacToRef(&acc, nil); !refEqual(got, p) {
		t.Fatal("2P - P != P")
	}
	same := acc
	same.addAffine(&px, &py) // P + P
	if got := jacToRef(&same, nil); !refEqual(got, refMul(big.NewInt(2*12345), bigG)) {
		t.Fatal("P + P != 2P")
	}
	opp := acc
	opp.addAffine(&px, &npy) // P - P
	if !opp.inf {
		t.Fatal("P - P is not infinity")
	}
	opp.double()
	if !opp.inf {
		t.Fatal("2*infinity is not infinity")
	}
	opp.addAffine(&px, &py)
	if got := jacToRef(&opp, nil); !refEqual(got, p) {
		t.Fatal("infinity + P != P")
	}
	// The same on a scaled curve, with G-style operands.
	zeta := feFromBig(big.NewInt(987654321))
	var zeta2, zeta3 fe
	zeta2.sqr(&zeta)
	zeta3.mul(&zeta2, &zeta)
	iso := jacobian{inf: true}
	iso.addAffineIso(&px, &py, &zeta, &zeta2, &zeta3)
	iso.double()
	iso.addAffineIso(&px, &npy, &zeta, &zeta2, &zeta3)
	if got := jacToRef(&iso, &zeta); !refEqual(got, p) {
		t.Fatal("iso: 2P - P != P")
	}
	s2 := iso
	s2.addAffineIso(&px, &py, &zeta, &zeta2, &zeta3)
	if got := jacToRef(&s2, &zeta); !refEqual(got, refMul(big.NewInt(2*12345), bigG)) {
		t.Fatal("iso: P + P != 2P")
	}
	iso.addAffineIso(&px, &npy, &zeta, &zeta2, &zeta3)
	if !iso.inf {
		t.Fatal("iso: P - P is not infinity")
	}
}

func TestOddMultiples(t *testing.T) {
	seed := uint64(0x0dd)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for range 20 {
		p := refMul(randScalarBig(rng), bigG)
		var out [rTableSize]affine
		var hs [rTableSize]fe
		zeta := oddMultiples(out[:], hs[:], ptrFe(feFromBig(p.x)), ptrFe(feFromBig(p.y)))
		q := p
		twoP := refAdd(p, p)
		for i := range out {
			got := jacToRef(&jacobian{x: out[i].x, y: out[i].y, z: fe{1}}, &zeta)
			if !refEqual(got, q) {
				t.Fatalf("odd multiple %d wrong", 2*i+1)
			}
			q = refAdd(q, twoP)
		}
	}
}

func ptrFe(x fe) *fe { return &x }

func TestGeneratorTable(t *testing.T) {
	gt := generatorTable()
	if gt != generatorTable() {
		t.Fatal("table built twice")
	}
	q := bigG
	twoG := refAdd(bigG, bigG)
	for i := range gt {
		if !gt[i].x.isCanonical() || !gt[i].y.isCanonical() {
			t.Fatalf("entry %d not normalized", i)
		}
		if feToBig(&gt[i].x).Cmp(q.x) != 0 || feToBig(&gt[i].y).Cmp(q.y) != 0 {
			t.Fatalf("entry %d is not %d*G", i, 2*i+1)
		}
		q = refAdd(q, twoG)
	}
}

// TestEcmult checks u1*G + u2*P against the reference for random scalars
// and points, zero scalars, and sums that are the point at infinity.
func TestEcmult(t *testing.T) {
	seed := uint64(0xec)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	check := func(u1, u2 *big.Int, p *refPoint) {
		t.Helper()
		a, b := scFromBig(u1), scFromBig(u2)
		x, y, ok := ecmult(&a, &b, ptrFe(feFromBig(p.x)), ptrFe(feFromBig(p.y)))
		want := refAdd(refMul(u1, bigG), refMul(u2, p))
		if !ok {
			if want != nil {
				t.Fatalf("ecmult(%x, %x) = infinity", u1, u2)
			}
			return
		}
		if !refEqual(&refPoint{feToBig(&x), feToBig(&y)}, want) {
			t.Fatalf("ecmult(%x, %x) wrong", u1, u2)
		}
	}
	for range 40 {
		k := randScalarBig(rng)
		p := refMul(k, bigG)
		u1, u2 := randScalarBig(rng), randScalarBig(rng)
		check(u1, u2, p)
		check(big.NewInt(0), u2, p)
		check(u1, big.NewInt(0), p)
		// u1 = -u2*k: infinity.
		check(new(big.Int).Neg(new(big.Int).Mul(u2, k)), u2, p)
		// u1 = u2*k: 2*u2*P, the accumulator meets the same point.
		check(new(big.Int).Mul(u2, k), u2, p)
	}
	// P = +-G and P = lambda*G share the generator's table entries.
	for _, k := range []*big.Int{big.NewInt(1), new(big.Int).Sub(bigN, big.NewInt(1)), bigLamda} {
		p := refMul(k, bigG)
		for range 20 {
			u := randScalarBig(rng)
			check(u, u, p)
			check(u, new(big.Int).Neg(u), p)
			check(randScalarBig(rng), randScalarBig(rng), p)
		}
	}
}

// TestWindows checks the table widths against wnaf.set's limit.
func TestWindows(t *testing.T) {
	for _, w := range []int{rWindow, gWindow} {
		if w < 2 || w > 15 {
			t.Fatalf("window %d outside wnaf's [2, 15]", w)
		}
	}
}
