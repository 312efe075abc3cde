package evm

import (
	"github.com/balexec/balexec/types"
)

// Dynamic gas functions of Amsterdam: the EIP-8038 prices and the EIP-8037
// state-gas charges. As in go-ethereum v1.17.10, each checks that the gas
// paid so far is affordable before the state read it guards, because from
// Amsterdam a state read puts the address (and the slot) into the block
// access list: an access the frame cannot pay for must not happen.

// gasAccountCheck8038 prices BALANCE and EXTCODEHASH: the warm access is the
// constant part, a cold access adds COLD_ACCOUNT_ACCESS minus it. The
// account is read by the opcode, after this cost is charged.
func gasAccountCheck8038(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	addr := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(addr) {
		evm.state.AddAddressToAccessList(addr)
		return exec(gasColdAccount8038 - gasWarmRead), nil
	}
	return GasCost{}, nil
}

// gasExtCodeSize8038 prices EXTCODESIZE: the account check plus a warm
// access for the second read (the code size).
func gasExtCodeSize8038(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	c, _ := gasAccountCheck8038(evm, f, memSize)
	c.Exec += gasWarmAccess8038
	return c, nil
}

// gasExtCodeCopy8038 prices EXTCODECOPY: memory and copy, the cold access,
// and a warm access for the second read (the code).
func gasExtCodeCopy8038(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	c, err := memPlusWords(f, memSize, 3, gasCopyWord)
	if err != nil {
		return GasCost{}, err
	}
	addr := types.Address(f.stack.peek().Bytes20())
	var overflow bool
	if !evm.state.AddressInAccessList(addr) {
		evm.state.AddAddressToAccessList(addr)
		if c.Exec, overflow = add64(c.Exec, gasColdAccount8038-gasWarmRead); overflow {
			return GasCost{}, ErrGasUintOverflow
		}
	}
	if c.Exec, overflow = add64(c.Exec, gasWarmAccess8038); overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	return c, nil
}

// gasSstore8038 prices SSTORE under EIP-8038 and EIP-8037 and applies its
// refunds. In order: the EIP-2200 sentry (more than 2300 execution gas
// left, the reservoir not counted); the access cost (2100 cold, 100 warm),
// which must be affordable before the slot is warmed and read; then by case:
//
//   - no-op: the access only;
//   - first change, 0 to x: STORAGE_WRITE plus a new slot's state gas;
//   - first change, x to 0: STORAGE_WRITE, refund STORAGE_CLEAR_REFUND;
//   - first change, x to y: STORAGE_WRITE;
//   - dirty slot: the access only, with the clear refund moved as the slot
//     leaves or reaches zero, and STORAGE_WRITE refunded when it returns to
//     its original value; a slot that returns to an original zero refills
//     the new slot's state gas in place.
func gasSstore8038(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	if f.gas.Exec <= gasSstoreSentry {
		return GasCost{}, ErrOutOfGas
	}
	var (
		slot  = f.stack.peek()
		value = f.stack.back(1)
	)
	access := uint64(gasWarmSlot8038)
	_, warm := evm.state.SlotInAccessList(f.address, *slot)
	if !warm {
		access = gasColdSlot8038
	}
	if f.gas.Exec < access {
		return GasCost{}, ErrOutOfGas
	}
	if !warm {
		evm.state.AddSlotToAccessList(f.address, *slot)
	}
	current, original := evm.state.GetStateAndCommitted(f.address, *slot)
	if current.Eq(value) { // no-op
		return exec(access), nil
	}
	if original.Eq(&current) { // first change in this transaction
		if original.IsZero() { // create
			return GasCost{Exec: access + gasStorageWrite8038, State: StateGasNewSlot}, nil
		}
		if value.IsZero() { // delete
			evm.state.AddRefund(gasStorageClear8038)
		}
		return exec(access + gasStorageWrite8038), nil
	}
	// Dirty slot: changed earlier in this transaction.
	if !original.IsZero() {
		if current.IsZero() { // recreate a slot deleted earlier
			evm.state.SubRefund(gasStorageClear8038)
		} else if value.IsZero() { // delete
			evm.state.AddRefund(gasStorageClear8038)
		}
	}
	if original.Eq(value) { // back to the original value
		if original.IsZero() {
			f.gas.RefundState(StateGasNewSlot)
		}
		evm.state.AddRefund(gasStorageWrite8038)
	}
	return exec(access), nil
}

