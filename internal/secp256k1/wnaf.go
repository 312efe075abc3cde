package secp256k1

import "math/bits"

// wnafMax bounds the length of a width-w NAF of a half (below 2^192): a
// digit sits at most one position above the top bit.
const wnafMax = 193

// wnaf is a width-w non-adjacent form: digits[i] is 0 or odd with
// |digits[i]| < 2^(w-1), any w consecutive digits hold at most one non-zero,
// and the value is the sum of digits[i]*2^i.
type wnaf struct {
	digits [wnafMax]int16
	n      int // one above the highest non-zero digit, 0 for the value 0
}

// set sets x to the width-w NAF of h (its sign applied to every digit).
// REQUIRES: 2 <= w <= 15.
//
// Each round skips the zero bits at the bottom of k, takes the odd window
// of w bits there as a digit d in (-2^(w-1), 2^(w-1)), and subtracts d,
// which clears the window, so the next w-1 digits are 0. The loop has one
// round per non-zero digit and no data-dependent branch besides its exit
// (and a rare whole-limb skip).
func (x *wnaf) set(h *half, w uint) {
	x.digits = [wnafMax]int16{}
	x.n = 0
	k0, k1, k2 := h.mag[0], h.mag[1], h.mag[2]
	sign := int64(0) // 0 or -1: digits are (d ^ sign) - sign
	if h.neg {
		sign = -1
	}
	w &= 15
	mask := uint64(1)<<w - 1
	pos := 0
	for {
		if k0 == 0 {
			if k1|k2 == 0 {
				return
			}
			k0, k1, k2 = k1, k2, 0
			pos += 64
			continue
		}
		s := uint(bits.TrailingZeros64(k0)) & 63
		// k >>= s; (k<<1)<<(63-s) is k<<(64-s) for every s < 64.
		k0 = k0>>s | (k1<<1)<<(63-s)
		k1 = k1>>s | (k2<<1)<<(63-s)
		k2 >>= s
		pos += int(s)
		// k is odd. d = k mod 2^w, minus 2^w if that is 2^(w-1) or
		// more; then k -= d, as a two's complement addition of -d.
		d := int64(k0&mask) - int64(k0>>(w-1)&1)<<w
		nd := uint64(-d)
		ext := uint64(int64(nd) >> 63)
		var c uint64
		k0, c = bits.Add64(k0, nd, 0)
		k1, c = bits.Add64(k1, ext, c)
		k2 += ext + c
		if pos < wnafMax {
			x.digits[pos] = int16((d ^ sign) - sign)
		}
		x.n = pos + 1
		// The low w bits of k are now 0.
		k0 = k0>>w | k1<<(64-w)
		k1 = k1>>w | k2<<(64-w)
		k2 >>= w
		pos += int(w)
	}
}
