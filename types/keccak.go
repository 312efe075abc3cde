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

// hasher pairs a sponge with input and output buffers. Writing and squeezing
// go through an interface, which would make the caller's slices escape to the
// heap; staging them in the hasher's own buffers keeps the callers'
// arguments on their stacks.
type hasher struct {
	st  keccakState
	in  []byte
	out Hash
}

// maxStaged bounds the input staged through the hasher's buffer; longer
// inputs are written directly (their cost dwarfs an allocation).
const maxStaged = 4096

func (h *hasher) write(data []byte) {
	if len(data) > maxStaged {
		h.st.Write(data)
		return
	}
	h.in = append(h.in[:0], data...)
	h.st.Write(h.in)
}

var hasherPool = sync.Pool{New: func() any {
	return &hasher{st: sha3.NewLegacyKeccak256().(keccakState), in: make([]byte, 0, 256)}
}}

// Keccak256 returns the Keccak-256 hash of the concatenation of data. It does
// not allocate for inputs of up to 4 KiB each.
func Keccak256(data ...[]byte) Hash {
	h := hasherPool.Get().(*hasher)
	h.st.Reset()
	for _, d := range data {
		h.write(d)
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
	h.write(data)
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
