package trie_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// BenchmarkTrieUpdateHash inserts 1000 random 32-byte keys with
// account-sized values into a fresh trie and hashes it; the metric is the
// cost per key.
func BenchmarkTrieUpdateHash(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(map[int]string{1000: "keys=1k", 10000: "keys=10k"}[n], func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			keys := make([][]byte, n)
			for i := range keys {
				h := types.Keccak256One(binary.BigEndian.AppendUint64(nil, rng.Uint64()))
				keys[i] = h[:]
			}
			val := bytes.Repeat([]byte{0x5a}, 70)
			b.ReportAllocs()
			for b.Loop() {
				tr := trie.NewEmpty()
				for _, k := range keys {
					tr.Update(k, val)
				}
				tr.Hash()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
	}
}

// BenchmarkTrieUpdateCommitted updates 200 keys of a committed 10k-key trie
// opened from a store, and commits: the incremental path of a block.
func BenchmarkTrieUpdateCommitted(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	store := trie.NewMemStore()
	tr := trie.NewSecureEmpty()
	val := bytes.Repeat([]byte{0x5a}, 70)
	for i := 0; i < 10000; i++ {
		tr.Update(binary.BigEndian.AppendUint64(nil, uint64(i)), val)
	}
	root, set := tr.Commit()
	store.Add(set)
	keys := make([][]byte, 200)
	for i := range keys {
		keys[i] = binary.BigEndian.AppendUint64(nil, rng.Uint64N(20000))
	}
	b.ReportAllocs()
	for b.Loop() {
		tr, _ := trie.NewSecure(root, store)
		for _, k := range keys {
			tr.Update(k, k)
		}
		tr.Commit()
	}
}

// BenchmarkOrderedRoot is the transactions root of 1000 items of 120 bytes.
func BenchmarkOrderedRoot(b *testing.B) {
	items := make([][]byte, 1000)
	for i := range items {
		items[i] = bytes.Repeat([]byte{byte(i)}, 120)
	}
	item := func(i int, dst []byte) []byte { return append(dst, items[i]...) }
	b.Run("items=1000", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(120 * 1000)
		for b.Loop() {
			trie.OrderedRoot(len(items), item)
		}
	})
}

// BenchmarkStackTrieUpdate is the cost of one Update of a 32-byte key with a
// 70-byte value, the root taken every 10000 keys.
func BenchmarkStackTrieUpdate(b *testing.B) {
	keys := sortedHashKeys(10000)
	val := bytes.Repeat([]byte{0x5a}, 70)
	var st trie.StackTrie
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		st.Update(keys[i], val)
		if i++; i == len(keys) {
			st.Hash()
			i = 0
		}
	}
}

// BenchmarkStateRoot computes the root of 5000 random accounts, half with
// up to 40 storage slots.
func BenchmarkStateRoot(b *testing.B) {
	accts := randomState(rand.New(rand.NewPCG(7, 7)), 5000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := trie.StateRoot(accts); err != nil {
			b.Fatal(err)
		}
	}
}
