package evm

import (
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Calls and creates. The gas functions have computed the gas to forward
// (f.callGas) and charged it together with the opcode's own cost.

func opCall(evm *EVM, f *frame) error {
	s := &f.stack
	s.pop() // requested gas, already folded into f.callGas
	addr := types.Address(s.pop().Bytes20())
	value := *s.pop()
	inOff, inSize := s.pop(), s.pop()
	retOff, retSize := s.pop().Uint64(), s.pop().Uint64()
	args := f.mem.view(inOff.Uint64(), inSize.Uint64())

	if evm.readOnly && !value.IsZero() {
		return ErrWriteProtection
	}
	gas := f.callGas
	if !value.IsZero() {
		gas += gasCallStipend
	}
	child := f.gas.child(gas)
	ret, left, err := evm.Call(f.address, addr, args, child, &value)
	f.finishCall(evm, ret, left, err, retOff, retSize)
	// A call with value that failed leaves an empty callee empty: the new
	// account's state gas its gas function charged is refilled (go-ethereum's
	// EIP-8037; tests-bal@v5.7.0's keeps it).
	if evm.rules.stateGasGeth() && err != nil && !value.IsZero() && evm.state.Empty(addr) {
		f.gas.RefundState(evm.costs.newAccount)
	}
	return nil
}

func opCallCode(evm *EVM, f *frame) error {
	s := &f.stack
	s.pop()
	addr := types.Address(s.pop().Bytes20())
	value := *s.pop()
	inOff, inSize := s.pop(), s.pop()
	retOff, retSize := s.pop().Uint64(), s.pop().Uint64()
	args := f.mem.view(inOff.Uint64(), inSize.Uint64())

	gas := f.callGas
	if !value.IsZero() {
		gas += gasCallStipend
	}
	child := f.gas.child(gas)
	ret, left, err := evm.CallCode(f.address, addr, args, child, &value)
	f.finishCall(evm, ret, left, err, retOff, retSize)
	return nil
}

func opDelegateCall(evm *EVM, f *frame) error {
	s := &f.stack
	s.pop()
	addr := types.Address(s.pop().Bytes20())
	inOff, inSize := s.pop(), s.pop()
	retOff, retSize := s.pop().Uint64(), s.pop().Uint64()
	args := f.mem.view(inOff.Uint64(), inSize.Uint64())

	child := f.gas.child(f.callGas)
	ret, left, err := evm.DelegateCall(f.caller, f.address, addr, args, child, &f.value)
	f.finishCall(evm, ret, left, err, retOff, retSize)
	return nil
}

func opStaticCall(evm *EVM, f *frame) error {
	s := &f.stack
	s.pop()
	addr := types.Address(s.pop().Bytes20())
	inOff, inSize := s.pop(), s.pop()
	retOff, retSize := s.pop().Uint64(), s.pop().Uint64()
	args := f.mem.view(inOff.Uint64(), inSize.Uint64())

	child := f.gas.child(f.callGas)
	ret, left, err := evm.StaticCall(f.address, addr, args, child)
	f.finishCall(evm, ret, left, err, retOff, retSize)
	return nil
}

// finishCall pushes the call's status, copies its output into memory, takes
// its leftover gas back and makes its output the return data.
func (f *frame) finishCall(evm *EVM, ret []byte, left Gas, err error, retOff, retSize uint64) {
	v := f.stack.pushSlot()
	if err != nil {
		v.Clear()
	} else {
		v.SetOne()
	}
	if err == nil || err == ErrExecutionReverted {
		f.mem.set(retOff, retSize, ret)
	}
	f.gas.Absorb(left)
	evm.returnData = ret
}

func opCreate(evm *EVM, f *frame) error {
	s := &f.stack
	value := *s.pop()
	offset, size := s.pop(), s.pop()
	input := f.mem.view(offset.Uint64(), size.Uint64())
	addr := types.CreateAddress(f.address, evm.state.GetNonce(f.address))
	return f.finishCreate(evm, input, &value, addr)
}

func opCreate2(evm *EVM, f *frame) error {
	s := &f.stack
	value := *s.pop()
	offset, size := s.pop(), s.pop()
	salt := s.pop()
	input := f.mem.view(offset.Uint64(), size.Uint64())
	addr := types.CreateAddress2(f.address, salt.Bytes32(), types.Keccak256One(input))
	return f.finishCreate(evm, input, &value, addr)
}

// finishCreate forwards all but one 64th of the gas left to the creation at
// addr, pushes the new address (zero on failure) and takes the leftover gas
// back. Only a reverted creation leaves return data.
//
// With EIP-8037 the creating frame runs the creation's pre-check (depth,
// balance, nonce) itself: if it fails, the creation does not start and
// pushes zero, and the destination is never read. The new account's state
// gas is charged in this frame, before the 63/64 split (running out of gas
// there halts this frame), and refilled when the creation fails. Under
// go-ethereum's revision it is charged after the pre-check and only for an
// empty destination; under tests-bal@v5.7.0's always and before the
// pre-check (which then refills it when it fails).
func (f *frame) finishCreate(evm *EVM, input []byte, value *uint256.Int, addr types.Address) error {
	charged := false
	newAccount := GasCost{State: evm.costs.newAccount}
	switch {
	case evm.rules.stateGasBalV570():
		if !f.gas.Charge(newAccount) {
			return ErrOutOfGas
		}
		if evm.createPreCheck(f.address, value) != nil {
			f.gas.RefundState(newAccount.State)
			f.stack.pushSlot().Clear()
			evm.returnData = nil
			return nil
		}
		charged = true
	case evm.rules.EIP8037:
		if evm.createPreCheck(f.address, value) != nil {
			f.stack.pushSlot().Clear()
			evm.returnData = nil
			return nil
		}
		if evm.state.Empty(addr) {
			if !f.gas.Charge(newAccount) {
				return ErrOutOfGas
			}
			charged = true
		}
	}
	child := f.gas.Forward(f.gas.Exec - f.gas.Exec/64)
	ret, created, left, err := evm.create(f.address, input, child, value, addr)
	v := f.stack.pushSlot()
	if err != nil {
		v.Clear()
	} else {
		v.SetBytes20(created[:])
	}
	f.gas.Absorb(left)
	if charged && err != nil {
		f.gas.RefundState(newAccount.State)
	}
	if err == ErrExecutionReverted {
		evm.returnData = ret
	} else {
		evm.returnData = nil
	}
	return nil
}
