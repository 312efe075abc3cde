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
// REQUIRES: 2 <= w <= 16.
func (x *wnaf) set(h *half, w uint) {
	x.digits = [wnafMax]int16{}
	x.n = 0
	k := h.mag
	pos := 0
	for k[0]|k[1]|k[2] != 0 {
		if k[0]&1 == 0 {
			s := uint(bits.TrailingZeros64(k[0])) // 64 when k[0] is 0
			k = shr192(k, s)
			pos += int(s)
			continue
		}
		d := int64(k[0] & (1<<w - 1))
		if d >= 1<<(w-1) {
			d -= 1 << w
		}
		// k -= d clears the low w bits of k.
		var c uint64
		if d > 0 {
			k[0], c = bits.Sub64(k[0], uint64(d), 0)
			k[1], c = bits.Sub64(k[1], 0, c)
			k[2] -= c
		} else {
			k[0], c = bits.Add64(k[0], uint64(-d), 0)
			k[1], c = bits.Add64(k[1], 0, c)
			k[2] += c
		}
		if h.neg {
			d = -d
		}
		x.digits[pos] = int16(d)
		x.n = pos + 1
		k = shr192(k, w)
		pos += int(w)
	}
}

// shr192 returns k >> s for 1 <= s <= 64.
func shr192(k [3]uint64, s uint) [3]uint64 {
	if s == 64 {
		return [3]uint64{k[1], k[2], 0}
	}
	return [3]uint64{k[0]>>s | k[1]<<(64-s), k[1]>>s | k[2]<<(64-s), k[2] >> s}
}
