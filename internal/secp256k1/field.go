package secp256k1

import (
	"encoding/binary"
	"math/bits"
)

// fe is an element of the field F_p, p = 2^256 - 2^32 - 977, held as four
// 64-bit limbs, least significant first.
//
// Every value below 2^256 is a valid representation of its residue mod p:
// results of the arithmetic are only weakly reduced (below 2^256, possibly
// in [p, 2^256), which holds the residues 0 .. 2^32+976 a second time).
// [fe.normalize] produces the canonical representative, below p; the
// predicates and [fe.putBytes] need it and say so. All operations are safe
// when the output aliases any input.
type fe [4]uint64

// feR is 2^256 mod p = 2^32 + 977: a carry out of the top limb is worth
// feR, which is how every reduction below folds high limbs back in.
const feR = 0x1000003D1

// feP is the field prime p.
var feP = fe{0xFFFFFFFEFFFFFC2F, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF}

// setBytes sets z to the big-endian value b and reports whether it is below
// p; z is set either way.
func (z *fe) setBytes(b *[32]byte) bool {
	z[3] = binary.BigEndian.Uint64(b[0:8])
	z[2] = binary.BigEndian.Uint64(b[8:16])
	z[1] = binary.BigEndian.Uint64(b[16:24])
	z[0] = binary.BigEndian.Uint64(b[24:32])
	return z.isCanonical()
}

// isCanonical reports whether z is below p.
func (z *fe) isCanonical() bool {
	// z < p iff z + feR does not carry out of 2^256.
	_, c := bits.Add64(z[0], feR, 0)
	_, c = bits.Add64(z[1], 0, c)
	_, c = bits.Add64(z[2], 0, c)
	_, c = bits.Add64(z[3], 0, c)
	return c == 0
}

// putBytes writes z big-endian to b. REQUIRES: z normalized.
func (z *fe) putBytes(b []byte) {
	_ = b[31]
	binary.BigEndian.PutUint64(b[0:8], z[3])
	binary.BigEndian.PutUint64(b[8:16], z[2])
	binary.BigEndian.PutUint64(b[16:24], z[1])
	binary.BigEndian.PutUint64(b[24:32], z[0])
}

// normalize reduces z to its canonical representative, below p.
func (z *fe) normalize() {
	// z >= p iff z + feR carries out of 2^256, and then z + feR - 2^256 =
	// z - p is the answer (one subtraction suffices since z < 2^256 < 2p).
	t0, c := bits.Add64(z[0], feR, 0)
	t1, c := bits.Add64(z[1], 0, c)
	t2, c := bits.Add64(z[2], 0, c)
	t3, c := bits.Add64(z[3], 0, c)
	if c != 0 {
		*z = fe{t0, t1, t2, t3}
	}
}

// isZero reports whether z is 0 mod p (either representation of it).
func (z *fe) isZero() bool {
	if z[0]|z[1]|z[2]|z[3] == 0 {
		return true
	}
	return *z == feP
}

// equal reports whether x and y are the same residue mod p.
func (x *fe) equal(y *fe) bool {
	var d fe
	d.sub(x, y)
	return d.isZero()
}

// isOdd reports whether z is odd. REQUIRES: z normalized.
func (z *fe) isOdd() bool { return z[0]&1 == 1 }

