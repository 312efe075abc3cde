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
func randomSet(rng *rand.Rand, n int) trie.NodeSet {
	set := make(trie.NodeSet, n)
	for len(set) < n {
		var h types.Hash
		for i := range h {
			h[i] = byte(rng.Uint32())
		}
		set[h] = []byte(fmt.Sprintf("node %x", h))
	}
	return set
}

// TestMemStoreAdd: after sets of every size (below and above the one from
// which Add stores on several goroutines, and overlapping ones) every node
// reads back, the count is right, and a node never added is ErrMissingNode;
// readers running beside Add see each node either absent or whole.
func TestMemStoreAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	s := trie.NewMemStore()
	all := trie.NodeSet{}
	for _, n := range []int{0, 1, 100, 4095, 4096, 20000} {
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
		s.Add(set)
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
		sets[i] = randomSet(rng, 20_000)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := trie.NewMemStore()
		s.Add(base)
		b.StartTimer()
		for _, set := range sets {
			s.Add(set)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sets)*20_000), "ns/node")
}
