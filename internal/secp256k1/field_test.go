package secp256k1

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

var (
	bigP = func() *big.Int {
		p, _ := new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)
		return p
	}()
	two256 = new(big.Int).Lsh(big.NewInt(1), 256)
)

// limbsToBig returns the integer held in little-endian 64-bit limbs.
func limbsToBig(l []uint64) *big.Int {
	v := new(big.Int)
	for i := len(l) - 1; i >= 0; i-- {
		v.Lsh(v, 64)
		v.Or(v, new(big.Int).SetUint64(l[i]))
	}
	return v
}

// bigToLimbs writes v mod 2^(64*len(l)) to l, little-endian.
func bigToLimbs(l []uint64, v *big.Int) {
	var m big.Int
	m.Set(v)
	mask := new(big.Int).SetUint64(^uint64(0))
	for i := range l {
		var w big.Int
		w.And(&m, mask)
		l[i] = w.Uint64()
		m.Rsh(&m, 64)
	}
}

func feToBig(x *fe) *big.Int { return limbsToBig(x[:]) }

// feBoundary holds representations that exercise the carries and the
// weak reduction: 0, 1, small values, p-1, p, p+1, values in [p, 2^256)
// and 2^256-1.
func feBoundary() []fe {
	vals := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(feR), big.NewInt(feR - 1),
		new(big.Int).Sub(bigP, big.NewInt(1)), new(big.Int).Set(bigP), new(big.Int).Add(bigP, big.NewInt(1)),
		new(big.Int).Sub(two256, big.NewInt(1)), new(big.Int).Sub(two256, big.NewInt(2)),
		new(big.Int).Sub(two256, big.NewInt(feR)), new(big.Int).Lsh(big.NewInt(1), 255),
		new(big.Int).Lsh(big.NewInt(1), 64), new(big.Int).Lsh(big.NewInt(1), 192),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 192), big.NewInt(1)),
		new(big.Int).Rsh(bigP, 1),
	}
	out := make([]fe, len(vals))
	for i, v := range vals {
		bigToLimbs(out[i][:], v)
	}
	return out
}

// randFe returns a random representation: mostly uniform 256-bit values,
// sometimes values with long runs of one or zero bits.
func randFe(rng *rand.Rand) fe {
	var x fe
	for i := range x {
		switch rng.IntN(8) {
		case 0:
			x[i] = ^uint64(0)
		case 1:
			x[i] = 0
		case 2:
			x[i] = ^uint64(0) << rng.IntN(64)
		default:
			x[i] = rng.Uint64()
		}
	}
	return x
}

func feSamples(t *testing.T, n int) []fe {
	seed := uint64(0x5ec9)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	s := feBoundary()
	for range n {
		s = append(s, randFe(rng))
	}
	return s
}

// checkFe fails unless got is a weakly reduced representation of want mod p.
func checkFe(t *testing.T, op string, got *fe, want *big.Int, args ...*fe) {
	t.Helper()
	w := new(big.Int).Mod(want, bigP)
	g := new(big.Int).Mod(feToBig(got), bigP)
	if g.Cmp(w) != 0 {
		in := make([]*big.Int, len(args))
		for i, a := range args {
			in[i] = feToBig(a)
		}
		t.Fatalf("%s%x: got %x, want %x", op, in, feToBig(got), w)
	}
}

// TestFieldBinaryOps checks add, sub and mul against math/big on every pair
// of samples, with the output aliasing neither, the first or the second
// input, and checks that inputs are left unmodified.
func TestFieldBinaryOps(t *testing.T) {
	s := feSamples(t, 120)
	ops := []struct {
		name string
		f    func(z, x, y *fe)
		ref  func(x, y *big.Int) *big.Int
	}{
		{"add", (*fe).add, func(x, y *big.Int) *big.Int { return new(big.Int).Add(x, y) }},
		{"sub", (*fe).sub, func(x, y *big.Int) *big.Int { return new(big.Int).Sub(x, y) }},
		{"mul", (*fe).mul, func(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }},
	}
	for _, op := range ops {
		for i := range s {
			for j := range s {
				x, y := s[i], s[j]
				want := op.ref(feToBig(&x), feToBig(&y))
				var z fe
				op.f(&z, &x, &y)
				checkFe(t, op.name, &z, want, &x, &y)
				if x != s[i] || y != s[j] {
					t.Fatalf("%s modified its inputs", op.name)
				}
				a := x
				op.f(&a, &a, &y)
				checkFe(t, op.name+" (z aliases x)", &a, want, &x, &y)
				b := y
				op.f(&b, &x, &b)
				checkFe(t, op.name+" (z aliases y)", &b, want, &x, &y)
				c := x
				op.f(&c, &c, &c)
				checkFe(t, op.name+" (all alias)", &c, op.ref(feToBig(&x), feToBig(&x)), &x)
			}
		}
	}
}

