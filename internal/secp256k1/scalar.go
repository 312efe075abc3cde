package secp256k1

import (
	"encoding/binary"
	"math/bits"
)

// scalar is an integer mod n, the order of the group, held as four 64-bit
// limbs, least significant first, always fully reduced (below n). All
// operations are safe when the output aliases an input.
type scalar [4]uint64

// scN is the group order n.
var scN = scalar{0xBFD25E8CD0364141, 0xBAAEDCE6AF48A03B, 0xFFFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFFF}

// scC is 2^256 - n (129 bits), what a carry out of 2^256 is worth mod n.
var scC = [3]uint64{0x402DA1732FC9BEBF, 0x4551231950B75FC4, 1}

// modN is n in the form modulus.inverse needs.
var modN = newModulus([4]uint64(scN))

// setBytes sets z to the big-endian value b reduced mod n and reports
// whether b was n or more.
func (z *scalar) setBytes(b *[32]byte) (overflow bool) {
	z[3] = binary.BigEndian.Uint64(b[0:8])
	z[2] = binary.BigEndian.Uint64(b[8:16])
	z[1] = binary.BigEndian.Uint64(b[16:24])
	z[0] = binary.BigEndian.Uint64(b[24:32])
	return z.subNIfAtLeast()
}

// subNIfAtLeast subtracts n from z if z >= n (z < 2^256 < 2n, so once is
// enough) and reports whether it did.
func (z *scalar) subNIfAtLeast() bool {
	t0, b := bits.Sub64(z[0], scN[0], 0)
	t1, b := bits.Sub64(z[1], scN[1], b)
	t2, b := bits.Sub64(z[2], scN[2], b)
	t3, b := bits.Sub64(z[3], scN[3], b)
	if b != 0 {
		return false
	}
	*z = scalar{t0, t1, t2, t3}
	return true
}

func (z *scalar) isZero() bool { return z[0]|z[1]|z[2]|z[3] == 0 }

// neg sets z = -x mod n.
func (z *scalar) neg(x *scalar) {
	if x.isZero() {
		*z = scalar{}
		return
	}
	t0, b := bits.Sub64(scN[0], x[0], 0)
	t1, b := bits.Sub64(scN[1], x[1], b)
	t2, b := bits.Sub64(scN[2], x[2], b)
	t3, _ := bits.Sub64(scN[3], x[3], b)
	*z = scalar{t0, t1, t2, t3}
}

// inv sets z = 1/x mod n (0 for x = 0), in variable time.
func (z *scalar) inv(x *scalar) {
	*z = modN.inverse((*[4]uint64)(x))
}

// mul sets z = x * y mod n.
func (z *scalar) mul(x, y *scalar) {
	t := mul512((*[4]uint64)(x), (*[4]uint64)(y))
	// Fold the high half: t = lo + hi*2^256 = lo + hi*scC (mod n). Each
	// pass shrinks hi by 127 bits, so three passes leave it 0.
	for t[4]|t[5]|t[6]|t[7] != 0 {
		var u [8]uint64
		copy(u[:4], t[:4])
		for i := range 4 {
			var carry uint64
			for j := range 3 {
				h, l := bits.Mul64(t[4+i], scC[j])
				var c uint64
				u[i+j], c = bits.Add64(u[i+j], l, 0)
				h += c
				u[i+j], c = bits.Add64(u[i+j], carry, 0)
				carry = h + c
			}
			for k := i + 3; carry != 0 && k < 8; k++ {
				u[k], carry = bits.Add64(u[k], carry, 0)
			}
		}
		t = u
	}
	*z = scalar{t[0], t[1], t[2], t[3]}
	z.subNIfAtLeast()
}

// mul512 returns the full product x*y, least significant limb first.
func mul512(x, y *[4]uint64) [8]uint64 {
	var t [8]uint64
	for i := range 4 {
		var carry uint64
		for j := range 4 {
			h, l := bits.Mul64(x[i], y[j])
			var c uint64
			l, c = bits.Add64(l, carry, 0)
			h += c
			t[i+j], c = bits.Add64(t[i+j], l, 0)
			carry = h + c
		}
		t[i+4] = carry
	}
	return t
}
