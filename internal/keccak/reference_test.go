package keccak_test

import "math/bits"

// This file is the slow twin of the generated permutation: Keccak-f[1600]
// transcribed step by step from FIPS 202, section 3.2, over the state
// A[x][y] (lane x+5y), with the constants written out as tables.

// refRotations are rho's offsets r[x][y].
var refRotations = [5][5]int{
	{0, 36, 3, 41, 18},
	{1, 44, 10, 45, 2},
	{62, 6, 43, 15, 61},
	{28, 55, 25, 21, 56},
	{27, 20, 39, 8, 14},
}

// refRoundConstants are iota's RC for rounds 0..23.
var refRoundConstants = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
	0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
	0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

func refPermute(s *[25]uint64) {
	var a [5][5]uint64
	for x := range 5 {
		for y := range 5 {
			a[x][y] = s[x+5*y]
		}
	}
	for round := range 24 {
		// theta
		var c, d [5]uint64
		for x := range 5 {
			c[x] = a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4]
		}
		for x := range 5 {
			d[x] = c[(x+4)%5] ^ bits.RotateLeft64(c[(x+1)%5], 1)
		}
		for x := range 5 {
			for y := range 5 {
				a[x][y] ^= d[x]
			}
		}
		// rho and pi
		var b [5][5]uint64
		for x := range 5 {
			for y := range 5 {
				b[y][(2*x+3*y)%5] = bits.RotateLeft64(a[x][y], refRotations[x][y])
			}
		}
		// chi
		for x := range 5 {
			for y := range 5 {
				a[x][y] = b[x][y] ^ (^b[(x+1)%5][y] & b[(x+2)%5][y])
			}
		}
		// iota
		a[0][0] ^= refRoundConstants[round]
	}
	for x := range 5 {
		for y := range 5 {
			s[x+5*y] = a[x][y]
		}
	}
}

// refSum256 is Keccak-256 over refPermute: the sponge written the plain
// way, byte by byte into a padded message.
func refSum256(data []byte) [32]byte {
	const rate = 136
	msg := append([]byte(nil), data...)
	msg = append(msg, 0x01)
	for len(msg)%rate != 0 {
		msg = append(msg, 0)
	}
	msg[len(msg)-1] |= 0x80
	var s [25]uint64
	for ; len(msg) > 0; msg = msg[rate:] {
		for i := range rate {
			s[i/8] ^= uint64(msg[i]) << (8 * (i % 8))
		}
		refPermute(&s)
	}
	var out [32]byte
	for i := range out {
		out[i] = byte(s[i/8] >> (8 * (i % 8)))
	}
	return out
}
