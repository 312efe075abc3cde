package precompile_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/balexec/balexec/exec/evm/precompile"
)

// --- BLAKE2F against x/crypto/blake2b --------------------------------------

// blake2bSum512ViaF hashes msg with BLAKE2b-512 (no key) by chaining the
// package's compression function, exactly as RFC 7693 section 3.3 does.
func blake2bSum512ViaF(msg []byte) [64]byte {
	iv := [8]uint64{
		0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
		0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
	}
	h := iv
	h[0] ^= 0x01010000 ^ 64 // digest length 64, no key, fanout and depth 1
	var t uint64
	for {
		var block [128]byte
		n := copy(block[:], msg)
		msg = msg[n:]
		t += uint64(n)
		var m [16]uint64
		for i := range m {
			m[i] = binary.LittleEndian.Uint64(block[8*i:])
		}
		final := len(msg) == 0
		precompile.Blake2bF(&h, &m, t, 0, final, 12)
		if final {
			break
		}
	}
	var out [64]byte
	for i, v := range h {
		binary.LittleEndian.PutUint64(out[8*i:], v)
	}
	return out
}

func TestBlake2bFMatchesBlake2b(t *testing.T) {
	msg := make([]byte, 700)
	for i := range msg {
		msg[i] = byte(i*7 + 3)
	}
	for n := 0; n <= len(msg); n++ {
		if got, want := blake2bSum512ViaF(msg[:n]), blake2b.Sum512(msg[:n]); got != want {
			t.Fatalf("len %d: F-chained BLAKE2b-512 %x, want %x", n, got, want)
		}
	}
}

// TestBlake2FRunSingleBlock drives the contract itself through one final
// block and compares with BLAKE2b-512.
func TestBlake2FRunSingleBlock(t *testing.T) {
	c, _ := precompile.Osaka().Get(precompile.AddrBlake2F)
	for _, n := range []int{0, 1, 3, 64, 127, 128} {
		msg := bytes.Repeat([]byte{0xa5}, n)
		in := make([]byte, 213)
		binary.BigEndian.PutUint32(in[0:4], 12)
		h0 := [8]uint64{
			0x6a09e667f3bcc908 ^ 0x01010040, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
			0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
		}
		for i, v := range h0 {
			binary.LittleEndian.PutUint64(in[4+8*i:], v)
		}
		copy(in[68:196], msg)
		binary.LittleEndian.PutUint64(in[196:], uint64(n))
		in[212] = 1
		if g := c.Gas(in); g != 12 {
			t.Fatalf("gas %d, want 12", g)
		}
		out, err := c.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if want := blake2b.Sum512(msg); !bytes.Equal(out, want[:]) {
			t.Fatalf("len %d: %x, want %x", n, out, want)
		}
	}
}

// --- MODEXP against a naive big-integer model --------------------------------

// modexpModel is the slow twin of MODEXP: it materialises every operand with
// its zero padding and exponentiates bit by bit.
func modexpModel(input []byte) []byte {
	word := func(i int) uint64 {
		var w [32]byte
		if 32*i < len(input) {
			copy(w[:], input[32*i:])
		}
		return new(big.Int).SetBytes(w[:]).Uint64() // callers keep lengths small
	}
	bl, el, ml := word(0), word(1), word(2)
	if bl == 0 && ml == 0 {
		return []byte{}
	}
	padded := make([]byte, 96+bl+el+ml)
	copy(padded, input)
	data := padded[96:]
	base := new(big.Int).SetBytes(data[:bl])
	exp := new(big.Int).SetBytes(data[bl : bl+el])
	mod := new(big.Int).SetBytes(data[bl+el:])
	out := make([]byte, ml)
	if mod.Sign() == 0 {
		return out
	}
	r := big.NewInt(1)
	for i := exp.BitLen() - 1; i >= 0; i-- {
		r.Mul(r, r).Mod(r, mod)
		if exp.Bit(i) == 1 {
			r.Mul(r, base).Mod(r, mod)
		}
	}
	r.Mod(r, mod)
	return r.FillBytes(out)
}

