package secp256k1

// rWindow is the wNAF width of the variable point's two halves: its table
// of 2^(rWindow-2) odd multiples is built per recovery, and 5 balances that
// cost against the additions (about 2*128/(w+1)) it saves.
const (
	rWindow    = 5
	rTableSize = 1 << (rWindow - 2)
)

// ecmult returns u1*G + u2*P in affine coordinates, normalized, or
// ok = false if it is the point at infinity. (px, py) must be a point of
// the curve.
//
// Both scalars are split with the endomorphism, giving four multiplications
// by halves of at most 128 bits, of P, lambda*P, G and lambda*G, that share
// one loop of at most 129 doublings (Straus's interleaving). Each half is in
// width-w NAF, so its additions use a table of odd multiples: G's is built
// once per process (generatorTable), P's here by oddMultiples, as affine
// points of a curve scaled by zeta. The accumulator lives on that scaled
// curve too, so P's additions are plain mixed additions and G's pay one
// extra multiplication (addAffineIso); the result is scaled back with the
// single inversion that makes it affine.
func ecmult(u1, u2 *scalar, px, py *fe) (x, y fe, ok bool) {
	var pt, lpt [rTableSize]affine
	var hs [rTableSize]fe
	zeta := oddMultiples(pt[:], hs[:], px, py)
	for i := range pt {
		lpt[i].x.mul(&pt[i].x, &feBeta)
		lpt[i].y = pt[i].y
	}
	var zeta2, zeta3 fe
	zeta2.sqr(&zeta)
	zeta3.mul(&zeta2, &zeta)
	gt := generatorTable()

	p1, p2 := splitLambda(u2)
	g1, g2 := splitLambda(u1)
	var wp1, wp2, wg1, wg2 wnaf
	wp1.set(&p1, rWindow)
	wp2.set(&p2, rWindow)
	wg1.set(&g1, gWindow)
	wg2.set(&g2, gWindow)

	acc := jacobian{inf: true}
	var ny, bx fe
	for i := max(wp1.n, wp2.n, wg1.n, wg2.n) - 1; i >= 0; i-- {
		acc.double()
		if d := wp1.digits[i]; d > 0 {
			acc.addAffine(&pt[d>>1].x, &pt[d>>1].y)
		} else if d < 0 {
			ny.neg(&pt[-d>>1].y)
			acc.addAffine(&pt[-d>>1].x, &ny)
		}
		if d := wp2.digits[i]; d > 0 {
			acc.addAffine(&lpt[d>>1].x, &lpt[d>>1].y)
		} else if d < 0 {
			ny.neg(&lpt[-d>>1].y)
			acc.addAffine(&lpt[-d>>1].x, &ny)
		}
		if d := wg1.digits[i]; d > 0 {
			acc.addAffineIso(&gt[d>>1].x, &gt[d>>1].y, &zeta, &zeta2, &zeta3)
		} else if d < 0 {
			ny.neg(&gt[-d>>1].y)
			acc.addAffineIso(&gt[-d>>1].x, &ny, &zeta, &zeta2, &zeta3)
		}
		if d := wg2.digits[i]; d > 0 {
			bx.mul(&gt[d>>1].x, &feBeta)
			acc.addAffineIso(&bx, &gt[d>>1].y, &zeta, &zeta2, &zeta3)
		} else if d < 0 {
			bx.mul(&gt[-d>>1].x, &feBeta)
			ny.neg(&gt[-d>>1].y)
			acc.addAffineIso(&bx, &ny, &zeta, &zeta2, &zeta3)
		}
	}
	if acc.inf {
		return x, y, false
	}
	var z, zi, zi2, zi3 fe
	z.mul(&acc.z, &zeta)
	zi.inv(&z)
	zi2.sqr(&zi)
	zi3.mul(&zi2, &zi)
	x.mul(&acc.x, &zi2)
	y.mul(&acc.y, &zi3)
	x.normalize()
	y.normalize()
	return x, y, true
}
