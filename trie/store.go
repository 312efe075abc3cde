package trie

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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

// NodeSet is the set of nodes a commit created: hash to encoding. The
// encodings are owned by the set.
type NodeSet map[types.Hash][]byte

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
// tries reading the store trust it (see VerifiedNodeReader). A large set is
// sorted into its shards first and stored on up to GOMAXPROCS goroutines,
// one shard at a time each.
func (s *MemStore) Add(set NodeSet) {
	workers := min(runtime.GOMAXPROCS(0), memShards)
	if len(set) < parallelAddMin || workers == 1 {
		for h, enc := range set {
			sh := &s.shards[memShardOf(&h)]
			sh.mu.Lock()
			sh.nodes[h] = enc
			sh.mu.Unlock()
		}
		return
	}
	type node struct {
		hash types.Hash
		enc  []byte
	}
	var (
		counts [memShards + 1]int
		sorted = make([]node, len(set))
	)
	for h := range set {
		counts[memShardOf(&h)+1]++
	}
	for i := 1; i <= memShards; i++ {
		counts[i] += counts[i-1]
	}
	next := counts
	for h, enc := range set {
		i := memShardOf(&h)
		sorted[next[i]] = node{h, enc}
		next[i]++
	}
	var (
		cursor atomic.Int32
		wg     sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for i := int(cursor.Add(1)) - 1; i < memShards; i = int(cursor.Add(1)) - 1 {
				sh := &s.shards[i]
				sh.mu.Lock()
				for _, n := range sorted[counts[i]:counts[i+1]] {
					sh.nodes[n.hash] = n.enc
				}
				sh.mu.Unlock()
			}
		})
	}
	wg.Wait()
}
