package evm

import (
	"bytes"
	"slices"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Contracts created and self-destructed in one transaction (EIP-6780), at
// the end of the transaction, under the rules that need them: the
// tests-bal@v5.7.0 EIP-8037 gives their state gas back, and without
// EIP-8246 their remaining balance is burnt (with a Burn log under the
// tests-bal@v5.7.0 EIP-7708).

// trackDestruct notes that addr, created in this transaction, has
// self-destructed, when the rules act on it at the end of the transaction.
// The mark may be reverted later; the end of the transaction asks the state.
func (evm *EVM) trackDestruct(addr types.Address) {
	if !evm.rules.burnsDestructed() && !evm.rules.stateGasBalV570() {
		return
	}
	if !slices.Contains(evm.destructs, addr) {
		evm.destructs = append(evm.destructs, addr)
	}
}

// refundDestructed gives the state gas of each account created and
// destroyed in this transaction back to budget's reservoir: its new
// account, its code and its new storage slots (those restored to zero were
// refilled already), as the tests-bal@v5.7.0 EIP-8037 does before the gas
// used is worked out. The account's creation may have been paid in the
// intrinsic gas (a creation transaction), so the execution state gas may
// go below zero.
func (evm *EVM) refundDestructed(budget *Gas) {
	st := evm.state
	c := &evm.costs
	for _, addr := range evm.destructs {
		if !st.HasSelfDestructed(addr) {
			continue
		}
		gas := c.newAccount + c.bytePrice*uint64(st.GetCodeSize(addr)) + c.newSlot*uint64(st.NewSlots(addr))
		budget.RefundState(gas)
	}
}

// burnDestructed burns what the accounts destroyed in this transaction hold
// after its fees are paid, in address order, with a Burn log each under the
// tests-bal@v5.7.0 EIP-7708. (Under EIP-8246 the state keeps such a
// balance; without it the account must leave the state empty, as it does
// before Amsterdam.)
func (evm *EVM) burnDestructed() {
	if len(evm.destructs) == 0 {
		return
	}
	st := evm.state
	slices.SortFunc(evm.destructs, func(a, b types.Address) int { return bytes.Compare(a[:], b[:]) })
	for _, addr := range evm.destructs {
		if !st.HasSelfDestructed(addr) {
			continue
		}
		evm.amount = st.GetBalance(addr)
		if evm.amount.IsZero() {
			continue
		}
		if evm.rules.burnLogs() {
			st.AddLog(BurnLog(addr, &evm.amount))
		}
		st.SubBalance(addr, &evm.amount)
	}
}

// BurnLog returns the EIP-7708 log (tests-bal@v5.7.0 revision) of amount
// burnt from addr, in new memory: from SystemAddress, topics
// [BurnLogTopic, addr] (left-padded to 32 bytes), data the amount as a
// 32-byte word.
func BurnLog(addr types.Address, amount *uint256.Int) types.Log {
	topics := make([]types.Hash, 2)
	topics[0] = BurnLogTopic
	copy(topics[1][12:], addr[:])
	word := amount.Bytes32()
	return types.Log{Address: SystemAddress, Topics: topics, Data: word[:]}
}
