package state

import (
	"slices"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// BlockState is the state of a block in progress during sequential
// execution: the parent state plus the changes of the transactions (and
// system calls) applied so far. It implements [Reader], so the next
// transaction's [StateDB] reads through it, and it yields the block's
// account updates for the state root at the end.
//
// A BlockState is used by one goroutine; its reads are not synchronised with
// Apply.
type BlockState struct {
	parent   Reader
	accounts map[types.Address]*blockAccount
}

var _ Reader = (*BlockState)(nil)

type blockAccount struct {
	exists bool
	// wiped: the account was deleted in this block, so the parent's storage
	// no longer shows through.
	wiped      bool
	parentRoot types.Hash
	acct       types.Account
	code       []byte
	storage    map[uint256.Int]uint256.Int
}

// NewBlockState returns a BlockState over parent.
func NewBlockState(parent Reader) *BlockState {
	return &BlockState{parent: parent, accounts: make(map[types.Address]*blockAccount)}
}

// Reset makes b a fresh BlockState over parent, keeping its allocations.
func (b *BlockState) Reset(parent Reader) {
	b.parent = parent
	clear(b.accounts)
}

func (b *BlockState) root(a *blockAccount) types.Hash {
	if !a.wiped && a.parentRoot != types.EmptyRootHash {
		return a.parentRoot
	}
	for _, v := range a.storage {
		if !v.IsZero() {
			return unknownRoot
		}
	}
	return types.EmptyRootHash
}

// Account implements Reader.
func (b *BlockState) Account(addr types.Address) (types.Account, bool, error) {
	if a, ok := b.accounts[addr]; ok {
		if !a.exists {
			return types.Account{}, false, nil
		}
		acct := a.acct
		acct.Root = b.root(a)
		return acct, true, nil
	}
	return b.parent.Account(addr)
}

// Storage implements Reader.
func (b *BlockState) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	if a, ok := b.accounts[addr]; ok {
		if v, ok := a.storage[slot]; ok {
			return v, nil
		}
		if a.wiped || !a.exists {
			return uint256.Int{}, nil
		}
	}
	return b.parent.Storage(addr, slot)
}

// Code implements Reader.
func (b *BlockState) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	if a, ok := b.accounts[addr]; ok && a.exists && a.acct.CodeHash == codeHash {
		return a.code, nil
	}
	return b.parent.Code(addr, codeHash)
}

// Apply merges one transaction's changes into the block state. The changes
// may be reused by the caller afterwards: nothing of them is retained but
// code slices, which are immutable.
func (b *BlockState) Apply(c *Changes) error {
	for i := range c.Accounts {
		u := &c.Accounts[i]
		a, ok := b.accounts[u.Address]
		if !ok {
			pa, exists, err := b.parent.Account(u.Address)
			if err != nil {
				return err
			}
			a = &blockAccount{exists: exists, parentRoot: types.EmptyRootHash}
			if exists {
				a.parentRoot = pa.Root
			}
			b.accounts[u.Address] = a
		}
		if u.Deleted {
			a.exists = false
			a.wiped = true
			a.acct = types.Account{}
			a.code = nil
			clear(a.storage)
			continue
		}
		if u.Wiped {
			a.wiped = true
			clear(a.storage)
		}
		a.exists = true
		a.acct.Nonce, a.acct.Balance, a.acct.CodeHash = u.Nonce, u.Balance, u.CodeHash
		a.code = u.Code
		if len(u.Storage) > 0 && a.storage == nil {
			a.storage = make(map[uint256.Int]uint256.Int, len(u.Storage))
		}
		for _, s := range u.Storage {
			a.storage[s.Key] = s.Value
		}
	}
	return nil
}

// Updates returns every account the block changed, sorted by address, with
// all slots written in the block. Slots are sorted by key.
func (b *BlockState) Updates() []AccountUpdate {
	out := make([]AccountUpdate, 0, len(b.accounts))
	for addr, a := range b.accounts {
		u := AccountUpdate{Address: addr}
		if !a.exists {
			u.Deleted = true
			out = append(out, u)
			continue
		}
		u.Wiped = a.wiped
		u.Nonce, u.Balance, u.CodeHash, u.Code = a.acct.Nonce, a.acct.Balance, a.acct.CodeHash, a.code
		if len(a.storage) > 0 {
			u.Storage = make([]SlotUpdate, 0, len(a.storage))
			for k, v := range a.storage {
				u.Storage = append(u.Storage, SlotUpdate{Key: k, Value: v})
			}
			slices.SortFunc(u.Storage, func(x, y SlotUpdate) int { return x.Key.Cmp(&y.Key) })
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y AccountUpdate) int { return x.Address.Compare(&y.Address) })
	return out
}
