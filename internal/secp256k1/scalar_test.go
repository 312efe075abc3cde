package secp256k1

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func scToBig(x *scalar) *big.Int { return limbsToBig(x[:]) }

// scBoundary holds integers below 2^256 around the edges of scalars: 0, 1,
// n-1, n, n+1, n/2, 2^128 and its neighbours, 2^256-1 and lambda.
func scBoundary() []*big.Int {
	one := big.NewInt(1)
	two128 := new(big.Int).Lsh(one, 128)
	return []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), new(big.Int).Sub(bigN, one), new(big.Int).Set(bigN),
		new(big.Int).Add(bigN, one), new(big.Int).Rsh(bigN, 1), new(big.Int).Add(new(big.Int).Rsh(bigN, 1), one),
		two128, new(big.Int).Sub(two128, one), new(big.Int).Add(two128, one),
		new(big.Int).Sub(two256, one), new(big.Int).Sub(two256, bigN), bigLamda,
		new(big.Int).Mul(bigLamda, bigLamda).Mod(new(big.Int).Mul(bigLamda, bigLamda), bigN),
	}
}

// scSamples returns reduced scalars: the boundary values mod n and random
// ones.
func scSamples(t *testing.T, n int) []scalar {
	seed := uint64(0x5ca1)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	var out []scalar
	for _, v := range scBoundary() {
		var s scalar
		bigToLimbs(s[:], new(big.Int).Mod(v, bigN))
		out = append(out, s)
	}
	for range n {
		var s scalar
		b := bigTo32(limbsToBig(func() []uint64 { x := randFe(rng); return x[:] }()))
		s.setBytes(&b)
		out = append(out, s)
	}
	return out
}

func TestScalarSetBytes(t *testing.T) {
	for _, v := range scBoundary() {
		b := bigTo32(v)
		var s scalar
		overflow := s.setBytes(&b)
		if want := v.Cmp(bigN) >= 0; overflow != want {
			t.Errorf("setBytes(%x) overflow = %v, want %v", v, overflow, want)
		}
		if got, want := scToBig(&s), new(big.Int).Mod(v, bigN); got.Cmp(want) != 0 {
			t.Errorf("setBytes(%x) = %x, want %x", v, got, want)
		}
	}
}

func TestScalarOps(t *testing.T) {
	s := scSamples(t, 150)
	for i := range s {
		x := s[i]
		bx := scToBig(&x)
		var z scalar
		z.neg(&x)
		if want := new(big.Int).Mod(new(big.Int).Neg(bx), bigN); scToBig(&z).Cmp(want) != 0 {
			t.Fatalf("neg(%x) = %x, want %x", bx, scToBig(&z), want)
		}
		z = x
		z.inv(&z)
		want := new(big.Int)
		if bx.Sign() != 0 {
			want.ModInverse(bx, bigN)
		}
		if scToBig(&z).Cmp(want) != 0 {
			t.Fatalf("inv(%x) = %x, want %x", bx, scToBig(&z), want)
		}
		for j := range s {
			y := s[j]
			by := scToBig(&y)
			want := new(big.Int).Mul(bx, by)
			want.Mod(want, bigN)
			var a, b, c scalar
			a.mul(&x, &y)
			b = x
			b.mul(&b, &y)
			c = y
			c.mul(&x, &c)
			for _, got := range []*scalar{&a, &b, &c} {
				if scToBig(got).Cmp(want) != 0 {
					t.Fatalf("mul(%x, %x) = %x, want %x", bx, by, scToBig(got), want)
				}
			}
			if x != s[i] || y != s[j] {
				t.Fatal("mul modified its inputs")
			}
		}
	}
}

// TestModInverse checks the divstep inversion against math/big for both
// moduli on inputs of every size, including m-1, 1 and powers of two.
func TestModInverse(t *testing.T) {
	seed := uint64(0x1a7)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, mod := range []*modulus{modP, modN} {
		m := limbsToBig(mod.m4[:])
		if got := limbsToBig(func() []uint64 { v := fromS62(&mod.m); return v[:] }()); got.Cmp(m) != 0 {
			t.Fatalf("s62 round trip of %x gave %x", m, got)
		}
		if new(big.Int).Mul(m, new(big.Int).SetUint64(mod.inv62)).Bit(0) != 1 ||
			new(big.Int).And(new(big.Int).Mul(m, new(big.Int).SetUint64(mod.inv62)), big.NewInt(mask62)).Cmp(big.NewInt(1)) != 0 {
			t.Fatalf("inv62 of %x wrong", m)
		}
		var inputs []*big.Int
		for i := range 256 {
			inputs = append(inputs, new(big.Int).Lsh(big.NewInt(1), uint(i)))
			inputs = append(inputs, new(big.Int).Sub(m, new(big.Int).Lsh(big.NewInt(1), uint(i))))
		}
		inputs = append(inputs, big.NewInt(1), big.NewInt(3), new(big.Int).Sub(m, big.NewInt(1)))
		for range 3000 {
			x := randFe(rng)
			v := new(big.Int).Mod(limbsToBig(x[:]), m)
			v.Rsh(v, uint(rng.IntN(256)))
			inputs = append(inputs, v)
		}
		for _, v := range inputs {
			if v.Sign() <= 0 || v.Cmp(m) >= 0 {
				continue
			}
			var x [4]uint64
			bigToLimbs(x[:], v)
			got := mod.inverse(&x)
			want := new(big.Int).ModInverse(v, m)
			if limbsToBig(got[:]).Cmp(want) != 0 {
				t.Fatalf("inverse of %x mod %x = %x, want %x", v, m, limbsToBig(got[:]), want)
			}
		}
	}
}
