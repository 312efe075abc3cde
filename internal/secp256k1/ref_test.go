package secp256k1

import "math/big"

// A slow reference for the curve, on math/big affine coordinates: the twin
// the point arithmetic, the tables and the multiplication are checked
// against. nil is the point at infinity.

var (
	bigN     = limbsToBig(scN[:])
	bigBeta  = limbsToBig(feBeta[:])
	bigLamda = limbsToBig(scLambda[:])
	bigG     = &refPoint{limbsToBig(feGx[:]), limbsToBig(feGy[:])}
)

type refPoint struct{ x, y *big.Int }

func refOnCurve(p *refPoint) bool {
	l := new(big.Int).Mul(p.y, p.y)
	r := new(big.Int).Exp(p.x, big.NewInt(3), nil)
	r.Add(r, big.NewInt(7))
	return l.Sub(l, r).Mod(l, bigP).Sign() == 0
}

func refAdd(a, b *refPoint) *refPoint {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	var l big.Int
	if a.x.Cmp(b.x) == 0 {
		if new(big.Int).Add(a.y, b.y).Mod(new(big.Int).Add(a.y, b.y), bigP).Sign() == 0 {
			return nil
		}
		// 3x^2 / 2y
		l.Mul(a.x, a.x).Mul(&l, big.NewInt(3))
		l.Mul(&l, new(big.Int).ModInverse(new(big.Int).Lsh(a.y, 1), bigP))
	} else {
		l.Sub(b.y, a.y)
		l.Mul(&l, new(big.Int).ModInverse(new(big.Int).Mod(new(big.Int).Sub(b.x, a.x), bigP), bigP))
	}
	l.Mod(&l, bigP)
	x := new(big.Int).Mul(&l, &l)
	x.Sub(x, a.x).Sub(x, b.x).Mod(x, bigP)
	y := new(big.Int).Sub(a.x, x)
	y.Mul(y, &l).Sub(y, a.y).Mod(y, bigP)
	return &refPoint{x, y}
}

func refMul(k *big.Int, p *refPoint) *refPoint {
	var acc *refPoint
	k = new(big.Int).Mod(k, bigN)
	for i := k.BitLen() - 1; i >= 0; i-- {
		acc = refAdd(acc, acc)
		if k.Bit(i) == 1 {
			acc = refAdd(acc, p)
		}
	}
	return acc
}

func refNeg(p *refPoint) *refPoint {
	if p == nil {
		return nil
	}
	return &refPoint{p.x, new(big.Int).Mod(new(big.Int).Neg(p.y), bigP)}
}

// refRecover is SEC 1 section 4.1.6 on math/big: nil for every failure.
func refRecover(hash *[32]byte, sig *[64]byte, recid byte) *refPoint {
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	if recid > 3 || r.Sign() == 0 || r.Cmp(bigN) >= 0 || s.Sign() == 0 || s.Cmp(bigN) >= 0 {
		return nil
	}
	x := new(big.Int).Set(r)
	if recid&2 != 0 {
		x.Add(x, bigN)
		if x.Cmp(bigP) >= 0 {
			return nil
		}
	}
	y2 := new(big.Int).Exp(x, big.NewInt(3), bigP)
	y2.Add(y2, big.NewInt(7)).Mod(y2, bigP)
	y := new(big.Int).ModSqrt(y2, bigP)
	if y == nil {
		return nil
	}
	if y.Bit(0) != uint(recid&1) {
		y.Sub(bigP, y)
	}
	e := new(big.Int).SetBytes(hash[:])
	ri := new(big.Int).ModInverse(r, bigN)
	u1 := new(big.Int).Mul(e, ri)
	u1.Neg(u1).Mod(u1, bigN)
	u2 := new(big.Int).Mul(s, ri)
	u2.Mod(u2, bigN)
	return refAdd(refMul(u1, bigG), refMul(u2, &refPoint{x, y}))
}

func bigTo32(v *big.Int) (b [32]byte) {
	v.FillBytes(b[:])
	return b
}
