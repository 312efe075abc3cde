package secp256k1

import "math/bits"

// Modular inversion by Bernstein and Yang's divstep algorithm ("Fast
// constant-time gcd computation and modular inversion", 2019), in its
// variable-time form: it stops as soon as g reaches 0, takes runs of zero
// bits at once, and clears up to 6 bits of g in one step when no swap can
// come in between.
//
// A divstep maps (delta, f, g), f odd, to
//
//	(1-delta, g, (g-f)/2)  if delta > 0 and g is odd,
//	(1+delta, f, (g+f)/2)  if g is odd otherwise,
//	(1+delta, f, g/2)      if g is even.
//
// Started from (1, m, x) it reaches g = 0 with f = ±gcd(m, x). Every step is
// linear in (f, g), so 62 steps are one 2x2 integer matrix T with
// 2^62 (f', g') = T (f, g), and the decisions of those 62 steps depend only on
// the low 62 bits of f and g. The algorithm computes T from the low bits
// (divsteps62), applies it to the full f and g, and applies it to (d, e),
// which track f = d x and g = e x mod m, dividing by 2^62 mod m there. At
// the end f = ±1, so x^-1 = ±d.

// s62 is a signed integer in radix 2^62, least significant limb first:
// limbs 0 to 3 are in [0, 2^62) and limb 4 carries the sign. Five limbs hold
// every value the algorithm meets (|value| < 2^310).
type s62 [5]int64

const mask62 = 1<<62 - 1

// modulus is an odd modulus in the form the inversion needs. Read-only.
type modulus struct {
	m     s62
	m4    [4]uint64
	inv62 uint64 // m^-1 mod 2^62
}

func newModulus(m [4]uint64) *modulus {
	// Newton's iteration doubles the number of correct low bits of an
	// inverse mod 2^k: starting from m itself (right mod 2^3 for odd m),
	// five steps give 96 bits.
	inv := m[0]
	for range 5 {
		inv *= 2 - m[0]*inv
	}
	return &modulus{m: toS62(&m), m4: m, inv62: inv & mask62}
}

func toS62(x *[4]uint64) s62 {
	return s62{
		int64(x[0] & mask62),
		int64((x[0]>>62 | x[1]<<2) & mask62),
		int64((x[1]>>60 | x[2]<<4) & mask62),
		int64((x[2]>>58 | x[3]<<6) & mask62),
		int64(x[3] >> 56),
	}
}

// fromS62 returns v as four 64-bit limbs. REQUIRES: 0 <= v < 2^256.
func fromS62(v *s62) [4]uint64 {
	return [4]uint64{
		uint64(v[0]) | uint64(v[1])<<62,
		uint64(v[1])>>2 | uint64(v[2])<<60,
		uint64(v[2])>>4 | uint64(v[3])<<58,
		uint64(v[3])>>6 | uint64(v[4])<<56,
	}
}

// inverse returns x^-1 mod m for x in [1, 2^256) coprime to m, and 0 for
// x = 0.
func (mod *modulus) inverse(x *[4]uint64) [4]uint64 {
	if x[0]|x[1]|x[2]|x[3] == 0 {
		return [4]uint64{}
	}
	f, g := mod.m, toS62(x)
	d, e := s62{}, s62{1}
	eta := int64(-1) // eta = -delta
	for {
		var t trans
		eta, t = divsteps62(eta, uint64(f[0]), uint64(g[0]))
		t.applyDE(&d, &e, mod)
		t.applyFG(&f, &g)
		if g == (s62{}) {
			break
		}
	}
	// f = ±1 and d is in (-m, m).
	if f[4] < 0 {
		d.negate()
	}
	if d[4] < 0 {
		d.addMod(&mod.m)
	}
	return fromS62(&d)
}

// trans is the matrix of 62 divsteps: 2^62 (f', g') = (u f + v g, q f + r g).
// |u| + |v| <= 2^62 and |q| + |r| <= 2^62.
type trans struct{ u, v, q, r int64 }

// divsteps62 runs 62 divsteps on the low 62 bits f0 (odd) and g0 of f and g,
// in the form eta = -delta, and returns the new eta and their matrix.
//
// The steps run on wrapping 64-bit copies of f and g. The matrix is kept so
// that 2^s (f, g) = T (f0, g0) after s steps: halving g (s+1) doubles the
// f row instead, so no entry is ever divided. After s steps only the low
// 62-s bits of f and g are exact, which is all the remaining 62-s decisions
// read.
func divsteps62(eta int64, f0, g0 uint64) (int64, trans) {
	u, v, q, r := int64(1), int64(0), int64(0), int64(1)
	f, g := f0, g0
	i := 62 // steps left
	for {
		// Each zero bit at the bottom of g is one halving step.
		zeros := bits.TrailingZeros64(g | 1<<i)
		g >>= zeros
		u <<= zeros
		v <<= zeros
		eta -= int64(zeros)
		i -= zeros
		if i == 0 {
			return eta, trans{u, v, q, r}
		}
		// g is odd: with delta > 0 swap (f, g) to (g, -f) and negate
		// delta.
		if eta < 0 {
			eta = -eta
			f, g = g, -f
			u, v, q, r = q, r, -u, -v
		}
		// Now delta <= 0, and the next k = min(eta+1, i) steps cannot
		// swap: each adds f to g when g is odd and halves g. Together
		// they add w*f, w < 2^k the value that makes g+w*f divisible by
		// 2^k, and the next pass does the k halvings. k is capped at 6,
		// the precision of the inverse of f below.
		k := min(int(eta)+1, i, 6)
		fi := f * (2 - f*f) // f^-1 mod 2^6 (f*f = 1 mod 8 for odd f)
		w := -g * fi & (1<<k - 1)
		g += w * f
		q += int64(w) * u
		r += int64(w) * v
	}
}