// modexpGasModel prices with exact big integers for lengths below 2^32,
// where go-ethereum's saturating arithmetic never triggers.
func modexpGasModel(pricing string, input []byte) uint64 {
	word := func(i int) *big.Int {
		var w [32]byte
		if 32*i < len(input) {
			copy(w[:], input[32*i:])
		}
		return new(big.Int).SetBytes(w[:])
	}
	bl, el, ml := word(0), word(1), word(2)
	padded := make([]byte, 96+bl.Uint64()+32)
	copy(padded, input)
	n := min(el.Uint64(), 32)
	head := new(big.Int).SetBytes(padded[96+bl.Uint64() : 96+bl.Uint64()+n])
	x := new(big.Int).Set(bl)
	if ml.Cmp(x) > 0 {
		x.Set(ml)
	}
	mult := new(big.Int)
	words := new(big.Int).Div(new(big.Int).Add(x, big.NewInt(7)), big.NewInt(8))
	multiplier := int64(8)
	switch pricing {
	case "eip198":
		xx := new(big.Int).Mul(x, x)
		switch {
		case x.Cmp(big.NewInt(64)) <= 0:
			mult.Set(xx)
		case x.Cmp(big.NewInt(1024)) <= 0:
			mult.Div(xx, big.NewInt(4)).Add(mult, new(big.Int).Mul(x, big.NewInt(96))).Sub(mult, big.NewInt(3072))
		default:
			mult.Div(xx, big.NewInt(16)).Add(mult, new(big.Int).Mul(x, big.NewInt(480))).Sub(mult, big.NewInt(199680))
		}
	case "eip2565":
		mult.Mul(words, words)
	case "eip7883":
		multiplier = 16
		if x.Cmp(big.NewInt(32)) <= 0 {
			mult.SetInt64(16)
		} else {
			mult.Mul(words, words).Lsh(mult, 1)
		}
	}
	iter := new(big.Int)
	if el.Cmp(big.NewInt(32)) > 0 {
		iter.Sub(el, big.NewInt(32)).Mul(iter, big.NewInt(multiplier))
	}
	if head.BitLen() > 0 {
		iter.Add(iter, big.NewInt(int64(head.BitLen()-1)))
	}
	if iter.Sign() == 0 {
		iter.SetInt64(1)
	}
	gas := new(big.Int).Mul(iter, mult)
	switch pricing {
	case "eip198":
		gas.Div(gas, big.NewInt(20))
	case "eip2565":
		gas.Div(gas, big.NewInt(3))
		if gas.Cmp(big.NewInt(200)) < 0 {
			gas.SetInt64(200)
		}
	case "eip7883":
		if gas.Cmp(big.NewInt(500)) < 0 {
			gas.SetInt64(500)
		}
	}
	if !gas.IsUint64() {
		return math.MaxUint64
	}
	return gas.Uint64()
}

// modexpInput builds a MODEXP input with the given declared lengths and the
// operand bytes, truncated to present bytes (the rest is implicit zeros).
func modexpInput(bl, el, ml uint64, operands []byte) []byte {
	in := make([]byte, 96, 96+len(operands))
	binary.BigEndian.PutUint64(in[24:32], bl)
	binary.BigEndian.PutUint64(in[56:64], el)
	binary.BigEndian.PutUint64(in[88:96], ml)
	return append(in, operands...)
}

