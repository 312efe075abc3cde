package state

import (
	"context"

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
}

var _ Reader = (*BALView)(nil)

// Account implements Reader.
func (v *BALView) Account(addr types.Address) (types.Account, bool, error) {
	acct, ok, err := v.Base.Account(addr)
	if err != nil {
		return acct, ok, err
	}
	st := v.Lookup.Account(addr, v.K)
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
	out := make([]AccountUpdate, 0, lk.Len())
	for i, a := range lk.All() {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		final := lk.FinalAt(i)
		if !final.Changed() && len(a.StorageChanges) == 0 {
			continue
		}
		acct, ok, err := pre.Account(a.Address)
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
