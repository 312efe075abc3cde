package trie

import (
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// AllocRoot returns the state root of a genesis allocation.
func AllocRoot(alloc state.Alloc) (types.Hash, error) {
	accounts := make([]StateAccount, 0, len(alloc))
	for addr, g := range alloc {
		accounts = append(accounts, StateAccount{
			Address: addr, Nonce: g.Nonce, Balance: g.Balance, CodeHash: g.CodeHash(), Storage: g.Storage,
		})
	}
	return StateRoot(accounts)
}

// MemoryRoot returns the state root of an in-memory state, computing every
// storage root from scratch.
func MemoryRoot(m *state.Memory) (types.Hash, error) {
	addrs := m.Addresses()
	accounts := make([]StateAccount, len(addrs))
	for i, addr := range addrs {
		acct, _, _ := m.Account(addr)
		a := &accounts[i]
		a.Address, a.Nonce, a.Balance, a.CodeHash = addr, acct.Nonce, acct.Balance, acct.CodeHash
		m.StorageOf(addr, func(k, v uint256.Int) {
			if a.Storage == nil {
				a.Storage = make(map[uint256.Int]uint256.Int)
			}
			a.Storage[k] = v
		})
	}
	return StateRoot(accounts)
}
