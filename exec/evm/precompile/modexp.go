package precompile

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
)

// MODEXP (0x05) computes base^exp mod mod (EIP-198). The input is a 96-byte
// header of three 32-byte big-endian lengths (base, exponent, modulus)
// followed by the three operands; everything is read as if the input were
// followed by infinitely many zero bytes.
//
// Three pricings exist: EIP-198 (Byzantium to Muir Glacier), EIP-2565
// (Berlin to Prague) and EIP-7883 (Osaka on). Osaka also caps each length at
// 1024 bytes (EIP-7823): a larger length makes Run fail.
//
// # Gas bombs
//
// Gas reads only the header and at most 32 bytes of the exponent, never
// allocates, and saturates: a length field of 2^256-1 prices at
// math.MaxUint64 (or at the minimum when base and modulus are both empty,
// since then nothing is computed). In Run, an operand cut short by the end of
// the input is padded with zeros; since the modulus comes last, a non-zero
// modulus implies that base and exponent are wholly present, so only the
// modulus is ever padded and the exponent's bit count is bounded by the
// input. Without the EIP-7823 cap, Run refuses input whose Gas exceeds
// MaxModexpRunGas, which bounds the modulus to a few megabytes even for a
// caller that skipped the gas check.
type modexp struct {
	pricing     modexpPricing
	lengthLimit bool // EIP-7823
}

type modexpPricing uint8

const (
	pricingEIP198 modexpPricing = iota
	pricingEIP2565
	pricingEIP7883
)

const (
	modexpHeaderLen   = 96
	modexpLengthLimit = 1024 // EIP-7823

	// MaxModexpRunGas bounds the price of a MODEXP input that Run will
	// execute when no EIP-7823 length cap applies. It is far above any gas a
	// call can carry (2^36 is about 4,000 times the EIP-7825 transaction cap
	// and 1,000 times any block gas limit in use), so it never changes the
	// result of a paid call. At this price the modulus is at most a few
	// megabytes.
	MaxModexpRunGas = 1 << 36
)

func (c *modexp) Name() string { return "MODEXP" }

// headerWord returns the i-th 32-byte header word as a uint64, and whether it
// did not fit (then the value is math.MaxUint64).
func headerWord(input []byte, i int) (uint64, bool) {
	var w [32]byte
	if off := 32 * i; off < len(input) {
		copy(w[:], input[off:])
	}
	if binary.BigEndian.Uint64(w[0:8])|binary.BigEndian.Uint64(w[8:16])|binary.BigEndian.Uint64(w[16:24]) != 0 {
		return math.MaxUint64, true
	}
	return binary.BigEndian.Uint64(w[24:32]), false
}

func modexpLengths(input []byte) (baseLen, expLen, modLen uint64, overflow bool) {
	baseLen, o1 := headerWord(input, 0)
	expLen, o2 := headerWord(input, 1)
	modLen, o3 := headerWord(input, 2)
	return baseLen, expLen, modLen, o1 || o2 || o3
}

// operand returns the bytes of the operand at [off, off+n) that are present
// in data (a prefix of the operand; the rest is implicit zeros).
func operand(data []byte, off, n uint64) []byte {
	if off >= uint64(len(data)) {
		return nil
	}
	rest := data[off:]
	if n < uint64(len(rest)) {
		rest = rest[:n]
	}
	return rest
}

// expHeadBitLen returns the bit length of the first min(expLen, 32) bytes of
// the exponent, read as a big-endian integer.
func expHeadBitLen(data []byte, baseLen, expLen uint64) int {
	n := min(expLen, 32)
	head := operand(data, baseLen, n)
	for i, b := range head {
		if b != 0 {
			return 8*(int(n)-1-i) + bits.Len8(b)
		}
	}
	return 0
}

// Gas implements Contract.
func (c *modexp) Gas(input []byte) uint64 {
	baseLen, expLen, modLen, _ := modexpLengths(input)
	var data []byte
	if len(input) > modexpHeaderLen {
		data = input[modexpHeaderLen:]
	}
	headBits := expHeadBitLen(data, baseLen, expLen)
	return modexpGas(c.pricing, baseLen, expLen, modLen, headBits)
}

