package state

import (
	"context"
	"sync/atomic"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// BALView is the state a step at block access index K sees when a block is
// executed in parallel from its block access list: the block's pre-state
// (Base) plus every change the list records at an index below K, as
// go-ethereum's reader over a block-level access list does.
//
//   - An account with a balance, nonce or code change below K is the base
//     account (or a fresh empty one) with the latest of each overlaid; its
//     storage root is the base's.
//   - A slot's value is the latest write below K, else the base value. The
//     list's reads never supply values.
//   - Code is the latest code change below K, else the base code.
//
// An account deleted at an earlier index reads as existing and empty rather
// than absent. No rule depends on that difference: every gas rule uses
// emptiness, and EIP-161 deletes an empty account again when it is touched.
//
// A BALView is a small value; a worker keeps one and changes K per step. It
// is safe for concurrent use when Base is.
type BALView struct {
	Base   Reader
	Lookup *bal.Lookup
	K      uint32
	// Pre, when not nil, is the block's memo of the base accounts the list
	// names, over the same Base and Lookup (see ListBase).
	Pre *ListBase
}

var _ Reader = (*BALView)(nil)

// Account implements Reader.
func (v *BALView) Account(addr types.Address) (types.Account, bool, error) {
	pos, listed := v.Lookup.Find(addr)
	if !listed {
		// A step reading it will fail its check against the list; the view
		// still answers like the base.
		return v.Base.Account(addr)
	}
	var (
		acct types.Account
		ok   bool
		err  error
	)
	if v.Pre != nil {
		acct, ok, err = v.Pre.At(pos)
	} else {
		acct, ok, err = v.Base.Account(addr)
	}
	if err != nil {
		return acct, ok, err
	}
	st := v.Lookup.AccountAt(pos, v.K)
	if !st.Changed() {
		return acct, ok, nil
	}
	if !ok {
		acct = types.NewEmptyAccount()
	}
	if st.HasBalance {
		acct.Balance = st.Balance
	}
	if st.HasNonce {
		acct.Nonce = st.Nonce
	}
	if st.HasCode {
		acct.CodeHash = st.CodeHash
	}
	return acct, true, nil
}

// Storage implements Reader.
func (v *BALView) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	if val, ok := v.Lookup.Storage(addr, &slot, v.K); ok {
		return val, nil
	}
	return v.Base.Storage(addr, slot)
}

// Code implements Reader. The code hash is not consulted when the list has a
// code change below K: the account read through this view carries that
// change's hash.
func (v *BALView) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	if code, _, ok := v.Lookup.Code(addr, v.K); ok {
		return code, nil
	}
	return v.Base.Code(addr, codeHash)
}

// BALUpdates derives a block's post-state changes from its access list
// alone, as go-ethereum does to compute the state root while the
// transactions still run: for every account with a balance, nonce, code or
// storage change, the pre-state account (or an empty one) with the last value
// of each field and of each written slot. An account that ends empty (zero
// nonce and balance, no code) is deleted, as EIP-161 would. Accounts the list
// names without changes are not updated.
//
// The list says nothing about an existing empty account that the block only
// touched, which EIP-161 deletes: the caller must add such deletions from
// execution (the parallel executor does).
//
// It reads the pre-state of every changed account, so it checks ctx every
// 64 accounts and returns ctx.Err() once ctx is done: a list whose root
// nobody needs any more stops costing reads.
func BALUpdates(ctx context.Context, lk *bal.Lookup, pre Reader) ([]AccountUpdate, error) {
	return balUpdates(ctx, lk, func(i int, a *bal.AccountAccess) (types.Account, bool, error) { return pre.Account(a.Address) })
}

func balUpdates(ctx context.Context, lk *bal.Lookup, preAt func(int, *bal.AccountAccess) (types.Account, bool, error)) ([]AccountUpdate, error) {
	out := make([]AccountUpdate, 0, lk.Len())
	for i, a := range lk.All() {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		final := lk.FinalAt(i)
		if !final.Changed() && len(a.StorageChanges) == 0 {
			continue
		}
		acct, ok, err := preAt(i, a)
		if err != nil {
			return nil, err
		}
		if !ok {
			acct = types.NewEmptyAccount()
		}
		u := AccountUpdate{Address: a.Address, Nonce: acct.Nonce, Balance: acct.Balance, CodeHash: acct.CodeHash}
		if final.HasBalance {
			u.Balance = final.Balance
		}
		if final.HasNonce {
			u.Nonce = final.Nonce
		}
		if final.HasCode {
			u.CodeHash, u.Code = final.CodeHash, final.Code
		}
		if u.Nonce == 0 && u.Balance.IsZero() && u.CodeHash == types.EmptyCodeHash {
			out = append(out, AccountUpdate{Address: a.Address, Deleted: true})
			continue
		}
		if len(a.StorageChanges) > 0 {
			u.Storage = make([]SlotUpdate, len(a.StorageChanges))
			for j := range a.StorageChanges {
				sc := &a.StorageChanges[j]
				u.Storage[j] = SlotUpdate{Key: sc.Slot, Value: sc.Final()}
			}
		}
		out = append(out, u)
	}
	return out, nil
}

// ListBase memoizes, for one block, the pre-state of the accounts its
// access list names, by their position in the list. The parallel executor's
// steps read the fee recipient, senders and contracts through it many times
// over (every step reads the fee recipient), and the list's post-state
// (ListBase.Updates) reads every changed account once more: each reads the
// base (a concurrent cache, a hash, a lock and a map) at most about once
// per account instead.
//
// Any number of goroutines may use a ListBase at once. The first to read an
// account fills its entry; others reading it meanwhile read the base
// themselves rather than wait. Reset prepares it for the next block,
// keeping its memory.
type ListBase struct {
	base    Reader
	lk      *bal.Lookup
	entries []listBaseEntry
}

type listBaseEntry struct {
	state  atomic.Uint32 // entryEmpty, entryFilling, entryReady
	exists bool
	acct   types.Account
}

const (
	entryEmpty = iota
	entryFilling
	entryReady
)

// Reset empties m for the accounts lk names, read from base.
func (m *ListBase) Reset(base Reader, lk *bal.Lookup) {
	m.base, m.lk = base, lk
	n := lk.Len()
	if cap(m.entries) < n {
		m.entries = make([]listBaseEntry, n)
		return
	}
	m.entries = m.entries[:n]
	for i := range m.entries {
		m.entries[i].state.Store(entryEmpty)
	}
}

// At returns the base account at position pos of the list, and whether it
// exists.
func (m *ListBase) At(pos int) (types.Account, bool, error) {
	e := &m.entries[pos]
	if e.state.Load() == entryReady {
		return e.acct, e.exists, nil
	}
	acct, ok, err := m.base.Account(m.lk.AddressAt(pos))
	if err != nil {
		return acct, ok, err
	}
	if e.state.CompareAndSwap(entryEmpty, entryFilling) {
		e.acct, e.exists = acct, ok
		e.state.Store(entryReady)
	}
	return acct, ok, nil
}

// Updates is BALUpdates over m's list and base, reading the base through m.
func (m *ListBase) Updates(ctx context.Context) ([]AccountUpdate, error) {
	return balUpdates(ctx, m.lk, func(i int, _ *bal.AccountAccess) (types.Account, bool, error) { return m.At(i) })
}
