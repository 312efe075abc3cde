package trie

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
)

// Keys inside the package are nibble strings: one byte per 4-bit digit, high
// nibble of each key byte first. Nodes are encoded as in the Yellow Paper,
// appendix D:
//
//	leaf       [HP(key, leaf=true),  value]
//	extension  [HP(key, leaf=false), child reference]
//	branch     [ref0, ..., ref15, value]      (empty slots are the empty string)
//
// A child reference is the child's own encoding when that is shorter than 32
// bytes (the child is inlined) and otherwise the 32-byte Keccak-256 of it.

// appendNibbles appends the nibbles of key to dst.
func appendNibbles(dst, key []byte) []byte {
	for _, b := range key {
		dst = append(dst, b>>4, b&0x0f)
	}
	return dst
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// hpKeySize returns the RLP size of the hex-prefix encoding of n nibbles.
func hpKeySize(n int) int {
	hp := n/2 + 1
	if hp == 1 {
		return 1 // the single byte is at most 0x3f and encodes as itself
	}
	return stringHeadSize(hp) + hp
}

// stringHeadSize returns the size of an RLP string header for n bytes (n > 1
// or the single byte is at least 0x80).
func stringHeadSize(n int) int {
	if n < 56 {
		return 1
	}
	s := 1
	for x := n; x > 0xff; x >>= 8 {
		s++
	}
	return 1 + s
}

// appendHPKey appends the RLP string holding the hex-prefix encoding of the
// nibbles key, with the leaf flag set for leaves.
func appendHPKey(dst, key []byte, leaf bool) []byte {
	hp := len(key)/2 + 1
	if hp > 1 {
		dst = rlp.AppendStringHeader(dst, hp)
	}
	var flag byte
	if leaf {
		flag = 2
	}
	if len(key)%2 == 1 {
		dst = append(dst, (flag+1)<<4|key[0])
		key = key[1:]
	} else {
		dst = append(dst, flag<<4)
	}
	for i := 0; i+1 < len(key); i += 2 {
		dst = append(dst, key[i]<<4|key[i+1])
	}
	return dst
}

// decodeHP decodes a hex-prefix encoded key into freshly allocated nibbles
// and reports the leaf flag.
func decodeHP(hp []byte) (key []byte, leaf bool, err error) {
	if len(hp) == 0 {
		return nil, false, fmt.Errorf("%w: empty hex-prefix key", ErrInvalidNode)
	}
	flag := hp[0] >> 4
	if flag > 3 {
		return nil, false, fmt.Errorf("%w: hex-prefix flag %d", ErrInvalidNode, flag)
	}
	leaf = flag&2 != 0
	key = make([]byte, 0, 2*len(hp))
	if flag&1 == 1 {
		key = append(key, hp[0]&0x0f)
	} else if hp[0]&0x0f != 0 {
		return nil, false, fmt.Errorf("%w: non-zero padding nibble in hex-prefix key", ErrInvalidNode)
	}
	return appendNibbles(key, hp[1:]), leaf, nil
}

// ref is how a node appears inside its parent: its encoding when that is
// shorter than 32 bytes, otherwise the Keccak-256 of the encoding.
type ref struct {
	n uint8 // 0: not known; 1..31: inline encoding b[:n]; 32: b is the hash
	b [32]byte
}

const hashRef = 32

// size returns the number of bytes r takes inside its parent's encoding.
func (r *ref) size() int {
	if r.n == hashRef {
		return 1 + types.HashLength
	}
	return int(r.n)
}

// appendTo appends r as it appears inside a parent encoding.
func (r *ref) appendTo(dst []byte) []byte {
	if r.n == hashRef {
		dst = append(dst, 0x80+types.HashLength)
		return append(dst, r.b[:]...)
	}
	return append(dst, r.b[:r.n]...)
}

// rootHash returns the hash of the node r refers to: the root of a trie is
// hashed even when its encoding is short. A short encoding is copied into
// *scratch first (hashing r.b in place would move r to the heap).
func (r *ref) rootHash(scratch *[]byte) types.Hash {
	if r.n == hashRef {
		return r.b
	}
	*scratch = append((*scratch)[:0], r.b[:r.n]...)
	return types.Keccak256One(*scratch)
}

// set makes r the reference of the node encoded as enc and reports whether
// enc was hashed.
func (r *ref) set(enc []byte) bool {
	if len(enc) < hashRef {
		r.n = uint8(len(enc))
		copy(r.b[:], enc)
		return false
	}
	r.n = hashRef
	r.b = types.Keccak256One(enc)
	return true
}

// appendLeaf appends the encoding of a leaf with nibble key and value val.
func appendLeaf(dst, key, val []byte) []byte {
	dst = rlp.AppendListHeader(dst, hpKeySize(len(key))+rlp.BytesSize(val))
	dst = appendHPKey(dst, key, true)
	return rlp.AppendBytes(dst, val)
}

// appendExt appends the encoding of an extension with nibble key and child
// reference child.
func appendExt(dst, key []byte, child *ref) []byte {
	dst = rlp.AppendListHeader(dst, hpKeySize(len(key))+child.size())
	dst = appendHPKey(dst, key, false)
	return child.appendTo(dst)
}

// appendBranch appends the encoding of a branch; kids with n == 0 are empty
// slots, and a nil or empty val is no value.
func appendBranch(dst []byte, kids *[16]ref, val []byte) []byte {
	size := rlp.BytesSize(val)
	for i := range kids {
		if kids[i].n == 0 {
			size++
		} else {
			size += kids[i].size()
		}
	}
	dst = rlp.AppendListHeader(dst, size)
	for i := range kids {
		if kids[i].n == 0 {
			dst = append(dst, rlp.EmptyString)
		} else {
			dst = kids[i].appendTo(dst)
		}
	}
	return rlp.AppendBytes(dst, val)
}
