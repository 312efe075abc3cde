package trie

import (
	"fmt"
	"iter"
	"runtime"
	"sync"
	"unsafe"

	"github.com/balexec/balexec/types"
)

// NodeReader gives a trie access to stored nodes by hash.
//
// Node returns the encoding of the node whose Keccak-256 is hash. A node the
// reader does not have is an error (a reader may return [ErrMissingNode]
// itself, or its own error, which the trie wraps with ErrMissingNode). The
// trie does not retain or modify the returned slice. A NodeReader shared by
// tries on several goroutines must be safe for concurrent use.
type NodeReader interface {
	Node(hash types.Hash) ([]byte, error)
}

// VerifiedNodeReader is a NodeReader whose nodes are known to hash to the
// keys they are read by, because the reader checks them itself or holds
// only nodes given with their true hashes. A trie over a reader whose
// NodesVerified reports true does not hash each node it loads again; over
// any other reader it does, and a node that does not match is
// ErrInvalidNode.
type VerifiedNodeReader interface {
	NodeReader
	NodesVerified() bool
}

// Node is a trie node a commit created: the Keccak-256 hash of its
// encoding, and the encoding.
type Node struct {
	Hash types.Hash
	Enc  []byte
}

// NodeSet is the nodes a commit created, kept as the lists the commit's
// tries recorded them in: a block's commit records thousands of nodes in a
// list per trie, and a map would take each of them in once more only for
// the store to take them out again (BenchmarkImport, 100M-gas blocks: 6% to
// 12% fewer bytes allocated than with a map). The encodings belong to the
// set. A node may be in it more than once (two storage tries with the same
// subtree record it twice), under the same hash and with the same encoding,
// so storing every entry stores each node once. The zero value is an empty
// set. Like a slice, a copy of a NodeSet shares its lists: append to one
// copy only.
type NodeSet struct {
	parts [][]Node
	n     int
}

// Append adds nodes to the set, which takes ownership of the slice and its
// encodings.
func (s *NodeSet) Append(nodes ...Node) {
	if len(nodes) == 0 {
		return
	}
	s.parts = append(s.parts, nodes)
	s.n += len(nodes)
}

// Len returns the number of entries, a node recorded twice counting twice.
func (s NodeSet) Len() int { return s.n }

// All iterates over the entries in the order they were recorded.
func (s NodeSet) All() iter.Seq2[types.Hash, []byte] {
	return func(yield func(types.Hash, []byte) bool) {
		for _, p := range s.parts {
			for i := range p {
				if !yield(p[i].Hash, p[i].Enc) {
					return
				}
			}
		}
	}
}

// Map returns the set as a map from hash to encoding, for lookups by hash.
// The encodings are shared with the set.
func (s NodeSet) Map() map[types.Hash][]byte {
	m := make(map[types.Hash][]byte, s.n)
	for h, enc := range s.All() {
		m[h] = enc
	}
	return m
}

// MemStore is an in-memory NodeReader. It is safe for concurrent use; the
// zero value is not usable, call [NewMemStore].
//
// It is a VerifiedNodeReader: it holds the nodes tries committed, under the
// hashes they computed, so tries reading it do not hash the nodes again.
// Add must therefore be given nodes under their true hashes.
//
// The nodes are kept in memShards maps by the first bits of their hashes,
// each under its own lock: a block's nodes are added by several goroutines
// at once, each growing its own maps (Add is on a block's critical path,
// after execution), and the tries resolving nodes on several goroutines do
// not all take one lock.
type MemStore struct {
	shards [memShards]memShard
}

// memShards is the number of maps a MemStore splits its nodes over, a power
// of two.
const memShards = 64

// memShard is padded to a cache line, so that the locks of two shards never
// share one.
type memShard struct {
	mu    sync.RWMutex
	nodes map[types.Hash][]byte
	_     [(64 - (unsafe.Sizeof(sync.RWMutex{})+unsafe.Sizeof(map[types.Hash][]byte(nil)))%64) % 64]byte
}

// memShardOf returns the shard of a node hash: keccak outputs are uniform,
// so the first byte spreads them evenly.
func memShardOf(h *types.Hash) int { return int(h[0]) * memShards >> 8 }

// parallelAddMin is the size from which Add stores a set on several
// goroutines: a block of 100M gas writing fresh storage slots commits about
// 2,000 nodes, which one goroutine stored in 0.5 ms with the other core idle.
const parallelAddMin = 1024

var _ VerifiedNodeReader = (*MemStore)(nil)

// NodesVerified implements VerifiedNodeReader: true.
func (s *MemStore) NodesVerified() bool { return true }

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	s := &MemStore{}
	for i := range s.shards {
		s.shards[i].nodes = make(map[types.Hash][]byte)
	}
	return s
}

// Node implements NodeReader. The returned slice is shared: do not modify it.
func (s *MemStore) Node(hash types.Hash) ([]byte, error) {
	sh := &s.shards[memShardOf(&hash)]
	sh.mu.RLock()
	enc, ok := sh.nodes[hash]
	sh.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %x", ErrMissingNode, hash)
	}
	return enc, nil
}

// Len returns the number of nodes stored.
func (s *MemStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		n += len(sh.nodes)
		sh.mu.RUnlock()
	}
	return n
}

// Add stores every node of set, taking ownership of the encodings. Each key
// must be the Keccak-256 of its encoding: the store does not check it, and
// tries reading the store trust it (see VerifiedNodeReader). A set of at
// least parallelAddMin nodes is stored on several goroutines, up to
// GOMAXPROCS and one more for every parallelAddMin nodes, each owning a range
// of the shards: it locks them, reads the whole set and stores the nodes that
// fall in them (a read of a list costs a fraction of what sorting it into the
// shards first did).
func (s *MemStore) Add(set NodeSet) {
	workers := min(runtime.GOMAXPROCS(0), memShards, 1+set.Len()/parallelAddMin)
	if workers < 2 {
		for h, enc := range set.All() {
			sh := &s.shards[memShardOf(&h)]
			sh.mu.Lock()
			sh.nodes[h] = enc
			sh.mu.Unlock()
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*memShards/workers, (w+1)*memShards/workers
		wg.Go(func() {
			// In increasing order, as every Add locks them: no two deadlock.
			for i := lo; i < hi; i++ {
				s.shards[i].mu.Lock()
			}
			for _, p := range set.parts {
				for k := range p {
					if i := memShardOf(&p[k].Hash); i >= lo && i < hi {
						s.shards[i].nodes[p[k].Hash] = p[k].Enc
					}
				}
			}
			for i := lo; i < hi; i++ {
				s.shards[i].mu.Unlock()
			}
		})
	}
	wg.Wait()
}