// dynSelfdestruct8038 prices SELFDESTRUCT under EIP-8038 and EIP-8037: a
// cold beneficiary costs COLD_ACCOUNT_ACCESS, which must be affordable before
// the beneficiary is read; sending a non-zero balance to an empty
// beneficiary adds ACCOUNT_WRITE and a new account's state gas. There is no
// refund.
func dynSelfdestruct8038(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	var c GasCost
	beneficiary := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(beneficiary) {
		evm.state.AddAddressToAccessList(beneficiary)
		c.Exec = gasColdAccount8038
	}
	if f.gas.Exec < c.Exec {
		return GasCost{}, ErrOutOfGas
	}
	if evm.state.Empty(beneficiary) {
		if bal := evm.state.GetBalance(f.address); !bal.IsZero() {
			c.Exec += gasAccountWrite8038
			c.State += StateGasNewAccount
		}
	}
	return c, nil
}

// makeGasCall8038 returns the dynamic gas function of a call opcode under
// EIP-8038 and EIP-8037. It charges, each before the state read it guards:
// the cold access of the callee (COLD_ACCOUNT_ACCESS minus the constant warm
// part); memory expansion and, for CALL and CALLCODE with value, CALL_VALUE;
// then it reads the callee's code, and for an EIP-7702 delegation charges
// the target's access (3000 cold, 100 warm) and then loads the target for
// the block access list; then, for CALL with value to an empty account, the
// new account's state gas (charged to the frame directly, so that a spill
// reduces the gas the callee can get). The gas to forward (63/64 of what is
// left) goes to f.callGas.
//
// The execution charges are given back at the end and returned, so that the
// interpreter charges the opcode's execution cost in one step; the state
// charge stays.
func makeGasCall8038(kind callKind) gasFunc {
	return func(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
		var (
			addr           = types.Address(f.stack.back(1).Bytes20())
			transfersValue = (kind == kindCall || kind == kindCallCode) && !f.stack.back(2).IsZero()
			cold, deleg    uint64
		)
		if kind == kindCall && evm.readOnly && transfersValue {
			return GasCost{}, ErrWriteProtection
		}
		if !evm.state.AddressInAccessList(addr) {
			evm.state.AddAddressToAccessList(addr)
			cold = gasColdAccount8038 - gasWarmRead
			if !f.gas.ChargeExec(cold) {
				return GasCost{}, ErrOutOfGas
			}
		}
		intrinsic, err := f.mem.cost(memSize)
		if err != nil {
			return GasCost{}, err
		}
		if transfersValue {
			intrinsic += gasCallValue8038 // cannot overflow: memory cost < 2^40
		}
		if !f.gas.ChargeExec(intrinsic) {
			return GasCost{}, ErrOutOfGas
		}
		if target, ok := ParseDelegation(evm.state.GetCode(addr)); ok {
			if evm.state.AddressInAccessList(target) {
				deleg = gasWarmAccess8038
			} else {
				evm.state.AddAddressToAccessList(target)
				deleg = gasColdAccount8038
			}
			if !f.gas.ChargeExec(deleg) {
				return GasCost{}, ErrOutOfGas
			}
			evm.recordDelegationTarget(target)
		}
		if kind == kindCall && transfersValue && evm.state.Empty(addr) {
			if !f.gas.Charge(GasCost{State: StateGasNewAccount}) {
				return GasCost{}, ErrOutOfGas
			}
		}
		f.callGas = callGas(f.gas.Exec, f.stack.back(0))
		f.gas.Exec += cold + intrinsic + deleg
		return exec(cold + intrinsic + deleg + f.callGas), nil
	}
}

// recordDelegationTarget loads the delegation target of a called account
// once its access has been paid for, so that it is in the block access list
// (EIP-7928) even if the call then fails its balance or depth check.
func (evm *EVM) recordDelegationTarget(target types.Address) {
	if evm.rules.EIP7928 {
		evm.state.GetCode(target)
	}
}
