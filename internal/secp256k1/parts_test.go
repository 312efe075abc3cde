package secp256k1

import "testing"

// BenchmarkParts times the pieces of a recovery, to see where its time
// goes: a recovery is one sqrt, one inversion mod n (invN), two splits,
// four wNAFs, one oddMultiples, at most 129 doublings and about 63 mixed
// additions, and one inversion mod p (invP).
func BenchmarkParts(b *testing.B) {
	s := benchSigs(b, 1)[0]
	var r, sc, e scalar
	r.setBytes((*[32]byte)(s.sig[:32]))
	sc.setBytes((*[32]byte)(s.sig[32:]))
	e.setBytes(&s.hash)
	x := fe(r)
	var y fe
	y.sqr(&x)
	y.mul(&y, &x)
	y.add(&y, &fe{7})
	y.sqrt(&y)
	var u1, u2, ri scalar
	ri.inv(&r)
	u1.mul(&e, &ri)
	u2.mul(&sc, &ri)
	generatorTable()
	b.Run("part=sqrt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t fe
			t.sqrt(&x)
		}
	})
	b.Run("part=invP", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t fe
			t.inv(&x)
		}
	})
	b.Run("part=invN", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t scalar
			t.inv(&r)
		}
	})
	b.Run("part=split", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			splitLambda(&u1)
		}
	})
	b.Run("part=wnaf", func(b *testing.B) {
		b.ReportAllocs()
		h, _ := splitLambda(&u1)
		var w wnaf
		for b.Loop() {
			w.set(&h, rWindow)
		}
	})
	b.Run("part=oddMultiples", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var pt [rTableSize]affine
			var hs [rTableSize]fe
			oddMultiples(pt[:], hs[:], &x, &y)
		}
	})
	b.Run("part=double", func(b *testing.B) {
		b.ReportAllocs()
		p := jacobian{x: x, y: y, z: fe{1}}
		for b.Loop() {
			p.double()
		}
	})
	b.Run("part=addAffine", func(b *testing.B) {
		b.ReportAllocs()
		p := jacobian{x: x, y: y, z: fe{1}}
		p.double()
		gt := generatorTable()
		for b.Loop() {
			p.addAffine(&gt[5].x, &gt[5].y)
		}
	})
	b.Run("part=ecmult", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ecmult(&u1, &u2, &x, &y)
		}
	})
	b.Run("part=recover", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			RecoverPubkey(&s.hash, &s.sig, s.recid)
		}
	})
}
