package secp256k1

import "sync"

// gWindow is the wNAF width of the generator's two halves. The table holds
// the 2^(gWindow-2) odd multiples G, 3G, ..., (2^(gWindow-1)-1)G; lambda*G's
// multiples are the same points with x times beta, computed when used.
// Wider windows save additions (about 2*128/(w+1) of them per recovery)
// at the cost of a larger table to build and to keep in cache. At most 15
// (wnaf.set).
const (
	gWindow    = 12
	gTableSize = 1 << (gWindow - 2)
)

// The generator G.
var (
	feGx = fe{0x59F2815B16F81798, 0x029BFCDB2DCE28D9, 0x55A06295CE870B07, 0x79BE667EF9DCBBAC}
	feGy = fe{0x9C47D08FFB10D4B8, 0xFD17B448A6855419, 0x5DA4FBFC0E1108A8, 0x483ADA7726A3C465}
)

// genTable is the generator's table, built on first use and read-only
// afterwards.
var genTable struct {
	once sync.Once
	pts  *[gTableSize]affine
}

// generatorTable returns the odd multiples of G, building them the first
// time. It is safe for concurrent use.
func generatorTable() *[gTableSize]affine {
	genTable.once.Do(func() { genTable.pts = buildGeneratorTable() })
	return genTable.pts
}

// buildGeneratorTable computes the odd multiples of G as affine points of
// the curve itself, normalized, with one inversion.
func buildGeneratorTable() *[gTableSize]affine {
	t := new([gTableSize]affine)
	zeta := oddMultiples(t[:], make([]fe, gTableSize), &feGx, &feGy)
	var zi, zi2, zi3 fe
	zi.inv(&zeta)
	zi2.sqr(&zi)
	zi3.mul(&zi2, &zi)
	for i := range t {
		t[i].x.mul(&t[i].x, &zi2)
		t[i].y.mul(&t[i].y, &zi3)
		t[i].x.normalize()
		t[i].y.normalize()
	}
	return t
}
