package state

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/internal/fanout"
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

// Storage implements Reader. A slot the list writes (at any index) and not
// below K is read from Base without being kept, when Base is a
// [StoragePeeker].
func (v *BALView) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	val, before, written := v.Lookup.StorageWrite(addr, &slot, v.K)
	if before {
		return val, nil
	}
	if written {
		if p, ok := v.Base.(StoragePeeker); ok {
			return p.PeekStorage(addr, slot)
		}
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
// It reads the pre-state of every changed account, on up to GOMAXPROCS
// goroutines for a long list (fewer when ctx carries a fan-out limit, see
// internal/fanout; pre must be safe for concurrent use), so it checks ctx
// every 64 accounts and returns ctx.Err() once ctx is done: a
// list whose root nobody needs any more stops costing reads. Any other
// error is the one of the first account in the list's order that failed.
func BALUpdates(ctx context.Context, lk *bal.Lookup, pre Reader) ([]AccountUpdate, error) {
	return balUpdates(ctx, lk, func(i int, a *bal.AccountAccess) (types.Account, bool, error) { return pre.Account(a.Address) })
}

func balUpdates(ctx context.Context, lk *bal.Lookup, preAt func(int, *bal.AccountAccess) (types.Account, bool, error)) ([]AccountUpdate, error) {
	// Every account with a change gives one entry, its update or its
	// deletion: where each chunk's entries go is known before any read, and
	// the chunks fill their parts of the result in place.
	n := lk.Len()
	parts := (n + updatesChunk - 1) / updatesChunk
	starts := make([]int, parts+1)
	for i := range n {
		if lk.AccessAt(i).Changed() {
			starts[i/updatesChunk+1]++
		}
	}
	for p := range parts {
		starts[p+1] += starts[p]
	}
	out := make([]AccountUpdate, starts[parts])
	fill := func(p int) error {
		lo := p * updatesChunk
		return fillUpdates(ctx, lk, preAt, lo, min(n, lo+updatesChunk), out[starts[p]:starts[p+1]])
	}
	workers := min(fanout.From(ctx).N(), parts)
	if workers <= 1 {
		for p := range parts {
			if err := fill(p); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	// The chunks are filled in any order by the workers. The error returned
	// is the first chunk's that failed, so the one the loop over all
	// accounts would meet first; chunks after a failed one are skipped.
	var (
		errs   = make([]error, parts)
		next   atomic.Int32
		failed atomic.Int32 // the lowest chunk that failed, parts if none
		wg     sync.WaitGroup
	)
	failed.Store(int32(parts))
	for range workers {
		wg.Go(func() {
			for p := int(next.Add(1)) - 1; p < parts && int32(p) < failed.Load(); p = int(next.Add(1)) - 1 {
				if errs[p] = fill(p); errs[p] != nil {
					for {
						f := failed.Load()
						if int32(p) >= f || failed.CompareAndSwap(f, int32(p)) {
							break
						}
					}
				}
			}
		})
	}
	wg.Wait()
	if f := int(failed.Load()); f < parts {
		return nil, errs[f]
	}
	return out, nil
}

// updatesChunk is how many of the list's accounts one goroutine of
// balUpdates takes at a time. The updates are derived on every core: on the
// parallel path they are the first part of the state root, which is
// computed beside the steps and must end with them.
const updatesChunk = 512

// fillUpdates writes to dst, in order, the updates of the list's accounts
// at positions lo to hi that have a change; dst has room for exactly those.
func fillUpdates(ctx context.Context, lk *bal.Lookup, preAt func(int, *bal.AccountAccess) (types.Account, bool, error), lo, hi int, dst []AccountUpdate) error {
	k := 0
	for i := lo; i < hi; i++ {
		a := lk.AccessAt(i)
		if (i-lo)%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if !a.Changed() {
			continue
		}
		acct, ok, err := preAt(i, a)
		if err != nil {
			return err
		}
		if !ok {
			acct = types.NewEmptyAccount()
		}
		final := lk.FinalAt(i)
		u := &dst[k]
		k++
		*u = AccountUpdate{Address: a.Address, Nonce: acct.Nonce, Balance: acct.Balance, CodeHash: acct.CodeHash}
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
			*u = AccountUpdate{Address: a.Address, Deleted: true}
			continue
		}
		if len(a.StorageChanges) > 0 {
			u.Storage = make([]SlotUpdate, len(a.StorageChanges))
			for j := range a.StorageChanges {
				sc := &a.StorageChanges[j]
				u.Storage[j] = SlotUpdate{Key: sc.Slot, Value: sc.Final()}
			}
		}
	}
	if k != len(dst) {
		panic(fmt.Sprintf("state: %d updates of accounts %d to %d, counted %d", k, lo, hi, len(dst)))
	}
	return nil
}

// ListBase memoizes, for one block, the pre-state of the accounts its
// access list names, by their position in the list. The parallel executor's
// steps read the fee recipient, senders and contracts through it many times
// over (every step reads the fee recipient), and the list's post-state
// (ListBase.Updates) reads every changed account once more: each reads the
// base (a concurrent cache, a hash, a lock and a map) at most about once
// per account instead.
//
// An account the list changes is read with PeekAccount when the base is an
// [AccountPeeker]: the block's updates (with the storage roots the state
// root's computation sets on them) bring a cache to its post-state value
// afterwards, so keeping its pre-block value there is wasted work.
//
// Any number of goroutines may use a ListBase at once. The first to read an
// account fills its entry; others reading it meanwhile read the base
// themselves rather than wait. Reset prepares it for the next block,
// keeping its memory.
type ListBase struct {
	base    Reader
	peek    AccountPeeker // base, when it is one
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
	m.peek, _ = base.(AccountPeeker)
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
	var (
		acct types.Account
		ok   bool
		err  error
	)
	if m.peek != nil && m.lk.AccessAt(pos).Changed() {
		acct, ok, err = m.peek.PeekAccount(m.lk.AddressAt(pos))
	} else {
		acct, ok, err = m.base.Account(m.lk.AddressAt(pos))
	}
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
