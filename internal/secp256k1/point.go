package secp256k1

// Points of the curve y^2 = x^3 + 7 over F_p, or of a curve
// y^2 = x^3 + 7*zeta^6 isomorphic to it through (x, y) -> (x*zeta^2,
// y*zeta^3). The doubling and addition formulas below never read the
// constant b, so they work unchanged on any of those curves; the scalar
// multiplication uses that to keep one table of points affine without an
// inversion (see oddMultiples).

// affine is a point (x, y), never the point at infinity.
type affine struct{ x, y fe }

// jacobian is the point (x/z^2, y/z^3), or the point at infinity when inf
// is set (the coordinates are then meaningless).
type jacobian struct {
	x, y, z fe
	inf     bool
}

// double sets p = 2p.
//
// With a = 0 (3M + 4S): S = 4*X*Y^2, M = 3*X^2, X3 = M^2 - 2S,
// Y3 = M(S - X3) - 8*Y^4, Z3 = 2*Y*Z. It spends one multiplication more
// than the 2M + 5S formulas and saves three of their additions, which
// measures faster here. No point of the curve has y = 0 (the group has odd
// order), so only infinity doubles to infinity.
func (p *jacobian) double() {
	if p.inf {
		return
	}
	var xx, yy, s, m, t fe
	xx.sqr(&p.x)
	yy.sqr(&p.y)
	s.mul(&p.x, &yy)
	s.mulSmall(&s, 4)
	m.mulSmall(&xx, 3)
	p.z.mul(&p.z, &p.y)
	p.z.add(&p.z, &p.z)
	yy.sqr(&yy)
	yy.mulSmall(&yy, 8)
	p.x.sqr(&m)
	t.add(&s, &s)
	p.x.sub(&p.x, &t)
	t.sub(&s, &p.x)
	p.y.mul(&m, &t)
	p.y.sub(&p.y, &yy)
}

// addAffine sets p = p + (x, y), (x, y) an affine point of p's curve.
func (p *jacobian) addAffine(x, y *fe) {
	if p.inf {
		p.x, p.y, p.z, p.inf = *x, *y, fe{1}, false
		return
	}
	var z2, u2, s2 fe
	z2.sqr(&p.z)
	u2.mul(x, &z2)
	s2.mul(&z2, &p.z)
	s2.mul(&s2, y)
	p.addUS(&u2, &s2)
}

// addAffineIso sets p = p + (x, y), where p is on the curve scaled by zeta
// and (x, y) an affine point of the curve itself. zeta2 and zeta3 are
// zeta^2 and zeta^3.
//
// On the original curve p is the Jacobian point (X, Y, Z*zeta), so the
// addition runs with Z*zeta in place of Z, and its result's Z, Z*zeta*H,
// goes back to the scaled curve as Z*H.
func (p *jacobian) addAffineIso(x, y, zeta, zeta2, zeta3 *fe) {
	if p.inf {
		p.x.mul(x, zeta2)
		p.y.mul(y, zeta3)
		p.z, p.inf = fe{1}, false
		return
	}
	var zz, z2, u2, s2 fe
	zz.mul(&p.z, zeta)
	z2.sqr(&zz)
	u2.mul(x, &z2)
	s2.mul(&z2, &zz)
	s2.mul(&s2, y)
	p.addUS(&u2, &s2)
}

// addUS finishes a mixed addition (Hankerson, Menezes and Vanstone's
// formulas, 8M + 3S in all) given U2 = x2*Z^2 and S2 = y2*Z^3 of the affine
// operand: H = U2 - X, R = S2 - Y, X3 = R^2 - H^3 - 2X*H^2,
// Y3 = R(X*H^2 - X3) - Y*H^3, Z3 = Z*H.
func (p *jacobian) addUS(u2, s2 *fe) {
	var h, r fe
	h.sub(u2, &p.x)
	r.sub(s2, &p.y)
	if h.isZero() {
		if r.isZero() {
			p.double() // the same point
		} else {
			p.inf = true // opposite points
		}
		return
	}
	var hh, hhh, v, t fe
	hh.sqr(&h)
	hhh.mul(&hh, &h)
	v.mul(&p.x, &hh)
	p.z.mul(&p.z, &h)
	p.x.sqr(&r)
	p.x.sub(&p.x, &hhh)
	t.add(&v, &v)
	p.x.sub(&p.x, &t)
	t.sub(&v, &p.x)
	t.mul(&t, &r)
	hhh.mul(&hhh, &p.y)
	p.y.sub(&t, &hhh)
}

// oddMultiples sets out[i] to (2i+1)*P for every i, as affine points of the
// curve scaled by the zeta it returns: out[i] = (x*zeta^2, y*zeta^3) where
// (x, y) = (2i+1)*P. hs is scratch of the same length as out. It costs no
// inversion. REQUIRES: P a point of the curve (of order n, as every point
// but infinity), 2 <= len(out) < n/2.
//
// Let D = 2P = (Xd, Yd, Zd). On the curve scaled by Zd, D is the affine
// point (Xd, Yd), so the odd multiples are a chain of mixed additions there,
// starting from P scaled by Zd. Each addition multiplies Z by its H, so a
// backward pass rescales every multiple to the last one's Z, Zl; they are
// then affine points of the curve scaled by zeta = Zd*Zl. The multiples are
// distinct and none is the opposite of D, so no addition meets a special
// case.
func oddMultiples(out []affine, hs []fe, px, py *fe) (zeta fe) {
	d := jacobian{x: *px, y: *py, z: fe{1}}
	d.double()
	var zd2, zd3 fe
	zd2.sqr(&d.z)
	zd3.mul(&zd2, &d.z)
	out[0].x.mul(px, &zd2)
	out[0].y.mul(py, &zd3)
	z := fe{1} // Z of out[i-1] on the curve scaled by Zd
	for i := 1; i < len(out); i++ {
		prev, cur := &out[i-1], &out[i]
		var z2, u2, s2, h, r, hh, hhh, v, t fe
		z2.sqr(&z)
		u2.mul(&d.x, &z2)
		s2.mul(&z2, &z)
		s2.mul(&s2, &d.y)
		h.sub(&u2, &prev.x)
		r.sub(&s2, &prev.y)
		hh.sqr(&h)
		hhh.mul(&hh, &h)
		v.mul(&prev.x, &hh)
		cur.x.sqr(&r)
		cur.x.sub(&cur.x, &hhh)
		t.add(&v, &v)
		cur.x.sub(&cur.x, &t)
		t.sub(&v, &cur.x)
		t.mul(&t, &r)
		hhh.mul(&hhh, &prev.y)
		cur.y.sub(&t, &hhh)
		z.mul(&z, &h)
		hs[i] = h
	}
	// out[i] has Z = h1*...*hi; multiply it by rho = h(i+1)*...*hl.
	var rho, rho2, rho3 fe
	for i := len(out) - 2; i >= 0; i-- {
		if i == len(out)-2 {
			rho = hs[i+1]
		} else {
			rho.mul(&rho, &hs[i+1])
		}
		rho2.sqr(&rho)
		rho3.mul(&rho2, &rho)
		out[i].x.mul(&out[i].x, &rho2)
		out[i].y.mul(&out[i].y, &rho3)
	}
	zeta.mul(&d.z, &z)
	return zeta
}
