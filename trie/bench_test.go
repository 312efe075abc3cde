package trie_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
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

// BenchmarkUpdateState applies a big block's updates to a committed state
// trie in a MemStore: what the state root of a 100M-gas block costs.
// transfers: 5,500 accounts, a fifth of them new, on a state of 50,000;
// storage: 50 senders and 4 contracts writing 250 fresh slots each (a
// block of bench's storage workload), on a state of 2,048 accounts.
func BenchmarkUpdateState(b *testing.B) {
	addr := func(i int) types.Address {
		var a types.Address
		binary.BigEndian.PutUint64(a[:], uint64(i)*0x9e3779b97f4a7c15)
		return a
	}
	account := func(i int, nonce uint64, balance uint64) state.AccountUpdate {
		return state.AccountUpdate{Address: addr(i), Nonce: nonce, Balance: *uint256.NewInt(balance), CodeHash: types.EmptyCodeHash}
	}
	cases := []struct {
		name      string
		stateSize int
		block     func(rng *rand.Rand, stateSize int) []state.AccountUpdate
	}{
		{"transfers", 50_000, func(rng *rand.Rand, stateSize int) []state.AccountUpdate {
			var block []state.AccountUpdate
			for i := range 5_500 {
				j := rng.IntN(stateSize)
				if i%5 == 0 {
					j = stateSize + i // new
				}
				block = append(block, account(j, 2, rng.Uint64()))
			}
			return block
		}},
		{"storage", 2_048, func(rng *rand.Rand, stateSize int) []state.AccountUpdate {
			var block []state.AccountUpdate
			for range 50 {
				block = append(block, account(rng.IntN(stateSize), 2, rng.Uint64()))
			}
			for c := range 4 {
				u := account(stateSize+c, 1, 0)
				for range 250 {
					var s state.SlotUpdate
					s.Key.SetUint64(rng.Uint64())
					s.Value.SetUint64(rng.Uint64() | 1)
					u.Storage = append(u.Storage, s)
				}
				slices.SortFunc(u.Storage, func(a, b state.SlotUpdate) int { return a.Key.Cmp(&b.Key) })
				block = append(block, u)
			}
			return block
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(9, 9))
			store := trie.NewMemStore()
			var genesis []state.AccountUpdate
			for i := range c.stateSize {
				genesis = append(genesis, account(i, 1, uint64(i)+1))
			}
			slices.SortFunc(genesis, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
			root, nodes, err := trie.UpdateState(types.EmptyRootHash, store, genesis)
			if err != nil {
				b.Fatal(err)
			}
			store.Add(nodes)
			block := c.block(rng, c.stateSize)
			slices.SortFunc(block, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
			block = slices.CompactFunc(block, func(a, b state.AccountUpdate) bool { return a.Address == b.Address })
			b.ReportAllocs()
			for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
				if _, _, err := trie.UpdateState(root, store, block); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(block)), "ns/account")
		})
	}
}
