package state

import (
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Reader is the read side of a state: the accounts, storage and code of one
// block's pre-state. An execution client implements it over its database;
// this package provides [Memory] and [BlockState].
//
// A Reader used by parallel workers must be safe for concurrent use. Values
// returned must not be modified by the caller, and the implementation must
// not modify a code slice it has returned.
type Reader interface {
	// Account returns the account at addr and whether it exists. A missing
	// account is not an error.
	Account(addr types.Address) (types.Account, bool, error)
	// Storage returns the value of slot in the storage of addr; zero when the
	// slot or the account does not exist.
	Storage(addr types.Address, slot uint256.Int) (uint256.Int, error)
	// Code returns the code with the given hash, deployed at addr. The empty
	// code hash yields nil.
	Code(addr types.Address, codeHash types.Hash) ([]byte, error)
}

// A StoragePeeker reads a slot without keeping it. A cache implements it for
// the reads of slots the block writes (the parallel executor knows them from
// the access list): the pre-block value of such a slot is read by the steps
// up to its first write at most, and the cache would hold it only until the
// block's own value replaces it, so storing it is wasted work. Peeking
// returns what Storage would.
type StoragePeeker interface {
	PeekStorage(addr types.Address, slot uint256.Int) (uint256.Int, error)
}

// An AccountPeeker reads an account without keeping it, as StoragePeeker
// does a slot: for an account the block changes, which a cache brings to its
// post-state value from the block's updates afterwards (ListBase uses it).
// Peeking returns what Account would.
type AccountPeeker interface {
	PeekAccount(addr types.Address) (types.Account, bool, error)
}

// unknownRoot stands for the storage root of an account whose storage was
// changed in the current block and whose root is not computed yet. It is only
// ever compared with types.EmptyRootHash.
var unknownRoot = types.Hash{0xff, 'u', 'n', 'k', 'n', 'o', 'w', 'n'}
