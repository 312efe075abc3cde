package store

import (
	"encoding/binary"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Key prefixes: the first byte of every key names its kind (see the package
// documentation for the layout of each).
const (
	prefixFormat    byte = 'F' // the format record; the key is the prefix alone
	prefixHead      byte = 'H' // the head record; the key is the prefix alone
	prefixAccount   byte = 'a' // 'a' address(20) -> account record
	prefixStorage   byte = 's' // 's' address(20) slot(32) -> slot value
	prefixCode      byte = 'c' // 'c' code hash(32) -> code
	prefixNode      byte = 'n' // 'n' node hash(32) -> trie node encoding
	prefixHeader    byte = 'h' // 'h' block hash(32) -> header RLP
	prefixCanonical byte = 'N' // 'N' number(8, big-endian) -> block hash
	prefixBAL       byte = 'l' // 'l' block hash(32) -> block access list RLP
)

// Key lengths.
const (
	accountKeyLen   = 1 + types.AddressLength
	storageKeyLen   = 1 + types.AddressLength + 32
	hashKeyLen      = 1 + types.HashLength
	canonicalKeyLen = 1 + 8
)

// Kind is one kind of record, named by its key prefix.
type Kind byte

// The kinds of record.
const (
	KindFormat    = Kind(prefixFormat)
	KindHead      = Kind(prefixHead)
	KindAccount   = Kind(prefixAccount)
	KindStorage   = Kind(prefixStorage)
	KindCode      = Kind(prefixCode)
	KindNode      = Kind(prefixNode)
	KindHeader    = Kind(prefixHeader)
	KindCanonical = Kind(prefixCanonical)
	KindBAL       = Kind(prefixBAL)
)

// kinds lists every kind of record, in the order Stats reports them.
var kinds = [...]Kind{KindFormat, KindHead, KindAccount, KindStorage, KindCode, KindNode, KindHeader, KindCanonical, KindBAL}

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindFormat:
		return "format"
	case KindHead:
		return "head"
	case KindAccount:
		return "account"
	case KindStorage:
		return "storage"
	case KindCode:
		return "code"
	case KindNode:
		return "node"
	case KindHeader:
		return "header"
	case KindCanonical:
		return "canonical"
	case KindBAL:
		return "accesslist"
	}
	return "unknown(" + string(rune(k)) + ")"
}

// accountKey is the key of an account record.
func accountKey(addr *types.Address) [accountKeyLen]byte {
	var k [accountKeyLen]byte
	k[0] = prefixAccount
	copy(k[1:], addr[:])
	return k
}

// storageKey is the key of a storage slot: the account's address, then the
// slot as 32 big-endian bytes, so that one account's slots are contiguous
// and sorted by slot.
func storageKey(addr *types.Address, slot *uint256.Int) [storageKeyLen]byte {
	var k [storageKeyLen]byte
	k[0] = prefixStorage
	copy(k[1:], addr[:])
	slot.PutUint256(k[1+types.AddressLength:])
	return k
}

// storageRange returns the bounds [start, end) of the keys of addr's slots.
func storageRange(addr *types.Address) (start, end [1 + types.AddressLength]byte) {
	start[0] = prefixStorage
	copy(start[1:], addr[:])
	end = start
	// Increment the address as a big-endian number; an all-0xff address
	// carries into the prefix byte, which then names the next kind up
	// ('t'), still a correct exclusive bound.
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			break
		}
	}
	return start, end
}

// hashKey is the key of a record named by a hash: code, node, header,
// access list.
func hashKey(prefix byte, h *types.Hash) [hashKeyLen]byte {
	var k [hashKeyLen]byte
	k[0] = prefix
	copy(k[1:], h[:])
	return k
}

// canonicalKey is the key of the canonical hash of block number n.
func canonicalKey(n uint64) [canonicalKeyLen]byte {
	var k [canonicalKeyLen]byte
	k[0] = prefixCanonical
	binary.BigEndian.PutUint64(k[1:], n)
	return k
}

// prefixBounds returns the bounds [p, p+1) of the keys of one kind.
func prefixBounds(p byte) (lower, upper []byte) {
	return []byte{p}, []byte{p + 1}
}