// modexpGas prices a MODEXP call from its (saturated) lengths and the bit
// length of the exponent's first 32 bytes.
func modexpGas(p modexpPricing, baseLen, expLen, modLen uint64, headBits int) uint64 {
	x := max(baseLen, modLen)
	var mult, multiplier uint64
	switch p {
	case pricingEIP198:
		mult, multiplier = multComplexityEIP198(x), 8
	case pricingEIP2565:
		mult, multiplier = multComplexityEIP2565(x), 8
	default:
		mult, multiplier = multComplexityEIP7883(x), 16
	}
	if mult == math.MaxUint64 {
		return math.MaxUint64
	}
	iter := iterationCount(expLen, headBits, multiplier)
	hi, gas := bits.Mul64(iter, mult)
	if hi != 0 {
		return math.MaxUint64
	}
	switch p {
	case pricingEIP198:
		return gas / 20
	case pricingEIP2565:
		return max(gas/3, 200)
	default:
		return max(gas, 500)
	}
}

// iterationCount is EIP-198's adjusted exponent length, at least 1:
// multiplier*(expLen-32) for the bytes past the first 32, plus the index of
// the highest set bit of the first 32 bytes. Saturates.
func iterationCount(expLen uint64, headBits int, multiplier uint64) uint64 {
	var n uint64
	if expLen > 32 {
		hi, lo := bits.Mul64(expLen-32, multiplier)
		if hi != 0 {
			return math.MaxUint64
		}
		n = lo
	}
	if headBits > 0 {
		sum, carry := bits.Add64(n, uint64(headBits-1), 0)
		if carry != 0 {
			return math.MaxUint64
		}
		n = sum
	}
	return max(n, 1)
}

