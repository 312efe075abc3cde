package state

import (
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// SlotUpdate is the new value of one storage slot; zero deletes the slot.
type SlotUpdate struct {
	Key   uint256.Int
	Value uint256.Int
}

// AccountUpdate is the state of one account after a transaction (or a block),
// as far as it changed.
type AccountUpdate struct {
	Address types.Address
	// Deleted is set when the account no longer exists: it self-destructed
	// or was an empty account touched under EIP-161. Its storage is gone.
	Deleted bool
	// Wiped means the account's storage restarts empty before Storage is
	// applied: in block-level updates, the account was deleted earlier in the
	// block and exists again; in a transaction's changes, a self-destructed
	// account survives with its balance alone (EIP-8246).
	Wiped    bool
	Nonce    uint64
	Balance  uint256.Int
	CodeHash types.Hash
	// Code is the account's code (nil when empty). It is read-only.
	Code []byte
	// Storage lists the slots whose value changed, sorted by key.
	Storage []SlotUpdate
	// Root is the account's storage root after the update, when known: the
	// state root's computation (trie.UpdateState and its kin) sets it on
	// every update it applies that is not Deleted. Zero means unknown;
	// nothing else sets it, and the update's meaning does not depend on it.
	Root types.Hash
}

// Changes is what one transaction changed, sorted by address.
type Changes struct {
	Accounts []AccountUpdate
	slots    []SlotUpdate // backing store of the Storage slices
}

func (c *Changes) reset() {
	clear(c.Accounts)
	c.Accounts = c.Accounts[:0]
	c.slots = c.slots[:0]
}
