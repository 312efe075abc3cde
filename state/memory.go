package state

import (
	"slices"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Memory is an in-memory state: accounts with their storage, and code by
// hash. It implements [Reader]. Reads are safe for concurrent use as long as
// no goroutine calls a mutating method at the same time.
//
// An account's reported storage root is types.EmptyRootHash when it has no
// storage and a non-empty placeholder otherwise: the trie package computes
// real roots from the storage itself.
type Memory struct {
	accounts map[types.Address]*memAccount
	codes    map[types.Hash][]byte
}

var _ Reader = (*Memory)(nil)

type memAccount struct {
	acct    types.Account
	storage map[uint256.Int]uint256.Int
}

// NewMemory returns an empty in-memory state.
func NewMemory() *Memory {
	return &Memory{
		accounts: make(map[types.Address]*memAccount),
		codes:    make(map[types.Hash][]byte),
	}
}

// Account implements Reader.
func (m *Memory) Account(addr types.Address) (types.Account, bool, error) {
	a, ok := m.accounts[addr]
	if !ok {
		return types.Account{}, false, nil
	}
	return a.acct, true, nil
}

// Storage implements Reader.
func (m *Memory) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	if a, ok := m.accounts[addr]; ok {
		return a.storage[slot], nil
	}
	return uint256.Int{}, nil
}

// Code implements Reader.
func (m *Memory) Code(_ types.Address, codeHash types.Hash) ([]byte, error) {
	if codeHash == types.EmptyCodeHash {
		return nil, nil
	}
	if c, ok := m.codes[codeHash]; ok {
		return c, nil
	}
	return nil, ErrMissingCode
}

// Len returns the number of accounts.
func (m *Memory) Len() int { return len(m.accounts) }

// Addresses returns the addresses of all accounts, sorted.
func (m *Memory) Addresses() []types.Address {
	out := make([]types.Address, 0, len(m.accounts))
	for a := range m.accounts {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b types.Address) int { return a.Compare(&b) })
	return out
}

// StorageOf calls fn for every non-zero slot of addr, in no particular order.
func (m *Memory) StorageOf(addr types.Address, fn func(key, value uint256.Int)) {
	if a, ok := m.accounts[addr]; ok {
		for k, v := range a.storage {
			fn(k, v)
		}
	}
}

// Apply writes account updates into the state. A deleted account loses its
// storage; a wiped account's storage restarts empty before its slot updates
// are applied; zero slot values delete the slot.
func (m *Memory) Apply(updates []AccountUpdate) {
	for i := range updates {
		u := &updates[i]
		if u.Deleted {
			delete(m.accounts, u.Address)
			continue
		}
		a, ok := m.accounts[u.Address]
		if !ok {
			a = &memAccount{acct: types.NewEmptyAccount()}
			m.accounts[u.Address] = a
		}
		if u.Wiped {
			clear(a.storage)
			a.acct.Root = types.EmptyRootHash
		}
		a.acct.Nonce, a.acct.Balance, a.acct.CodeHash = u.Nonce, u.Balance, u.CodeHash
		if len(u.Code) > 0 { // an update that keeps its code carries no bytes
			if _, ok := m.codes[u.CodeHash]; !ok {
				m.codes[u.CodeHash] = slices.Clone(u.Code)
			}
		}
		for _, s := range u.Storage {
			if s.Value.IsZero() {
				delete(a.storage, s.Key)
				continue
			}
			if a.storage == nil {
				a.storage = make(map[uint256.Int]uint256.Int)
			}
			a.storage[s.Key] = s.Value
		}
		if len(u.Storage) > 0 || u.Wiped {
			if len(a.storage) == 0 {
				a.acct.Root = types.EmptyRootHash
			} else {
				a.acct.Root = unknownRoot
			}
		}
	}
}

// ApplyWithUndo is Apply that also returns the updates that undo it:
// applying them with Apply restores the state as it was, except for code,
// which stays stored by hash (it is immutable). An account the updates
// created is deleted by the undo; a changed one gets its old fields and the
// old values of the changed slots back; a deleted or wiped one gets all its
// old slots back over a wiped storage.
func (m *Memory) ApplyWithUndo(updates []AccountUpdate) []AccountUpdate {
	undo := make([]AccountUpdate, len(updates))
	for i := range updates {
		u := &updates[i]
		b := &undo[i]
		b.Address = u.Address
		a, ok := m.accounts[u.Address]
		if !ok {
			b.Deleted = true
			continue
		}
		b.Nonce, b.Balance, b.CodeHash = a.acct.Nonce, a.acct.Balance, a.acct.CodeHash
		if u.Deleted || u.Wiped {
			b.Wiped = true
			b.Storage = make([]SlotUpdate, 0, len(a.storage))
			for k, v := range a.storage {
				b.Storage = append(b.Storage, SlotUpdate{Key: k, Value: v})
			}
			continue
		}
		if len(u.Storage) > 0 {
			b.Storage = make([]SlotUpdate, len(u.Storage))
			for j, s := range u.Storage {
				b.Storage[j] = SlotUpdate{Key: s.Key, Value: a.storage[s.Key]}
			}
		}
	}
	m.Apply(updates)
	return undo
}

// Updates returns the whole state as account updates sorted by address, as
// if created from nothing: with them, the trie package computes the state's
// root (trie.UpdateState from the empty root) and a store takes it in. The
// code and storage slices are fresh; the code bytes are shared.
func (m *Memory) Updates() []AccountUpdate {
	addrs := m.Addresses()
	out := make([]AccountUpdate, len(addrs))
	for i, addr := range addrs {
		a := m.accounts[addr]
		u := &out[i]
		u.Address, u.Nonce, u.Balance, u.CodeHash = addr, a.acct.Nonce, a.acct.Balance, a.acct.CodeHash
		if u.CodeHash != types.EmptyCodeHash {
			u.Code = m.codes[u.CodeHash]
		}
		if len(a.storage) > 0 {
			u.Storage = make([]SlotUpdate, 0, len(a.storage))
			for k, v := range a.storage {
				u.Storage = append(u.Storage, SlotUpdate{Key: k, Value: v})
			}
			slices.SortFunc(u.Storage, func(x, y SlotUpdate) int { return x.Key.Cmp(&y.Key) })
		}
	}
	return out
}