func TestFieldUnaryOps(t *testing.T) {
	for _, x := range feSamples(t, 3000) {
		bx := feToBig(&x)
		var z fe
		z.sqr(&x)
		checkFe(t, "sqr", &z, new(big.Int).Mul(bx, bx), &x)
		z = x
		z.sqr(&z)
		checkFe(t, "sqr (aliased)", &z, new(big.Int).Mul(bx, bx), &x)
		z.neg(&x)
		checkFe(t, "neg", &z, new(big.Int).Neg(bx), &x)
		for _, k := range []uint64{0, 1, 2, 3, 4, 8, 1<<31 - 1} {
			z = x
			z.mulSmall(&z, k)
			checkFe(t, "mulSmall", &z, new(big.Int).Mul(bx, new(big.Int).SetUint64(k)), &x)
		}
		z = x
		z.normalize()
		if want := new(big.Int).Mod(bx, bigP); feToBig(&z).Cmp(want) != 0 {
			t.Fatalf("normalize(%x) = %x, want %x", bx, feToBig(&z), want)
		}
		if got, want := x.isZero(), new(big.Int).Mod(bx, bigP).Sign() == 0; got != want {
			t.Fatalf("isZero(%x) = %v", bx, got)
		}
		var b [32]byte
		z.putBytes(b[:])
		var y fe
		if !y.setBytes(&b) || y != z {
			t.Fatalf("bytes round trip of %x gave %x", z, y)
		}
		x.putBytes(b[:]) // x itself, maybe >= p
		if got, want := y.setBytes(&b), bx.Cmp(bigP) < 0; got != want || y != x {
			t.Fatalf("setBytes(%x) = %v, want %v", b, got, want)
		}

		// Inversion and square roots.
		if new(big.Int).Mod(bx, bigP).Sign() == 0 {
			continue
		}
		wantInv := new(big.Int).ModInverse(new(big.Int).Mod(bx, bigP), bigP)
		z.invFermat(&x)
		checkFe(t, "invFermat", &z, wantInv, &x)
		z = x
		z.inv(&z)
		checkFe(t, "inv", &z, wantInv, &x)
		isSquare := big.Jacobi(bx, bigP) == 1
		z = x
		ok := z.sqrt(&z)
		if ok != isSquare {
			t.Fatalf("sqrt(%x) ok = %v, want %v", bx, ok, isSquare)
		}
		if ok {
			var sq fe
			sq.sqr(&z)
			checkFe(t, "sqrt", &sq, bx, &x)
		}
	}
}

func TestFieldEqual(t *testing.T) {
	var zero, p fe
	p = feP
	if !zero.equal(&p) || !p.isZero() {
		t.Fatal("p is not 0 mod p")
	}
	one := fe{1}
	pp1 := fe{feP[0] + 1, feP[1], feP[2], feP[3]}
	if !one.equal(&pp1) || one.equal(&zero) {
		t.Fatal("1 and p+1 differ")
	}
}

func BenchmarkField(b *testing.B) {
	x := fe{0x1234567890abcdef, 0xfedcba0987654321, 0x0f1e2d3c4b5a6978, 0x7a6b5c4d3e2f1a0b}
	y := fe{0xa5a5a5a55a5a5a5a, 0x0123456789abcdef, 0xdeadbeefcafebabe, 0x1122334455667788}
	b.Run("op=mul", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x.mul(&x, &y)
		}
	})
	b.Run("op=sqr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x.sqr(&x)
		}
	})
	b.Run("op=add", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x.add(&x, &y)
		}
	})
	b.Run("op=invFermat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x.invFermat(&x)
		}
	})
	b.Run("op=inv", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x.inv(&x)
		}
	})
	b.Run("op=sqrt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x.sqrt(&x)
		}
	})
}
