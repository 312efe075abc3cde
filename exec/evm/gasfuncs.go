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

// gasAccountCheck prices the EIP-2929 access of the account at the top of
// the stack (BALANCE, EXTCODESIZE, EXTCODEHASH): the warm cost is the
// constant part, a cold access adds the difference.
func gasAccountCheck(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	addr := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(addr) {
		// Undone with the frame if the charge fails.
		evm.state.AddAddressToAccessList(addr)
		return exec(gasColdAccount - gasWarmRead), nil
	}
	return GasCost{}, nil
}

func gasExtCodeCopy(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	c, err := memPlusWords(f, memSize, 3, gasCopyWord)
	if err != nil {
		return GasCost{}, err
	}
	addr := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(addr) {
		evm.state.AddAddressToAccessList(addr)
		var overflow bool
		if c.Exec, overflow = add64(c.Exec, gasColdAccount-gasWarmRead); overflow {
			return GasCost{}, ErrGasUintOverflow
		}
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

// gasSstore prices SSTORE under EIP-2200 as amended by EIP-2929 (access
// costs) and EIP-3529 (smaller clearing refund), and applies its refunds.
//
// It fails when 2300 gas or less is left (the EIP-2200 sentry), so that a
// call with only the stipend cannot write storage.
func gasSstore(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	if f.gas.Exec <= gasSstoreSentry {
		return GasCost{}, ErrOutOfGas
	}
	var (
		slot              = f.stack.peek()
		value             = f.stack.back(1)
		current, original = evm.state.GetStateAndCommitted(f.address, *slot)
		cost              uint64
	)
	if _, warm := evm.state.SlotInAccessList(f.address, *slot); !warm {
		cost = gasColdSload
		evm.state.AddSlotToAccessList(f.address, *slot)
	}
	if current.Eq(value) { // no-op
		return exec(cost + gasWarmRead), nil
	}
	if original.Eq(&current) { // first change in this transaction
		if original.IsZero() { // create
			return exec(cost + gasSstoreSet), nil
		}
		if value.IsZero() { // delete
			evm.state.AddRefund(gasSstoreClearsRfnd)
		}
		return exec(cost + gasSstoreReset - gasColdSload), nil
	}
	// Dirty slot: changed earlier in this transaction.
	if !original.IsZero() {
		if current.IsZero() { // recreate a slot deleted earlier
			evm.state.SubRefund(gasSstoreClearsRfnd)
		} else if value.IsZero() { // delete
			evm.state.AddRefund(gasSstoreClearsRfnd)
		}
	}
	if original.Eq(value) { // back to the original value
		if original.IsZero() {
			evm.state.AddRefund(gasSstoreSet - gasWarmRead)
		} else {
			evm.state.AddRefund(gasSstoreReset - gasColdSload - gasWarmRead)
		}
	}
	return exec(cost + gasWarmRead), nil
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

func dynSelfdestruct(evm *EVM, f *frame, memSize uint64) (GasCost, error) {
	if evm.readOnly {
		return GasCost{}, ErrWriteProtection
	}
	var c uint64
	beneficiary := types.Address(f.stack.peek().Bytes20())
	if !evm.state.AddressInAccessList(beneficiary) {
		evm.state.AddAddressToAccessList(beneficiary)
		c = gasColdAccount
		// Stop before reading the beneficiary when the access is
		// unaffordable.
		if f.gas.Exec < c {
			return GasCost{}, ErrOutOfGas
		}
	}
	if evm.state.Empty(beneficiary) {
		if bal := evm.state.GetBalance(f.address); !bal.IsZero() {
			c += gasSelfdestructN
		}
	}
	return exec(c), nil
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
// in this order: the EIP-2929 cold access of the callee; the memory
// expansion and value transfer (and for CALL the new-account cost); from
// Prague the access of an EIP-7702 delegation target; then it computes the
// gas to forward under the 63/64 rule (EIP-150) from what is left, and
// returns the sum of all of it for the interpreter to charge. The forwarded
// amount is left in f.callGas.
//
// Each part is deducted as it is computed so that an unaffordable part stops
// before the state reads of the next; the total is then given back and
// returned, so that the interpreter charges the opcode's cost in one step.
func makeGasCall(kind callKind) gasFunc {
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
			cold = gasColdAccount - gasWarmRead
			if !f.gas.ChargeExec(cold) {
				return GasCost{}, ErrOutOfGas
			}
		}
		intrinsic, err := f.mem.cost(memSize)
		if err != nil {
			return GasCost{}, err
		}
		if transfersValue {
			intrinsic += gasCallValue // cannot overflow: memory cost < 2^40
		}
		if kind == kindCall {
			// Stop before reading the callee when the stateless part is
			// unaffordable.
			if f.gas.Exec < intrinsic {
				return GasCost{}, ErrOutOfGas
			}
			if transfersValue && evm.state.Empty(addr) {
				intrinsic += gasCallNewAcct
			}
		}
		if !f.gas.ChargeExec(intrinsic) {
			return GasCost{}, ErrOutOfGas
		}
		if evm.rules.IsPrague {
			if target, ok := ParseDelegation(evm.state.GetCode(addr)); ok {
				if evm.state.AddressInAccessList(target) {
					deleg = gasWarmRead
				} else {
					evm.state.AddAddressToAccessList(target)
					deleg = gasColdAccount
				}
				if !f.gas.ChargeExec(deleg) {
					return GasCost{}, ErrOutOfGas
				}
				evm.recordDelegationTarget(target)
			}
		}
		f.callGas = callGas(f.gas.Exec, f.stack.back(0))
		// Give back what was deducted above; the interpreter charges the
		// total, which is affordable by construction.
		f.gas.Exec += cold + intrinsic + deleg
		return exec(cold + intrinsic + deleg + f.callGas), nil
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
