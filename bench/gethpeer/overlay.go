package gethpeer

import (
	bstate "github.com/balexec/balexec/state"
	btypes "github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// overlay is a block's post-state seen through its updates over the
// pre-state, for comparing a block that balexec executed but did not
// import. Storage roots of changed accounts are unknown (left as in the
// pre-state); the comparison then leaves them out.
type overlay struct {
	pre     bstate.Reader
	updates map[btypes.Address]*bstate.AccountUpdate
}

var _ bstate.Reader = (*overlay)(nil)

func newOverlay(pre bstate.Reader, updates []bstate.AccountUpdate) *overlay {
	o := &overlay{pre: pre, updates: make(map[btypes.Address]*bstate.AccountUpdate, len(updates))}
	for i := range updates {
		o.updates[updates[i].Address] = &updates[i]
	}
	return o
}

func (o *overlay) Account(addr btypes.Address) (btypes.Account, bool, error) {
	u, ok := o.updates[addr]
	if !ok {
		return o.pre.Account(addr)
	}
	if u.Deleted {
		return btypes.Account{}, false, nil
	}
	acc, _, err := o.pre.Account(addr)
	if err != nil {
		return btypes.Account{}, false, err
	}
	acc.Nonce, acc.Balance, acc.CodeHash = u.Nonce, u.Balance, u.CodeHash
	return acc, true, nil
}

func (o *overlay) Storage(addr btypes.Address, slot uint256.Int) (uint256.Int, error) {
	u, ok := o.updates[addr]
	if !ok {
		return o.pre.Storage(addr, slot)
	}
	if u.Deleted {
		return uint256.Int{}, nil
	}
	for _, s := range u.Storage {
		if s.Key == slot {
			return s.Value, nil
		}
	}
	if u.Wiped {
		return uint256.Int{}, nil
	}
	return o.pre.Storage(addr, slot)
}

func (o *overlay) Code(addr btypes.Address, codeHash btypes.Hash) ([]byte, error) {
	if u, ok := o.updates[addr]; ok && u.CodeHash == codeHash {
		return u.Code, nil
	}
	return o.pre.Code(addr, codeHash)
}
