package secp256k1

import "math/bits"

// The GLV endomorphism. lambda is a cube root of unity mod n and beta one
// mod p, paired so that lambda*(x, y) = (beta*x, y) for every point; so a
// scalar k can be split as k = k1 + k2*lambda (mod n) with k1 and k2 of
// about 128 bits, and k*P computed as k1*P + k2*(beta*x, y) with half the
// doublings.
//
// The split rounds k against a reduced basis of the lattice
// {(a, b) : a + b*lambda = 0 mod n}, found with the extended Euclidean
// algorithm on (n, lambda) (Gallant, Lambert and Vanstone, "Faster point
// multiplication on elliptic curves with efficient endomorphisms", 2001):
//
//	v1 = (a1, b1) = (0xe4437ed6010e88286f547fa90abfe4c3, -0x3086d221a7d46bcde86c90e49284eb15)
//	v2 = (a2, b2) = (0x3086d221a7d46bcde86c90e49284eb15, 0x114ca50f7a8e2f3f657c1108d9d44cfd8)
//
// with a1*b2 - a2*b1 = n. Writing (k, 0) = c1' v1 + c2' v2 over the
// rationals gives c1' = k*b2/n and c2' = -k*b1/n; with c1, c2 their
// nearest integers,
//
//	k1 = k - c1*a1 - c2*a2,   k2 = -c1*b1 - c2*b2,
//
// and k1 + k2*lambda = k (mod n) exactly, whatever c1 and c2 are (v1 and v2
// are in the lattice). Rounding makes |c_i' - c_i| <= 1/2, so
// |k1| <= (|a1| + |a2|)/2 < 0.54 * 2^128 and |k2| <= (|b1| + |b2|)/2 <
// 0.64 * 2^128. c_i is computed as floor((k*g_i + 2^382) / 2^383) with
// g_i = round(2^383 * (b2 or -b1) / n); the error of g_i moves the
// quotient by less than 2^-127, which can only flip a rounding tie and
// leaves the bounds below 2^128.

// feBeta is beta, a cube root of unity mod p.
var feBeta = fe{0x3EC693D68E6AFA40, 0x630FB68AED0A766A, 0x919BB86153CBCB16, 0x851695D49A83F8EF}

// scLambda is lambda, the cube root of unity mod n that matches beta.
var scLambda = scalar{0xE0CFC810B51283CE, 0xA880B9FC8EC739C2, 0x5AD9E3FD77ED9BA4, 0xAC9C52B33FA3CF1F}

var (
	glvG1 = [4]uint64{0xFF026AA4685017D1, 0xAFDE496087EEE8A2, 0x2BE08846CEA267EC, 0x8A65287BD47179FB}
	glvG2 = [4]uint64{0xF449904D22EDD818, 0x9ED5450A38F4653F, 0xF43648724942758A, 0x18436910D3EA35E6}
	glvA1 = [3]uint64{0x6F547FA90ABFE4C3, 0xE4437ED6010E8828, 0}
	glvA2 = [3]uint64{0xE86C90E49284EB15, 0x3086D221A7D46BCD, 0} // also -b1
	glvB2 = [3]uint64{0x57C1108D9D44CFD8, 0x14CA50F7A8E2F3F6, 1}
)

// half is the magnitude and sign of one half of a split scalar. The
// magnitude is below 2^128 (see above); it is held in three limbs, the
// width the split computes in, so no step relies on the bound for more
// than speed.
type half struct {
	mag [3]uint64
	neg bool
}

// splitLambda returns k1 and k2 with k = k1 + k2*lambda (mod n).
func splitLambda(k *scalar) (k1, k2 half) {
	c1 := roundedQuotient(k, &glvG1)
	c2 := roundedQuotient(k, &glvG2)
	// Everything below is exact integer arithmetic done mod 2^192: the
	// results are far smaller than 2^191, so their two's complement
	// encodings mod 2^192 identify them.
	kk := [3]uint64{k[0], k[1], k[2]}
	t1 := sub192(sub192(kk, mul192(c1, glvA1)), mul192(c2, glvA2))
	t2 := sub192(mul192(c1, glvA2), mul192(c2, glvB2))
	return toHalf(t1), toHalf(t2)
}

// roundedQuotient returns floor((k*g + 2^382) / 2^383), which is below
// 2^130.
func roundedQuotient(k *scalar, g *[4]uint64) [3]uint64 {
	t := mul512((*[4]uint64)(k), g)
	var c uint64
	t[5], c = bits.Add64(t[5], 1<<62, 0)
	t[6], c = bits.Add64(t[6], 0, c)
	t[7] += c
	return [3]uint64{t[5]>>63 | t[6]<<1, t[6]>>63 | t[7]<<1, t[7] >> 63}
}

func toHalf(t [3]uint64) half {
	if t[2]>>63 == 0 {
		return half{mag: t}
	}
	return half{mag: sub192([3]uint64{}, t), neg: true}
}

// mul192 returns x*y mod 2^192.
func mul192(x, y [3]uint64) [3]uint64 {
	h00, l00 := bits.Mul64(x[0], y[0])
	h01, l01 := bits.Mul64(x[0], y[1])
	h10, l10 := bits.Mul64(x[1], y[0])
	r1, c := bits.Add64(h00, l01, 0)
	r2 := h01 + c
	r1, c = bits.Add64(r1, l10, 0)
	r2 += h10 + c
	r2 += x[0]*y[2] + x[1]*y[1] + x[2]*y[0]
	return [3]uint64{l00, r1, r2}
}

// sub192 returns x-y mod 2^192.
func sub192(x, y [3]uint64) [3]uint64 {
	r0, b := bits.Sub64(x[0], y[0], 0)
	r1, b := bits.Sub64(x[1], y[1], b)
	r2, _ := bits.Sub64(x[2], y[2], b)
	return [3]uint64{r0, r1, r2}
}
