package keccak_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/internal/keccak"
)

// sumManyPaths is every way to hash a batch: SumMany itself and the
// internal paths it chooses between.
func sumManyPaths() map[string]func([][32]byte, [][]byte) {
	m := map[string]func([][32]byte, [][]byte){"SumMany": keccak.SumMany}
	for name, f := range keccak.SumManyPaths {
		m[name] = f
	}
	return m
}

// checkBatch hashes in through every path into an out longer than in and
// compares each hash with Sum256 and x/crypto; the extra entries of out
// must be left alone.
func checkBatch(t *testing.T, in [][]byte) {
	t.Helper()
	want := make([][32]byte, len(in))
	for i, p := range in {
		want[i] = keccak.Sum256(p)
		if x := slowSum256(p); x != want[i] {
			t.Fatalf("Sum256(%x) = %x, x/crypto says %x", p, want[i], x)
		}
	}
	for name, sum := range sumManyPaths() {
		out := make([][32]byte, len(in)+2)
		sentinel := [32]byte{0xde, 0xad}
		for i := range out {
			out[i] = sentinel
		}
		sum(out, in)
		for i := range in {
			if out[i] != want[i] {
				t.Fatalf("%s: batch of %d (lengths %v): out[%d] = %x, want %x",
					name, len(in), lengths(in), i, out[i], want[i])
			}
		}
		for i := len(in); i < len(out); i++ {
			if out[i] != sentinel {
				t.Fatalf("%s: batch of %d wrote out[%d]", name, len(in), i)
			}
		}
	}
}

func lengths(in [][]byte) []int {
	n := make([]int, len(in))
	for i, p := range in {
		n[i] = len(p)
	}
	return n
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestSumMany checks every path on batches of 0 to 40 inputs: every length
// from 0 to 300 at least once, random lengths up to 700, batches of one
// block count and of mixed ones, duplicated inputs, and inputs that
// overlap in one buffer.
func TestSumMany(t *testing.T) {
	rng := newRand(t)
	t.Logf("vector path: %v, minimum busy slots: %d", keccak.Vector8, keccak.MinSlots)

	// Every length 0..300, shuffled, in batches of random sizes.
	var all [][]byte
	for n := 0; n <= 300; n++ {
		all = append(all, randomBytes(rng, n))
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for len(all) > 0 {
		k := min(len(all), rng.IntN(41))
		checkBatch(t, all[:k])
		all = all[k:]
	}

	for size := 0; size <= 40; size++ {
		for range 8 {
			var in [][]byte
			switch rng.IntN(4) {
			case 0: // random lengths, mixed block counts
				for range size {
					in = append(in, randomBytes(rng, rng.IntN(701)))
				}
			case 1: // one block count
				blocks := rng.IntN(5)
				for range size {
					in = append(in, randomBytes(rng, blocks*keccak.BlockSize+rng.IntN(keccak.BlockSize)))
				}
			case 2: // duplicates of a few inputs
				var pool [][]byte
				for range 1 + rng.IntN(3) {
					pool = append(pool, randomBytes(rng, rng.IntN(701)))
				}
				for range size {
					in = append(in, pool[rng.IntN(len(pool))])
				}
			case 3: // overlapping windows of one buffer
				buf := randomBytes(rng, 1000)
				for range size {
					i := rng.IntN(len(buf) + 1)
					j := i + rng.IntN(len(buf)-i+1)
					in = append(in, buf[i:j])
				}
			}
			checkBatch(t, in)
		}
	}

	// One long input among short ones keeps a slot busy long after
	// the others; a long input last is left to finish alone.
	long := randomBytes(rng, 20*keccak.BlockSize+7)
	for pos := range 12 {
		var in [][]byte
		for range 11 {
			in = append(in, randomBytes(rng, rng.IntN(140)))
		}
		in = slices.Insert(in, pos, long)
		checkBatch(t, in)
	}
}

// FuzzSumMany cuts the fuzz input into pieces at the offsets in cuts (two
// bytes each) and hashes the pieces as one batch.
func FuzzSumMany(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add(pattern(1000), []byte{0, 10, 0, 20, 0, 200, 1, 100, 2, 0})
	f.Add(pattern(1200), []byte{0, 136, 1, 16, 1, 152, 2, 32, 2, 168, 3, 48, 3, 184, 4, 64, 4, 200})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		if len(data) > 1<<16 || len(cuts) > 200 {
			return
		}
		var in [][]byte
		prev := 0
		for len(cuts) >= 2 {
			c := min(int(cuts[0])<<8|int(cuts[1]), len(data))
			cuts = cuts[2:]
			lo, hi := min(prev, c), max(prev, c)
			in = append(in, data[lo:hi])
			prev = c
		}
		in = append(in, data[prev:])
		for name, sum := range sumManyPaths() {
			out := make([][32]byte, len(in))
			sum(out, in)
			for i, p := range in {
				if want := keccak.Sum256(p); out[i] != want {
					t.Fatalf("%s: out[%d] = %x, want Sum256(%x) = %x", name, i, out[i], p, want)
				}
			}
		}
	})
}

func TestSumManyNoAllocs(t *testing.T) {
	rng := newRand(t)
	in := make([][]byte, 64)
	for i := range in {
		in[i] = randomBytes(rng, rng.IntN(600))
	}
	out := make([][32]byte, len(in))
	for name, sum := range sumManyPaths() {
		for _, k := range []int{1, 2, 7, 8, 9, 64} {
			if a := testing.AllocsPerRun(20, func() { sum(out, in[:k]) }); a != 0 {
				t.Errorf("%s on %d inputs allocates %v times", name, k, a)
			}
		}
	}
}

// BenchmarkSumMany hashes batches of 64 inputs of one length through
// SumMany and through Sum256 one by one.
func BenchmarkSumMany(b *testing.B) {
	for _, n := range []int{100, 532} {
		in := make([][]byte, 64)
		for i := range in {
			in[i] = pattern(n + i%7) // distinct inputs, same block count
			in[i] = in[i][:n]
			in[i][0] = byte(i)
		}
		out := make([][32]byte, len(in))
		for _, impl := range []struct {
			name string
			sum  func([][32]byte, [][]byte)
		}{
			{"many", keccak.SumMany},
			{"one", func(out [][32]byte, in [][]byte) {
				for i, p := range in {
					out[i] = keccak.Sum256(p)
				}
			}},
		} {
			b.Run(fmt.Sprintf("size=%d/impl=%s", n, impl.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.sum(out, in)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(len(in)*b.N), "ns/hash")
			})
		}
	}
}

// BenchmarkSumManyTail measures the choice of MinSlots: batches of k
// one-block inputs one at a time against eight-way steps with only k slots
// busy.
func BenchmarkSumManyTail(b *testing.B) {
	for _, k := range []int{1, 2, 3, 4} {
		in := make([][]byte, k)
		for i := range in {
			in[i] = pattern(100)
		}
		out := make([][32]byte, k)
		for _, name := range []string{"one", "slots/avx512/min=1"} {
			sum, ok := keccak.SumManyPaths[name]
			if !ok {
				b.Skipf("no path %s on this CPU", name)
			}
			b.Run(fmt.Sprintf("k=%d/impl=%s", k, name), func(b *testing.B) {
				for b.Loop() {
					sum(out, in)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(k*b.N), "ns/hash")
			})
		}
	}
}