// multComplexityEIP198: x² for x ≤ 64, x²/4 + 96x − 3072 for x ≤ 1024,
// x²/16 + 480x − 199680 beyond. Saturates.
func multComplexityEIP198(x uint64) uint64 {
	switch {
	case x <= 64:
		return x * x
	case x <= 1024:
		return x*x/4 + 96*x - 3072
	}
	hi, sq := bits.Mul64(x, x)
	if hi != 0 {
		return math.MaxUint64
	}
	// x < 2^32 here, so 480x cannot overflow and 480x > 199680.
	sum, carry := bits.Add64(sq/16, 480*x-199680, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return sum
}

// multComplexityEIP2565: ceil(x/8)². Saturates.
func multComplexityEIP2565(x uint64) uint64 {
	words := x/8 + min(x%8, 1)
	hi, lo := bits.Mul64(words, words)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// multComplexityEIP7883: 16 for x ≤ 32, else 2·ceil(x/8)². Saturates.
func multComplexityEIP7883(x uint64) uint64 {
	if x <= 32 {
		return 16
	}
	m := multComplexityEIP2565(x)
	if m > math.MaxUint64/2 {
		return math.MaxUint64
	}
	return 2 * m
}

// Run implements Contract.
func (c *modexp) Run(input []byte) ([]byte, error) {
	baseLen, expLen, modLen, overflow := modexpLengths(input)
	if c.lengthLimit && (overflow || max(baseLen, expLen, modLen) > modexpLengthLimit) {
		return nil, ErrModexpLengthLimit
	}
	if baseLen == 0 && modLen == 0 {
		return []byte{}, nil
	}
	if !c.lengthLimit && c.Gas(input) > MaxModexpRunGas {
		return nil, ErrModexpRunLimit
	}
	// From here modLen is at most a few megabytes (EIP-7823 or the run cap).
	var data []byte
	if len(input) > modexpHeaderLen {
		data = input[modexpHeaderLen:]
	}
	out := make([]byte, modLen)
	var mod big.Int
	modBytes := operand(data, baseLen+expLen, modLen)
	mod.SetBytes(modBytes)
	if mod.Sign() == 0 {
		return out, nil // modulus zero: the result is zero by definition
	}
	if missing := modLen - uint64(len(modBytes)); missing > 0 {
		mod.Lsh(&mod, uint(8*missing)) // right-padded with zero bytes
	}
	if mod.BitLen() == 1 { // mod == 1: everything is 0
		return out, nil
	}
	// The modulus is (at least partly) present, so base and exponent are
	// wholly present: no padding, and the exponent is bounded by the input.
	var base, exp, r big.Int
	base.SetBytes(operand(data, 0, baseLen))
	expBytes := operand(data, baseLen, expLen)
	switch {
	case base.BitLen() == 1: // base == 1
		r.SetUint64(1)
	case mod.BitLen() <= 64:
		// One-word modulus: native arithmetic, several times faster than
		// math/big at this size, which matters for the cheapest (and so the
		// most repeated) calls.
		base.Mod(&base, &mod)
		v := modexpWord(base.Uint64(), expBytes, mod.Uint64())
		for i := 0; i < 8 && i < len(out); i++ {
			out[len(out)-1-i] = byte(v >> (8 * i))
		}
		return out, nil
	default:
		exp.SetBytes(expBytes)
		r.Exp(&base, &exp, &mod)
	}
	r.FillBytes(out)
	return out, nil
}

// modexpWord returns b^e mod m for b < m and 2 ≤ m < 2^64, where e is a
// big-endian exponent. Odd moduli use Montgomery multiplication (R = 2^64).
// An even modulus m = q·2^k (q odd) is split as math/big does: the power is
// taken modulo 2^k with wrapping multiplication and modulo q in Montgomery
// form, and the two are joined by the Chinese remainder theorem.
func modexpWord(b uint64, e []byte, m uint64) uint64 {
	if m&1 == 1 {
		return montExpWord(b, e, m)
	}
	k := bits.TrailingZeros64(m)
	q := m >> k
	mask := uint64(1)<<k - 1
	// c = b^e mod 2^k.
	c := uint64(1)
	for _, byt := range e {
		for i := 7; i >= 0; i-- {
			c *= c
			if byt>>uint(i)&1 == 1 {
				c *= b
			}
		}
	}
	c &= mask
	if q == 1 {
		return c
	}
	a := montExpWord(b%q, e, q) // b^e mod q
	// r = a + q·((c − a)·q⁻¹ mod 2^k) is < q·2^k = m and satisfies both
	// congruences.
	t := ((c - a) * inverseWord(q)) & mask
	return a + q*t
}

// inverseWord returns x⁻¹ mod 2^64 for odd x, by Newton iteration: x·x ≡ 1
// (mod 8) gives three correct bits and each step doubles them.
func inverseWord(x uint64) uint64 {
	inv := x
	for range 5 {
		inv *= 2 - x*inv
	}
	return inv
}

// montExpWord is modexpWord for odd m, in Montgomery form.
func montExpWord(b uint64, e []byte, m uint64) uint64 {
	negInv := -inverseWord(m)
	one := bits.Rem64(1, 0, m) // R mod m
	bm := bits.Rem64(b, 0, m)  // b·R mod m
	r := one
	for _, byt := range e {
		for i := 7; i >= 0; i-- {
			hi, lo := bits.Mul64(r, r)
			r = redcWord(hi, lo, m, negInv)
			if byt>>uint(i)&1 == 1 {
				hi, lo = bits.Mul64(r, bm)
				r = redcWord(hi, lo, m, negInv)
			}
		}
	}
	return redcWord(0, r, m, negInv)
}

// redcWord returns (hi·2^64 + lo)·2^-64 mod m for hi·2^64 + lo < m·2^64,
// where negInv = −m⁻¹ mod 2^64 (Montgomery reduction).
func redcWord(hi, lo, m, negInv uint64) uint64 {
	q := lo * negInv
	qmHi, qmLo := bits.Mul64(q, m)
	_, carry := bits.Add64(lo, qmLo, 0) // the low word cancels to zero
	t, carry2 := bits.Add64(hi, qmHi, carry)
	if carry2 != 0 || t >= m {
		t -= m
	}
	return t
}
