package trie_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// randomSet returns n nodes under random hashes (MemStore does not check
// them), each encoding naming its hash.
func randomSet(rng *rand.Rand, n int) map[types.Hash][]byte {
	set := make(map[types.Hash][]byte, n)
	for len(set) < n {
		var h types.Hash
		for i := range h {
			h[i] = byte(rng.Uint32())
		}
		set[h] = []byte(fmt.Sprintf("node %x", h))
	}
	return set
}

// splitSet returns the nodes of m as a NodeSet of several lists, as a
// block's commit makes (one per trie), with some nodes in it twice, in the
// same list and in another.
func splitSet(rng *rand.Rand, m map[types.Hash][]byte) trie.NodeSet {
	var (
		set  trie.NodeSet
		list []trie.Node
	)
	for h, enc := range m {
		list = append(list, trie.Node{Hash: h, Enc: enc})
		if rng.IntN(8) == 0 {
			list = append(list, list[rng.IntN(len(list))])
		}
		if rng.IntN(500) == 0 {
			set.Append(list...)
			list = []trie.Node{list[0]}
		}
	}
	set.Append(list...)
	return set
}

// TestNodeSet: Append keeps the lists in order, Len counts every entry, Map
// drops the repeats, and All stops when told, in any list.
func TestNodeSet(t *testing.T) {
	var s trie.NodeSet
	if s.Len() != 0 || len(s.Map()) != 0 {
		t.Fatal("zero set not empty")
	}
	for range s.All() {
		t.Fatal("zero set yields")
	}
	a, b, c := trie.Node{Hash: types.Hash{1}, Enc: []byte{1}}, trie.Node{Hash: types.Hash{2}, Enc: []byte{2}}, trie.Node{Hash: types.Hash{3}, Enc: []byte{3}}
	s.Append(a, b)
	s.Append()
	s.Append(a, c)
	var order []types.Hash
	for h := range s.All() {
		order = append(order, h)
	}
	if want := []types.Hash{a.Hash, b.Hash, a.Hash, c.Hash}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("All yields %v, want %v", order, want)
	}
	if s.Len() != 4 || len(s.Map()) != 3 {
		t.Fatalf("Len %d, Map %d nodes; want 4 and 3", s.Len(), len(s.Map()))
	}
	for _, stop := range []int{1, 2, 3} { // in the first list, at its end, in the second
		n := 0
		for range s.All() {
			if n++; n == stop {
				break
			}
		}
		if n != stop {
			t.Fatalf("All did not stop at %d: %d", stop, n)
		}
	}
}

// TestMemStoreAdd: after sets of every size (below and above the one from
// which Add stores on several goroutines, and overlapping ones), split into
// several lists with repeated nodes, every node
// reads back, the count is right, and a node never added is ErrMissingNode;
// readers running beside Add see each node either absent or whole.
func TestMemStoreAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	s := trie.NewMemStore()
	all := map[types.Hash][]byte{}
	for _, n := range []int{0, 1, 100, 1023, 1024, 4096, 20000} {
		set := randomSet(rng, n)
		// A node already stored, added again with the same encoding.
		for h, enc := range all {
			set[h] = enc
			break
		}
		var (
			wg    sync.WaitGroup
			some  []types.Hash
			start = make(chan struct{})
		)
		for h := range set {
			if some = append(some, h); len(some) == 8 {
				break
			}
		}
		for _, h := range some {
			wg.Go(func() {
				<-start
				if got, err := s.Node(h); err == nil && string(got) != string(set[h]) {
					t.Errorf("read during Add: %q, want %q", got, set[h])
				}
			})
		}
		close(start)
		s.Add(splitSet(rng, set))
		wg.Wait()
		for h, enc := range set {
			all[h] = enc
		}
		if got := s.Len(); got != len(all) {
			t.Fatalf("after adding %d: Len %d, want %d", n, got, len(all))
		}
		for h, enc := range all {
			got, err := s.Node(h)
			if err != nil || string(got) != string(enc) {
				t.Fatalf("after adding %d: node %x: %q, %v", n, h, got, err)
			}
		}
	}
	var absent types.Hash
	absent[0] = 0xff
	if _, ok := all[absent]; ok {
		t.Fatal("test hash collides")
	}
	if _, err := s.Node(absent); !errors.Is(err, trie.ErrMissingNode) {
		t.Errorf("absent node: %v, want ErrMissingNode", err)
	}
}

// BenchmarkMemStoreAdd adds a block's worth of nodes (20,000) to a store
// holding 200,000.
func BenchmarkMemStoreAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	base := randomSet(rng, 200_000)
	sets := make([]trie.NodeSet, 8)
	for i := range sets {
		sets[i] = setOf(randomSet(rng, 20_000))
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := trie.NewMemStore()
		s.Add(setOf(base))
		b.StartTimer()
		for _, set := range sets {
			s.Add(set)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sets)*20_000), "ns/node")
}
