package types_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/types"
)

// compareCases returns pairs of equal length that differ, if at all, at every
// byte position (both ways round, by one and by the whole range), plus
// random pairs that share prefixes of every length.
func compareCases(rng *rand.Rand, n int) [][2][]byte {
	var out [][2][]byte
	zero, ones := make([]byte, n), bytes.Repeat([]byte{0xff}, n)
	out = append(out, [2][]byte{zero, zero}, [2][]byte{ones, ones}, [2][]byte{zero, ones})
	for i := range n {
		a, b := make([]byte, n), make([]byte, n)
		b[i] = 1
		out = append(out, [2][]byte{a, b}, [2][]byte{b, a})
		c := bytes.Clone(ones)
		c[i] = 0
		out = append(out, [2][]byte{c, ones}, [2][]byte{ones, c})
	}
	for range 2000 {
		a := make([]byte, n)
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		b := bytes.Clone(a)
		if p := rng.IntN(n + 1); p < n {
			for i := p; i < n; i++ {
				b[i] = byte(rng.Uint32())
			}
		}
		out = append(out, [2][]byte{a, b})
	}
	return out
}

func TestAddressCompare(t *testing.T) {
	seed := uint64(20)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, c := range compareCases(rng, types.AddressLength) {
		a, b := types.Address(c[0]), types.Address(c[1])
		if got, want := a.Compare(&b), bytes.Compare(c[0], c[1]); got != want {
			t.Fatalf("%s.Compare(%s) = %d, want %d", a, b, got, want)
		}
		if got, want := b.Compare(&a), bytes.Compare(c[1], c[0]); got != want {
			t.Fatalf("%s.Compare(%s) = %d, want %d", b, a, got, want)
		}
	}
}

func TestHashCompare(t *testing.T) {
	seed := uint64(32)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, c := range compareCases(rng, types.HashLength) {
		a, b := types.Hash(c[0]), types.Hash(c[1])
		if got, want := a.Compare(&b), bytes.Compare(c[0], c[1]); got != want {
			t.Fatalf("%s.Compare(%s) = %d, want %d", a, b, got, want)
		}
	}
}

// compareSink keeps the compiler from dropping the comparisons measured.
var compareSink int

func TestCompareAllocs(t *testing.T) {
	addrs := []types.Address{{1}, {1, 19: 2}}
	hashes := []types.Hash{{1}, {1, 31: 2}}
	if n := testing.AllocsPerRun(100, func() { compareSink += addrs[0].Compare(&addrs[1]) }); n != 0 {
		t.Fatalf("Address.Compare allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { compareSink += hashes[1].Compare(&hashes[0]) }); n != 0 {
		t.Fatalf("Hash.Compare allocates %v times", n)
	}
}