func checkModexpAgainstModel(t *testing.T, in []byte) {
	t.Helper()
	for _, v := range []struct {
		name string
		c    precompile.Contract
	}{{"eip198", precompile.ModexpByzantium}, {"eip2565", precompile.ModexpBerlin}, {"eip7883", precompile.ModexpOsaka}} {
		if g, want := v.c.Gas(in), modexpGasModel(v.name, in); g != want {
			t.Fatalf("%s: input %x: gas %d, model %d", v.name, in, g, want)
		}
		got, err := v.c.Run(in)
		if err != nil {
			t.Fatalf("%s: input %x: %v", v.name, in, err)
		}
		if want := modexpModel(in); !bytes.Equal(got, want) {
			t.Fatalf("%s: input %x:\n got %x\nwant %x", v.name, in, got, want)
		}
	}
}

func TestModexpAgainstModel(t *testing.T) {
	seed := uint64(20260101)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	small := []uint64{0, 1, 2, 7, 8, 9, 31, 32, 33, 64, 65, 100}
	for range 3000 {
		bl := small[rng.IntN(len(small))]
		el := small[rng.IntN(len(small))]
		ml := small[rng.IntN(len(small))]
		total := bl + el + ml
		// Present bytes: all, none, or a random prefix (the rest is zero
		// padding, including inside the exponent).
		var present uint64
		switch rng.IntN(3) {
		case 0:
			present = total
		case 1:
			present = 0
		default:
			present = rng.Uint64N(total + 1)
		}
		ops := make([]byte, present)
		for i := range ops {
			switch rng.IntN(4) {
			case 0:
				ops[i] = 0
			case 1:
				ops[i] = 0xff
			default:
				ops[i] = byte(rng.Uint32())
			}
		}
		// Sometimes force base 1, modulus 1 or exponent 0 corner cases.
		if rng.IntN(8) == 0 && bl > 0 && present >= bl {
			clear(ops[:bl])
			ops[bl-1] = 1
		}
		if rng.IntN(8) == 0 && ml > 0 && present == total {
			clear(ops[bl+el:])
			ops[total-1] = 1
		}
		checkModexpAgainstModel(t, modexpInput(bl, el, ml, ops))
	}
	// Long exponents (present in the input) and zero-padded moduli, over
	// one-word and multi-word moduli.
	for _, el := range []uint64{100, 1000, 5000} {
		for _, ml := range []uint64{5, 8, 9, 40} {
			ops := append([]byte{0x01, 0x02, 0x03}, bytes.Repeat([]byte{0x93}, int(el))...)
			ops = append(ops, 0x80, 0x01) // modulus cut short: the rest is zero padding
			in := modexpInput(3, el, ml, ops)
			for _, c := range []precompile.Contract{precompile.ModexpByzantium, precompile.ModexpBerlin} {
				got, err := c.Run(in)
				if err != nil {
					t.Fatal(err)
				}
				if want := modexpModel(in); !bytes.Equal(got, want) {
					t.Fatalf("expLen %d modLen %d: got %x want %x", el, ml, got, want)
				}
			}
		}
	}
}

// TestModexpOneWordModuli probes the native one-word path at the edges of
// the word: odd and even moduli up to 2^64-1, bases above the modulus, long
// exponents.
func TestModexpOneWordModuli(t *testing.T) {
	mods := []uint64{2, 3, 4, 5, 1 << 32, 1<<32 + 15, 1 << 63, 1<<63 + 1, math.MaxUint64 - 58, math.MaxUint64 - 1, math.MaxUint64}
	bases := [][]byte{{0}, {1}, {2}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, bytes.Repeat([]byte{0xab}, 40)}
	exps := [][]byte{{}, {0}, {1}, {2}, {0xff, 0xff}, bytes.Repeat([]byte{0x5a}, 33)}
	for _, m := range mods {
		mb := binary.BigEndian.AppendUint64(nil, m)
		for _, b := range bases {
			for _, e := range exps {
				for _, pad := range []uint64{0, 3} { // explicit zero bytes ending the exponent
					ops := append(append(bytes.Clone(b), e...), make([]byte, pad)...)
					ops = append(ops, mb...)
					checkModexpAgainstModel(t, modexpInput(uint64(len(b)), uint64(len(e))+pad, 8, ops))
				}
			}
		}
	}
}
