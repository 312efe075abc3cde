package state

import (
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
