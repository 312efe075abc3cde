package types

import (
	"hash"
	"sync"

	"golang.org/x/crypto/sha3"
)

// keccakState is the legacy Keccak-256 sponge with its squeeze method.
type keccakState interface {
	hash.Hash
	Read([]byte) (int, error)
}

// hasher pairs a sponge with an output buffer, so that squeezing through the
// interface does not make the caller's result escape to the heap.
type hasher struct {
	st  keccakState
	out Hash
}

var hasherPool = sync.Pool{New: func() any {
	return &hasher{st: sha3.NewLegacyKeccak256().(keccakState)}
}}

// Keccak256 returns the Keccak-256 hash of the concatenation of data. It does
// not allocate.
func Keccak256(data ...[]byte) Hash {
	h := hasherPool.Get().(*hasher)
	h.st.Reset()
	for _, d := range data {
		h.st.Write(d)
	}
	h.st.Read(h.out[:])
	out := h.out
	hasherPool.Put(h)
	return out
}

// Keccak256One is Keccak256 for a single input; it avoids the variadic slice.
func Keccak256One(data []byte) Hash {
	h := hasherPool.Get().(*hasher)
	h.st.Reset()
	h.st.Write(data)
	h.st.Read(h.out[:])
	out := h.out
	hasherPool.Put(h)
	return out
}

// Well-known hashes.
var (
	// EmptyCodeHash is keccak256 of the empty byte string.
	EmptyCodeHash = Keccak256One(nil)
	// EmptyRootHash is the root of the empty Merkle-Patricia trie,
	// keccak256(rlp("")).
	EmptyRootHash = Keccak256One([]byte{0x80})
	// EmptyListHash is keccak256(rlp([])): the empty uncle hash and the hash of
	// the empty block access list.
	EmptyListHash = Keccak256One([]byte{0xc0})
)
