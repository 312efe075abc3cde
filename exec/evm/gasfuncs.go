package evm

import (
	"math/bits"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Memory size functions: the byte range an opcode touches, from its stack
// operands. A zero length touches nothing, whatever the offset.

// memRange returns offset+length, or overflow when it does not fit a uint64
// (a zero length is size 0 regardless of the offset).
func memRange(offset, length *uint256.Int) (uint64, bool) {
	if !length.IsUint64() {
		return 0, true
	}
	return memRangeUint(offset, length.Uint64())
}

func memRangeUint(offset *uint256.Int, length uint64) (uint64, bool) {
	if length == 0 {
		return 0, false
	}
	off, overflow := offset.Uint64WithOverflow()
	if overflow {
		return 0, true
	}
	end := off + length
	return end, end < off
}

func memKeccak256(s *evmStack) (uint64, bool) { return memRange(s.back(0), s.back(1)) }
func memCopy3(s *evmStack) (uint64, bool)     { return memRange(s.back(0), s.back(2)) }
func memExtCodeCopy(s *evmStack) (uint64, bool) {
	return memRange(s.back(1), s.back(3))
}
func memMload(s *evmStack) (uint64, bool)   { return memRangeUint(s.back(0), 32) }
func memMstore8(s *evmStack) (uint64, bool) { return memRangeUint(s.back(0), 1) }
func memOffLen(s *evmStack) (uint64, bool)  { return memRange(s.back(0), s.back(1)) }
func memCreate(s *evmStack) (uint64, bool)  { return memRange(s.back(1), s.back(2)) }

func memMcopy(s *evmStack) (uint64, bool) {
	start := s.back(0) // destination
	if s.back(1).Gt(start) {
		start = s.back(1) // source
	}
	return memRange(start, s.back(2))
}

// memCallRanges is the larger of the input and output ranges of a call;
// in and out are the stack positions of the input and output offsets.
func memCallRanges(s *evmStack, in, out int) (uint64, bool) {
	x, overflow := memRange(s.back(out), s.back(out+1))
	if overflow {
		return 0, true
	}
	y, overflow := memRange(s.back(in), s.back(in+1))
	if overflow {
		return 0, true
	}
	return max(x, y), false
}

func memCall(s *evmStack) (uint64, bool)       { return memCallRanges(s, 3, 5) }
func memStaticCall(s *evmStack) (uint64, bool) { return memCallRanges(s, 2, 4) }

// Dynamic gas functions.

// add64 adds with overflow detection.
func add64(a, b uint64) (uint64, bool) {
	s, carry := bits.Add64(a, b, 0)
	return s, carry != 0
}

// mul64 multiplies with overflow detection.
func mul64(a, b uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	return lo, hi != 0
}

// exec wraps an execution-only cost.
func exec(c uint64) GasCost { return GasCost{Exec: c} }

func gasMemory(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	c, err := f.mem.cost(memSize)
	return exec(c), err
}

// memPlusWords is the memory cost plus perWord for each word of the length
// operand at stack position pos.
func memPlusWords(f *frame, memSize uint64, pos int, perWord uint64) (GasCost, error) {
	c, err := f.mem.cost(memSize)
	if err != nil {
		return GasCost{}, err
	}
	n, overflow := f.stack.back(pos).Uint64WithOverflow()
	if overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	w, overflow := mul64(toWords(n), perWord)
	if overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	if c, overflow = add64(c, w); overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	return exec(c), nil
}

func gasKeccak256(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	return memPlusWords(f, memSize, 1, gasKeccakWord)
}

// gasCopy prices CALLDATACOPY, CODECOPY, RETURNDATACOPY and MCOPY.
func gasCopy(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	return memPlusWords(f, memSize, 2, gasCopyWord)
}

func dynExp(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	bytes := uint64((f.stack.back(1).BitLen() + 7) / 8)
	return exec(gasExp + bytes*gasExpByte), nil
}

func makeGasLog(n uint64) gasFunc {
	return func(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
		size, overflow := f.stack.back(1).Uint64WithOverflow()
		if overflow {
			return GasCost{}, ErrGasUintOverflow
		}
		c, err := f.mem.cost(memSize)
		if err != nil {
			return GasCost{}, err
		}
		if c, overflow = add64(c, gasLog+n*gasLogTopic); overflow {
			return GasCost{}, ErrGasUintOverflow
		}
		d, overflow := mul64(size, gasLogData)
		if overflow {
			return GasCost{}, ErrGasUintOverflow
		}
		if c, overflow = add64(c, d); overflow {
			return GasCost{}, ErrGasUintOverflow
		}
		return exec(c), nil
	}
}

// gasAccountCheck prices the access of the account at the top of the stack
// (BALANCE, EXTCODEHASH): the warm access is the constant part, a cold one
// adds the difference. The account is read by the opcode, after this cost
// is charged.
func gasAccountCheck(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	addr := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(addr) {
		// Undone with the frame if the charge fails.
		evm.state.AddAddressToAccessList(addr)
		return exec(evm.costs.coldAccount - evm.costs.warmAccess), nil
	}
	return GasCost{}, nil
}

// gasExtCodeSize prices EXTCODESIZE: the account check plus, from EIP-8038,
// a warm access for the second read (the code size).
func gasExtCodeSize(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	c, _ := gasAccountCheck(evm, f, memSize)
	c.Exec += evm.costs.codeRead
	return c, nil
}

// gasExtCodeCopy prices EXTCODECOPY: memory and copy, the cold access, and
// from EIP-8038 a warm access for the second read (the code).
func gasExtCodeCopy(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	c, err := memPlusWords(f, memSize, 3, gasCopyWord)
	if err != nil {
		return GasCost{}, err
	}
	addr := types.Address(f.stack.peek().Bytes20())
	var overflow bool
	if !evm.state.AddressInAccessList(addr) {
		evm.state.AddAddressToAccessList(addr)
		if c.Exec, overflow = add64(c.Exec, evm.costs.coldAccount-evm.costs.warmAccess); overflow {
			return GasCost{}, ErrGasUintOverflow
		}
	}
	if c.Exec, overflow = add64(c.Exec, evm.costs.codeRead); overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	return c, nil
}

func gasSload(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	slot := f.stack.peek()
	if _, warm := evm.state.SlotInAccessList(f.address, *slot); !warm {
		evm.state.AddSlotToAccessList(f.address, *slot)
		return exec(gasColdSload), nil
	}
	return exec(gasWarmRead), nil
}

// gasSstore prices SSTORE and applies its refunds, under EIP-2200 as
// amended by EIP-2929 and EIP-3529, or under EIP-8038 and EIP-8037, with the
// schedule's prices. In order: the EIP-2200 sentry (more than 2300
// execution gas left, the reservoir not counted); the slot's access (cold or
// warm), which must be affordable before the slot is warmed and read; then
// by case:
//
//   - no-op: the access plus sstoreNoop;
//   - first change, 0 to x: sstoreSet, plus a new slot's state gas;
//   - first change, x to 0: sstoreReset, refund sstoreClearRefund;
//   - first change, x to y: sstoreReset;
//   - dirty slot: the access plus sstoreNoop, with the clear refund moved
//     as the slot leaves or reaches zero, and the first-change price (less
//     sstoreNoop) refunded when it returns to its original value; a slot
//     that returns to an original zero refills the new slot's state gas in
//     place.
func gasSstore(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	if f.gas.Exec <= gasSstoreSentry {
		return GasCost{}, ErrOutOfGas
	}
	var (
		s     = &evm.costs
		slot  = f.stack.peek()
		value = f.stack.back(1)
	)
	access := s.slotWarm
	_, warm := evm.state.SlotInAccessList(f.address, *slot)
	if !warm {
		access = s.slotCold
	}
	if f.gas.Exec < access {
		return GasCost{}, ErrOutOfGas
	}
	if !warm {
		evm.state.AddSlotToAccessList(f.address, *slot)
	}
	current, original := evm.state.GetStateAndCommitted(f.address, *slot)
	if current.Eq(value) { // no-op
		return exec(access + s.sstoreNoop), nil
	}
	if original.Eq(&current) { // first change in this transaction
		if original.IsZero() { // create
			return GasCost{Exec: access + s.sstoreSet, State: s.newSlot}, nil
		}
		if value.IsZero() { // delete
			evm.state.AddRefund(s.sstoreClearRefund)
		}
		return exec(access + s.sstoreReset), nil
	}
	// Dirty slot: changed earlier in this transaction.
	if !original.IsZero() {
		if current.IsZero() { // recreate a slot deleted earlier
			evm.state.SubRefund(s.sstoreClearRefund)
		} else if value.IsZero() { // delete
			evm.state.AddRefund(s.sstoreClearRefund)
		}
	}
	if original.Eq(value) { // back to the original value
		if original.IsZero() {
			if s.newSlot != 0 {
				f.gas.RefundState(s.newSlot)
			}
			evm.state.AddRefund(s.sstoreSet - s.sstoreNoop)
		} else {
			evm.state.AddRefund(s.sstoreReset - s.sstoreNoop)
		}
	}
	return exec(access + s.sstoreNoop), nil
}

// dynCreate prices CREATE (EIP-3860: initcode limit and 2 gas per word).
// From Amsterdam the new account's state gas is not part of it: opCreate
// charges it in the creating frame, once the destination is known to be
// empty.
func dynCreate(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	return gasCreateWords(evm, f, memSize, gasInitCodeWord)
}

// dynCreate2 prices CREATE2: CREATE's cost plus hashing the initcode.
func dynCreate2(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	return gasCreateWords(evm, f, memSize, gasInitCodeWord+gasKeccakWord)
}

func gasCreateWords(evm *EVM, f *frame, memSize uint64, perWord uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	c, err := f.mem.cost(memSize)
	if err != nil {
		return GasCost{}, err
	}
	size, overflow := f.stack.back(2).Uint64WithOverflow()
	if overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	if size > uint64(evm.rules.MaxInitCodeSize()) {
		return GasCost{}, ErrMaxInitCodeSizeExceeded
	}
	// size is bounded, so this cannot overflow.
	if c, overflow = add64(c, perWord*toWords(size)); overflow {
		return GasCost{}, ErrGasUintOverflow
	}
	return exec(c), nil
}

// dynSelfdestruct prices SELFDESTRUCT: a cold beneficiary costs a cold
// account access, which must be affordable before the beneficiary is read;
// sending a non-zero balance to an empty beneficiary adds the schedule's
// new-account execution gas and, with EIP-8037, a new account's state gas.
func dynSelfdestruct(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	var c GasCost
	beneficiary := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(beneficiary) {
		evm.state.AddAddressToAccessList(beneficiary)
		c.Exec = evm.costs.coldAccount
		// Stop before reading the beneficiary when the access is
		// unaffordable.
		if f.gas.Exec < c.Exec {
			return GasCost{}, ErrOutOfGas
		}
	}
	if evm.state.Empty(beneficiary) {
		if bal := evm.state.GetBalance(f.address); !bal.IsZero() {
			c.Exec += evm.costs.selfdestructNewAccount
			c.State += evm.costs.newAccount
		}
	}
	return c, nil
}

// callKind distinguishes the four call opcodes in their shared gas function.
type callKind uint8

const (
	kindCall callKind = iota
	kindCallCode
	kindDelegateCall
	kindStaticCall
)

// makeGasCall returns the dynamic gas function of a call opcode. It charges,
// each before the state read it guards: the cold access of the callee (the
// schedule's cold price minus the constant warm part); the memory expansion
// and, for CALL and CALLCODE with value, the value transfer, and for CALL
// with value to an empty account the schedule's new-account execution gas;
// from Prague, for an EIP-7702 delegation, the target's access (then the
// target is loaded for the block access list); then, with EIP-8037, for CALL
// with value to an empty account, the new account's state gas (charged to
// the frame directly, so that a spill reduces the gas the callee can get).
// It computes the gas to forward under the 63/64 rule (EIP-150) from what
// is left into f.callGas.
//
// Each execution charge is deducted as it is computed so that an
// unaffordable part stops before the state reads of the next; the total is
// then given back and returned, so that the interpreter charges the
// opcode's execution cost in one step. The state charge stays.
func makeGasCall(kind callKind) gasFunc {
	return func(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
		var (
			s              = &evm.costs
			addr           = types.Address(f.stack.back(1).Bytes20())
			transfersValue = (kind == kindCall || kind == kindCallCode) && !f.stack.back(2).IsZero()
			cold, deleg    uint64
		)
		if kind == kindCall && evm.readOnly && transfersValue {
			return GasCost{}, ErrWriteProtection
		}
		if !evm.state.AddressInAccessList(addr) {
			evm.state.AddAddressToAccessList(addr)
			cold = s.coldAccount - s.warmAccess
			if !f.gas.ChargeExec(cold) {
				return GasCost{}, ErrOutOfGas
			}
		}
		intrinsic, err := f.mem.cost(memSize)
		if err != nil {
			return GasCost{}, err
		}
		if transfersValue {
			intrinsic += s.callValue // cannot overflow: memory cost < 2^40
		}
		if kind == kindCall {
			// Stop before reading the callee when the stateless part is
			// unaffordable.
			if f.gas.Exec < intrinsic {
				return GasCost{}, ErrOutOfGas
			}
			if transfersValue && s.callNewAccount != 0 && evm.state.Empty(addr) {
				intrinsic += s.callNewAccount
			}
		}
		if !f.gas.ChargeExec(intrinsic) {
			return GasCost{}, ErrOutOfGas
		}
		if evm.rules.IsPrague {
			if target, ok := ParseDelegation(evm.state.GetCode(addr)); ok {
				if evm.state.AddressInAccessList(target) {
					deleg = s.warmAccess
				} else {
					evm.state.AddAddressToAccessList(target)
					deleg = s.coldAccount
				}
				if !f.gas.ChargeExec(deleg) {
					return GasCost{}, ErrOutOfGas
				}
				evm.recordDelegationTarget(target)
			}
		}
		if kind == kindCall && transfersValue && s.newAccount != 0 && evm.state.Empty(addr) {
			if !f.gas.Charge(GasCost{State: s.newAccount}) {
				return GasCost{}, ErrOutOfGas
			}
		}
		f.callGas = callGas(f.gas.Exec, f.stack.back(0))
		// Give back what was deducted above; the interpreter charges the
		// total, which is affordable by construction.
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

// callGas returns the gas to forward to a callee: the requested amount,
// capped at all but one 64th of the gas available (EIP-150).
func callGas(available uint64, requested *uint256.Int) uint64 {
	capped := available - available/64
	if requested.IsUint64() && requested.Uint64() < capped {
		return requested.Uint64()
	}
	return capped
}
