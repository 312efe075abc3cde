package trie

import (
	"fmt"
	"sync"

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
type MemStore struct {
	mu struct {
		sync.RWMutex
		nodes map[types.Hash][]byte
	}
}

var _ VerifiedNodeReader = (*MemStore)(nil)

// NodesVerified implements VerifiedNodeReader: true.
func (s *MemStore) NodesVerified() bool { return true }

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	s := &MemStore{}
	s.mu.nodes = make(map[types.Hash][]byte)
	return s
}

// Node implements NodeReader. The returned slice is shared: do not modify it.
func (s *MemStore) Node(hash types.Hash) ([]byte, error) {
	s.mu.RLock()
	enc, ok := s.mu.nodes[hash]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %x", ErrMissingNode, hash)
	}
	return enc, nil
}

// Add stores every node of set, taking ownership of the encodings. Each key
// must be the Keccak-256 of its encoding: the store does not check it, and
// tries reading the store trust it (see VerifiedNodeReader).
func (s *MemStore) Add(set NodeSet) {
	s.mu.Lock()
	for h, enc := range set {
		s.mu.nodes[h] = enc
	}
	s.mu.Unlock()
}