// mac returns the signed 128-bit (hi, lo) + a*b.
func mac(hi, lo uint64, a, b int64) (uint64, uint64) {
	ph, pl := bits.Mul64(uint64(a), uint64(b))
	// Unsigned product of two's complement operands: a negative factor
	// adds the other one times 2^64 too much.
	ph -= uint64(a>>63)&uint64(b) + uint64(b>>63)&uint64(a)
	lo, c := bits.Add64(lo, pl, 0)
	return hi + ph + c, lo
}

// sar62 returns the signed 128-bit (hi, lo) shifted right by 62.
func sar62(hi, lo uint64) (uint64, uint64) {
	return uint64(int64(hi) >> 62), lo>>62 | hi<<2
}

// applyFG sets (f, g) = T (f, g) / 2^62, which is exact.
func (t *trans) applyFG(f, g *s62) {
	fh, fl := mac(0, 0, t.u, f[0])
	fh, fl = mac(fh, fl, t.v, g[0])
	gh, gl := mac(0, 0, t.q, f[0])
	gh, gl = mac(gh, gl, t.r, g[0])
	fh, fl = sar62(fh, fl)
	gh, gl = sar62(gh, gl)
	for i := 1; i < 5; i++ {
		fi, gi := f[i], g[i]
		fh, fl = mac(fh, fl, t.u, fi)
		fh, fl = mac(fh, fl, t.v, gi)
		gh, gl = mac(gh, gl, t.q, fi)
		gh, gl = mac(gh, gl, t.r, gi)
		f[i-1], g[i-1] = int64(fl&mask62), int64(gl&mask62)
		fh, fl = sar62(fh, fl)
		gh, gl = sar62(gh, gl)
	}
	f[4], g[4] = int64(fl), int64(gl)
}

// applyDE sets (d, e) = T (d, e) / 2^62 mod m. REQUIRES: d and e in
// (-m, m); they stay there.
func (t *trans) applyDE(d, e *s62, mod *modulus) {
	m := &mod.m
	dh, dl := mac(0, 0, t.u, d[0])
	dh, dl = mac(dh, dl, t.v, e[0])
	eh, el := mac(0, 0, t.q, d[0])
	eh, el = mac(eh, el, t.r, e[0])
	// Add md*m and me*m, md and me in [0, 2^62), to clear the low 62
	// bits. |u d + v e| < 2^62 m, so the quotient is in (-m, 2m).
	md := int64(-(dl * mod.inv62) & mask62)
	me := int64(-(el * mod.inv62) & mask62)
	dh, dl = mac(dh, dl, md, m[0])
	eh, el = mac(eh, el, me, m[0])
	dh, dl = sar62(dh, dl)
	eh, el = sar62(eh, el)
	for i := 1; i < 5; i++ {
		di, ei, mi := d[i], e[i], m[i]
		dh, dl = mac(dh, dl, t.u, di)
		dh, dl = mac(dh, dl, t.v, ei)
		dh, dl = mac(dh, dl, md, mi)
		eh, el = mac(eh, el, t.q, di)
		eh, el = mac(eh, el, t.r, ei)
		eh, el = mac(eh, el, me, mi)
		d[i-1], e[i-1] = int64(dl&mask62), int64(el&mask62)
		dh, dl = sar62(dh, dl)
		eh, el = sar62(eh, el)
	}
	d[4], e[4] = int64(dl), int64(el)
	d.subIfAtLeast(m)
	e.subIfAtLeast(m)
}

// subIfAtLeast subtracts m from x if x >= m.
func (x *s62) subIfAtLeast(m *s62) {
	var t s62
	var c int64
	for i := range 4 {
		w := x[i] - m[i] + c
		t[i], c = w&mask62, w>>62
	}
	t[4] = x[4] - m[4] + c
	if t[4] >= 0 {
		*x = t
	}
}

// negate sets x = -x.
func (x *s62) negate() {
	var c int64
	for i := range 4 {
		w := c - x[i]
		x[i], c = w&mask62, w>>62
	}
	x[4] = c - x[4]
}

// addMod sets x = x + m.
func (x *s62) addMod(m *s62) {
	var c int64
	for i := range 4 {
		w := x[i] + m[i] + c
		x[i], c = w&mask62, w>>62
	}
	x[4] += m[4] + c
}