// add sets z = x + y mod p.
func (z *fe) add(x, y *fe) {
	r0, c := bits.Add64(x[0], y[0], 0)
	r1, c := bits.Add64(x[1], y[1], c)
	r2, c := bits.Add64(x[2], y[2], c)
	r3, c := bits.Add64(x[3], y[3], c)
	// A carry out is worth feR. Adding it can carry again only when the
	// sum was within feR of 2^256; what is left is then below feR, and
	// adding feR once more cannot carry.
	r0, c = bits.Add64(r0, feR&-c, 0)
	r1, c = bits.Add64(r1, 0, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	z[0] = r0 + feR&-c
	z[1], z[2], z[3] = r1, r2, r3
}

// sub sets z = x - y mod p.
func (z *fe) sub(x, y *fe) {
	r0, b := bits.Sub64(x[0], y[0], 0)
	r1, b := bits.Sub64(x[1], y[1], b)
	r2, b := bits.Sub64(x[2], y[2], b)
	r3, b := bits.Sub64(x[3], y[3], b)
	// A borrow out costs feR. Subtracting it can borrow again only when
	// the difference was below feR; it then wraps to near 2^256, and
	// subtracting feR from the low limb once more cannot borrow.
	r0, b = bits.Sub64(r0, feR&-b, 0)
	r1, b = bits.Sub64(r1, 0, b)
	r2, b = bits.Sub64(r2, 0, b)
	r3, b = bits.Sub64(r3, 0, b)
	z[0] = r0 - feR&-b
	z[1], z[2], z[3] = r1, r2, r3
}

// neg sets z = -x mod p.
func (z *fe) neg(x *fe) { z.sub(&fe{}, x) }

// mulSmall sets z = x * k mod p for k < 2^31.
func (z *fe) mulSmall(x *fe, k uint64) {
	h0, r0 := bits.Mul64(x[0], k)
	h1, l1 := bits.Mul64(x[1], k)
	h2, l2 := bits.Mul64(x[2], k)
	h3, l3 := bits.Mul64(x[3], k)
	r1, c := bits.Add64(l1, h0, 0)
	r2, c := bits.Add64(l2, h1, c)
	r3, c := bits.Add64(l3, h2, c)
	r4 := h3 + c // < 2^31, so r4*feR < 2^64
	r0, c = bits.Add64(r0, r4*feR, 0)
	r1, c = bits.Add64(r1, 0, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	z[0] = r0 + feR&-c // as in add: after a carry the rest is small
	z[1], z[2], z[3] = r1, r2, r3
}

// mul sets z = x * y mod p.
func (z *fe) mul(x, y *fe) {
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	y0, y1, y2, y3 := y[0], y[1], y[2], y[3]
	var c uint64

	// The 512-bit product t0..t7, one row of x_i * y per step.
	h0, t0 := bits.Mul64(x0, y0)
	h1, l1 := bits.Mul64(x0, y1)
	h2, l2 := bits.Mul64(x0, y2)
	h3, l3 := bits.Mul64(x0, y3)
	t1, c := bits.Add64(l1, h0, 0)
	t2, c := bits.Add64(l2, h1, c)
	t3, c := bits.Add64(l3, h2, c)
	t4 := h3 + c

	h0, l0 := bits.Mul64(x1, y0)
	h1, l1 = bits.Mul64(x1, y1)
	h2, l2 = bits.Mul64(x1, y2)
	h3, l3 = bits.Mul64(x1, y3)
	l1, c = bits.Add64(l1, h0, 0)
	l2, c = bits.Add64(l2, h1, c)
	l3, c = bits.Add64(l3, h2, c)
	h3 += c
	t1, c = bits.Add64(t1, l0, 0)
	t2, c = bits.Add64(t2, l1, c)
	t3, c = bits.Add64(t3, l2, c)
	t4, c = bits.Add64(t4, l3, c)
	t5 := h3 + c

	h0, l0 = bits.Mul64(x2, y0)
	h1, l1 = bits.Mul64(x2, y1)
	h2, l2 = bits.Mul64(x2, y2)
	h3, l3 = bits.Mul64(x2, y3)
	l1, c = bits.Add64(l1, h0, 0)
	l2, c = bits.Add64(l2, h1, c)
	l3, c = bits.Add64(l3, h2, c)
	h3 += c
	t2, c = bits.Add64(t2, l0, 0)
	t3, c = bits.Add64(t3, l1, c)
	t4, c = bits.Add64(t4, l2, c)
	t5, c = bits.Add64(t5, l3, c)
	t6 := h3 + c

	h0, l0 = bits.Mul64(x3, y0)
	h1, l1 = bits.Mul64(x3, y1)
	h2, l2 = bits.Mul64(x3, y2)
	h3, l3 = bits.Mul64(x3, y3)
	l1, c = bits.Add64(l1, h0, 0)
	l2, c = bits.Add64(l2, h1, c)
	l3, c = bits.Add64(l3, h2, c)
	h3 += c
	t3, c = bits.Add64(t3, l0, 0)
	t4, c = bits.Add64(t4, l1, c)
	t5, c = bits.Add64(t5, l2, c)
	t6, c = bits.Add64(t6, l3, c)
	t7 := h3 + c

	// Reduce: t = lo + hi*2^256 = lo + hi*feR (mod p); hi*feR < 2^290.
	rh0, rl0 := bits.Mul64(t4, feR)
	rh1, rl1 := bits.Mul64(t5, feR)
	rh2, rl2 := bits.Mul64(t6, feR)
	rh3, rl3 := bits.Mul64(t7, feR)
	r0, c := bits.Add64(t0, rl0, 0)
	r1, c := bits.Add64(t1, rl1, c)
	r2, c := bits.Add64(t2, rl2, c)
	r3, c := bits.Add64(t3, rl3, c)
	r4 := rh3 + c
	r1, c = bits.Add64(r1, rh0, 0)
	r2, c = bits.Add64(r2, rh1, c)
	r3, c = bits.Add64(r3, rh2, c)
	r4 += c // r4 < 2^34

	// Fold r4 the same way: r4*feR < 2^67.
	rh, rl := bits.Mul64(r4, feR)
	r0, c = bits.Add64(r0, rl, 0)
	r1, c = bits.Add64(r1, rh, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	// After a carry out the value left is below 2^67, so adding feR for
	// the carry ends in r1 at the latest.
	r0, c = bits.Add64(r0, feR&-c, 0)
	z[0], z[1], z[2], z[3] = r0, r1+c, r2, r3
}

// sqr sets z = x^2 mod p.
func (z *fe) sqr(x *fe) {
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	var c uint64

	// Cross products x_i*x_j, i < j, at limb i+j.
	h01, t1 := bits.Mul64(x0, x1)
	h02, l02 := bits.Mul64(x0, x2)
	h03, l03 := bits.Mul64(x0, x3)
	h12, l12 := bits.Mul64(x1, x2)
	h13, l13 := bits.Mul64(x1, x3)
	h23, l23 := bits.Mul64(x2, x3)
	t2, c := bits.Add64(l02, h01, 0)
	t3, c := bits.Add64(l03, h02, c)
	t4 := h03 + c
	a4, c := bits.Add64(l13, h12, 0)
	a5 := h13 + c
	t3, c = bits.Add64(t3, l12, 0)
	t4, c = bits.Add64(t4, a4, c)
	t5 := a5 + c
	t5, c = bits.Add64(t5, l23, 0)
	t6 := h23 + c

	// Double them.
	t1, c = bits.Add64(t1, t1, 0)
	t2, c = bits.Add64(t2, t2, c)
	t3, c = bits.Add64(t3, t3, c)
	t4, c = bits.Add64(t4, t4, c)
	t5, c = bits.Add64(t5, t5, c)
	t6, c = bits.Add64(t6, t6, c)
	t7 := c

	// Add the squares x_i^2 at limb 2i.
	s0h, t0 := bits.Mul64(x0, x0)
	s1h, s1l := bits.Mul64(x1, x1)
	s2h, s2l := bits.Mul64(x2, x2)
	s3h, s3l := bits.Mul64(x3, x3)
	t1, c = bits.Add64(t1, s0h, 0)
	t2, c = bits.Add64(t2, s1l, c)
	t3, c = bits.Add64(t3, s1h, c)
	t4, c = bits.Add64(t4, s2l, c)
	t5, c = bits.Add64(t5, s2h, c)
	t6, c = bits.Add64(t6, s3l, c)
	t7 += s3h + c

	// Reduce: t = lo + hi*2^256 = lo + hi*feR (mod p); hi*feR < 2^290.
	rh0, rl0 := bits.Mul64(t4, feR)
	rh1, rl1 := bits.Mul64(t5, feR)
	rh2, rl2 := bits.Mul64(t6, feR)
	rh3, rl3 := bits.Mul64(t7, feR)
	r0, c := bits.Add64(t0, rl0, 0)
	r1, c := bits.Add64(t1, rl1, c)
	r2, c := bits.Add64(t2, rl2, c)
	r3, c := bits.Add64(t3, rl3, c)
	r4 := rh3 + c
	r1, c = bits.Add64(r1, rh0, 0)
	r2, c = bits.Add64(r2, rh1, c)
	r3, c = bits.Add64(r3, rh2, c)
	r4 += c // r4 < 2^34

	// Fold r4 the same way: r4*feR < 2^67.
	rh, rl := bits.Mul64(r4, feR)
	r0, c = bits.Add64(r0, rl, 0)
	r1, c = bits.Add64(r1, rh, c)
	r2, c = bits.Add64(r2, 0, c)
	r3, c = bits.Add64(r3, 0, c)
	// After a carry out the value left is below 2^67, so adding feR for
	// the carry ends in r1 at the latest.
	r0, c = bits.Add64(r0, feR&-c, 0)
	z[0], z[1], z[2], z[3] = r0, r1+c, r2, r3
}

// sqrn sets z = x^(2^n), n >= 1.
func (z *fe) sqrn(x *fe, n int) {
	z.sqr(x)
	for range n - 1 {
		z.sqr(z)
	}
}

// powBlocks holds x^(2^k - 1) for the k the exponentiations of p use.
type powBlocks struct {
	x2, x3, x22, x223 fe
}

// blocks computes x^(2^k-1) for k = 2, 3, 22 and 223, the runs of one bits
// in p-2 and (p+1)/4, with 221 squarings and 11 multiplications.
func (b *powBlocks) compute(x *fe) {
	var x6, x9, x11, x44, x88, x176, x220 fe
	b.x2.sqr(x)
	b.x2.mul(&b.x2, x) // x^3
	b.x3.sqr(&b.x2)
	b.x3.mul(&b.x3, x)
	x6.sqrn(&b.x3, 3)
	x6.mul(&x6, &b.x3)
	x9.sqrn(&x6, 3)
	x9.mul(&x9, &b.x3)
	x11.sqrn(&x9, 2)
	x11.mul(&x11, &b.x2)
	b.x22.sqrn(&x11, 11)
	b.x22.mul(&b.x22, &x11)
	x44.sqrn(&b.x22, 22)
	x44.mul(&x44, &b.x22)
	x88.sqrn(&x44, 44)
	x88.mul(&x88, &x44)
	x176.sqrn(&x88, 88)
	x176.mul(&x176, &x88)
	x220.sqrn(&x176, 44)
	x220.mul(&x220, &x44)
	b.x223.sqrn(&x220, 3)
	b.x223.mul(&b.x223, &b.x3)
}

// invFermat sets z = x^(p-2) = 1/x mod p (0 for x = 0).
//
// p-2 in binary is 223 ones, a zero, 22 ones, then 0000101101.
func (z *fe) invFermat(x *fe) {
	var b powBlocks
	b.compute(x)
	var t fe
	t.sqrn(&b.x223, 23)
	t.mul(&t, &b.x22)
	t.sqrn(&t, 5)
	t.mul(&t, x)
	t.sqrn(&t, 3)
	t.mul(&t, &b.x2)
	t.sqrn(&t, 2)
	z.mul(&t, x)
}

// sqrt sets z to a square root of x and reports whether x is a square; if
// it is not, z is set to a root of -x. Since p = 3 mod 4 a root is
// x^((p+1)/4), whose binary form is 223 ones, a zero, 22 ones, then
// 0000110000.
func (z *fe) sqrt(x *fe) bool {
	var b powBlocks
	b.compute(x)
	var t fe
	t.sqrn(&b.x223, 23)
	t.mul(&t, &b.x22)
	t.sqrn(&t, 6)
	t.mul(&t, &b.x2)
	t.sqrn(&t, 2)
	var check fe
	check.sqr(&t)
	ok := check.equal(x)
	*z = t
	return ok
}

// modP is p in the form modulus.inverse needs.
var modP = newModulus([4]uint64(feP))

// inv sets z = 1/x mod p (0 for x = 0 mod p), in variable time.
func (z *fe) inv(x *fe) {
	t := *x
	t.normalize()
	*z = modP.inverse((*[4]uint64)(&t))
}
