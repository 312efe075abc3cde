package evm

import "github.com/balexec/balexec/types"

// applyAuthorizations applies the EIP-7702 authorizations of msg in order,
// skipping invalid ones. Under EIP-2780 budget pays their runtime charges;
// it reports false when it cannot, and the caller then undoes the
// authorizations applied so far. Otherwise budget is nil and it reports
// true; an authority that exists then gets back what the intrinsic gas
// charged for a new account: a refund before Amsterdam, a reservoir credit
// (evm.authCredit) under the tests-bal@v5.7.0 EIP-8037.
func (evm *EVM) applyAuthorizations(msg *Message, budget *Gas) bool {
	evm.authorities = evm.authorities[:0]
	for i := range msg.AuthList {
		if err := evm.applyAuthorization(msg, &msg.AuthList[i], budget); err == errAuthOutOfGas {
			return false
		}
	}
	return true
}

// authority is what one transaction has paid for an EIP-7702 authority
// (EIP-2780): its first write, and its delegation indicator (already there
// when the transaction started, or paid by an earlier authorization).
type authority struct {
	addr          types.Address
	written       bool
	indicatorPaid bool
}

// authorityFor returns the tracking entry of addr, creating it with the
// indicator counted as paid when delegated is set. Authorization lists are
// short (each entry costs intrinsic gas), so a linear scan is enough.
func (evm *EVM) authorityFor(addr types.Address, delegated bool) *authority {
	for i := range evm.authorities {
		if evm.authorities[i].addr == addr {
			return &evm.authorities[i]
		}
	}
	evm.authorities = append(evm.authorities, authority{addr: addr, indicatorPaid: delegated})
	return &evm.authorities[len(evm.authorities)-1]
}

// applyAuthorization validates one authorization and, if it is valid, bumps
// the authority's nonce and installs (or clears) its delegation. It returns
// why an authorization was skipped, or nil.
//
// Without EIP-2780 an authority that exists gets back the new account the
// intrinsic gas assumed (see applyAuthorizations). Under EIP-2780 budget pays, before the
// authority is written: ACCOUNT_WRITE for the authority's first paid write
// in the transaction (not for the sender, whose write the base cost paid,
// nor for a recipient that receives value, whose write the value cost
// paid); a new account's state gas when the authority is empty; a
// delegation indicator's state gas once per authority for a non-zero
// delegation, unless it already had one at the start. If budget cannot pay,
// it returns errAuthOutOfGas and changes nothing more.
func (evm *EVM) applyAuthorization(msg *Message, auth *types.Authorization, budget *Gas) error {
	st := evm.state
	if !auth.ChainID.IsZero() && !auth.ChainID.Eq(&evm.rules.ChainID) {
		return ErrAuthWrongChainID
	}
	if auth.Nonce+1 < auth.Nonce {
		return ErrAuthNonceOverflow
	}
	authorityAddr, err := auth.Authority()
	if err != nil {
		return ErrAuthInvalidSig
	}
	// The authority is warm even if the authorization turns out invalid.
	st.AddAddressToAccessList(authorityAddr)
	if code := st.GetCode(authorityAddr); len(code) != 0 {
		if _, ok := ParseDelegation(code); !ok {
			return ErrAuthDestinationCode
		}
	}
	if st.GetNonce(authorityAddr) != auth.Nonce {
		return ErrAuthNonceMismatch
	}
	old, delegated := ParseDelegation(st.GetCode(authorityAddr))
	switch {
	case budget == nil && evm.rules.stateGasBalV570():
		// The intrinsic state gas assumed a new account.
		if st.Exist(authorityAddr) {
			evm.authCredit += evm.costs.newAccount
		}
	case budget == nil:
		if st.Exist(authorityAddr) {
			st.AddRefund(TxAuthNewAccountGas - TxAuthTupleGas)
		}
	default:
		var cost GasCost
		track := evm.authorityFor(authorityAddr, delegated)
		if !track.written && authorityAddr != msg.From && (authorityAddr != msg.To || msg.Value.IsZero()) {
			cost.Exec += gasAccountWrite8038
			track.written = true
		}
		if st.Empty(authorityAddr) {
			cost.State += evm.costs.newAccount
		}
		if auth.Address != (types.Address{}) && !track.indicatorPaid {
			cost.State += evm.costs.delegation
			track.indicatorPaid = true
		}
		if !budget.Charge(cost) {
			return errAuthOutOfGas
		}
	}
	st.SetNonce(authorityAddr, auth.Nonce+1)
	switch {
	case auth.Address == (types.Address{}):
		if delegated {
			st.SetCode(authorityAddr, nil)
		}
	case !delegated || old != auth.Address:
		st.SetCode(authorityAddr, AppendDelegation(make([]byte, 0, DelegationLen), auth.Address))
	}
	return nil
}
