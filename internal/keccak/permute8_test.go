package keccak_test

import (
	"testing"

	"github.com/balexec/balexec/internal/keccak"
)

// TestAbsorbPermute8 holds every eight-way step to eight separate runs
// of the scalar permutation and of the reference. With a zero block and
// every state kept, the step is the bare permutation: on the zero state, on
// states with one bit set, and on random states. With random blocks and
// masks, each state must be absorbed into (or started from zero) as the
// mask says.
func TestAbsorbPermute8(t *testing.T) {
	rng := newRand(t)
	type step struct {
		s    [25][8]uint64
		blk  [17][8]uint64
		keep uint8
	}
	var steps []step
	steps = append(steps, step{keep: 0xff})
	for bit := range 25 * 64 {
		var s [25][8]uint64
		s[bit/64][bit%8] = 1 << (bit % 64) // the bit lands in every column in turn
		steps = append(steps, step{s: s, keep: 0xff})
	}
	for k := range 600 {
		var st step
		for i := range st.s {
			for j := range st.s[i] {
				st.s[i][j] = rng.Uint64()
			}
		}
		st.keep = 0xff
		if k%2 == 1 {
			for i := range st.blk {
				for j := range st.blk[i] {
					st.blk[i][j] = rng.Uint64()
				}
			}
			st.keep = uint8(rng.Uint32())
		}
		steps = append(steps, st)
	}
	for name, step8 := range keccak.AbsorbPermutations8 {
		t.Logf("testing eight-way step %q", name)
		for _, st := range steps {
			got := st.s
			blk := st.blk
			step8(&got, &blk, st.keep)
			if blk != st.blk {
				t.Fatalf("%s changed the block", name)
			}
			for j := range 8 {
				var col [25]uint64
				if st.keep>>j&1 == 1 {
					for i := range col {
						col[i] = st.s[i][j]
					}
				}
				for i := range blk {
					col[i] ^= blk[i][j]
				}
				want := col
				keccak.Permute(&want)
				ref := col
				refPermute(&ref)
				if want != ref {
					t.Fatalf("scalar permutation disagrees with the reference on %016x", col)
				}
				for i := range want {
					if got[i][j] != want[i] {
						t.Fatalf("%s: keep %08b: state %d: lane %d = %016x, want %016x (permuted %016x)",
							name, st.keep, j, i, got[i][j], want[i], col)
					}
				}
			}
		}
	}
}

// BenchmarkPermute8 times one eight-way step (a zero block, every state
// kept): eight permutations.
func BenchmarkPermute8(b *testing.B) {
	for name, step8 := range keccak.AbsorbPermutations8 {
		b.Run("impl="+name, func(b *testing.B) {
			b.ReportAllocs()
			var s [25][8]uint64
			var blk [17][8]uint64
			for b.Loop() {
				step8(&s, &blk, 0xff)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(8*b.N), "ns/perm")
		})
	}
}
