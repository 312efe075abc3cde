package types

import "github.com/balexec/balexec/internal/keccak"

// Keccak256 returns the Keccak-256 hash of the concatenation of data. It
// does not allocate.
func Keccak256(data ...[]byte) Hash {
	if len(data) == 1 {
		return keccak.Sum256(data[0])
	}
	var h keccak.Hasher
	for _, d := range data {
		h.Write(d)
	}
	return h.Sum256()
}

// Keccak256One is Keccak256 for a single input; it avoids the variadic
// slice. It does not allocate.
func Keccak256One(data []byte) Hash { return keccak.Sum256(data) }

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
