package evm

import (
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Arithmetic, comparison and bitwise operations. Binary operations pop the
// first operand and overwrite the second in place.

func opStop(evm *EVM, f *frame) error { return errStop }

func opAdd(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Add(x, y)
	return nil
}

func opSub(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Sub(x, y)
	return nil
}

func opMul(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Mul(x, y)
	return nil
}

func opDiv(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Div(x, y)
	return nil
}

func opSdiv(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.SDiv(x, y)
	return nil
}

func opMod(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Mod(x, y)
	return nil
}

func opSmod(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.SMod(x, y)
	return nil
}

func opAddmod(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.pop()
	z := f.stack.peek()
	z.AddMod(x, y, z)
	return nil
}

func opMulmod(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.pop()
	z := f.stack.peek()
	z.MulMod(x, y, z)
	return nil
}

func opExp(evm *EVM, f *frame) error {
	base := f.stack.pop()
	exponent := f.stack.peek()
	exponent.Exp(base, exponent)
	return nil
}

func opSignExtend(evm *EVM, f *frame) error {
	back := f.stack.pop()
	num := f.stack.peek()
	num.ExtendSign(num, back)
	return nil
}

func opLt(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	setBool(y, x.Lt(y))
	return nil
}

func opGt(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	setBool(y, x.Gt(y))
	return nil
}

func opSlt(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	setBool(y, x.Slt(y))
	return nil
}

func opSgt(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	setBool(y, x.Sgt(y))
	return nil
}

func opEq(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	setBool(y, x.Eq(y))
	return nil
}

func opIszero(evm *EVM, f *frame) error {
	x := f.stack.peek()
	setBool(x, x.IsZero())
	return nil
}

func setBool(z *uint256.Int, b bool) {
	if b {
		z.SetOne()
	} else {
		z.Clear()
	}
}

func opAnd(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.And(x, y)
	return nil
}

func opOr(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Or(x, y)
	return nil
}

func opXor(evm *EVM, f *frame) error {
	x := f.stack.pop()
	y := f.stack.peek()
	y.Xor(x, y)
	return nil
}

func opNot(evm *EVM, f *frame) error {
	x := f.stack.peek()
	x.Not(x)
	return nil
}

func opByte(evm *EVM, f *frame) error {
	th := f.stack.pop()
	val := f.stack.peek()
	val.Byte(th)
	return nil
}

func opShl(evm *EVM, f *frame) error {
	shift := f.stack.pop()
	value := f.stack.peek()
	if shift.LtUint64(256) {
		value.Lsh(value, uint(shift.Uint64()))
	} else {
		value.Clear()
	}
	return nil
}

func opShr(evm *EVM, f *frame) error {
	shift := f.stack.pop()
	value := f.stack.peek()
	if shift.LtUint64(256) {
		value.Rsh(value, uint(shift.Uint64()))
	} else {
		value.Clear()
	}
	return nil
}

func opSar(evm *EVM, f *frame) error {
	shift := f.stack.pop()
	value := f.stack.peek()
	if shift.GtUint64(255) {
		if value.Sign() >= 0 {
			value.Clear()
		} else {
			value.SetAllOne()
		}
		return nil
	}
	value.SRsh(value, uint(shift.Uint64()))
	return nil
}

func opClz(evm *EVM, f *frame) error {
	x := f.stack.peek()
	x.SetUint64(256 - uint64(x.BitLen()))
	return nil
}

func opKeccak256(evm *EVM, f *frame) error {
	offset := f.stack.pop()
	size := f.stack.peek()
	h := types.Keccak256One(f.mem.view(offset.Uint64(), size.Uint64()))
	size.SetBytes32(h[:])
	return nil
}

// Stack, memory, storage and flow.

func opPop(evm *EVM, f *frame) error {
	f.stack.n--
	return nil
}

func opMload(evm *EVM, f *frame) error {
	v := f.stack.peek()
	off := v.Uint64()
	v.SetBytes32(f.mem.store[off : off+32])
	return nil
}

func opMstore(evm *EVM, f *frame) error {
	off := f.stack.pop()
	val := f.stack.pop()
	f.mem.set32(off.Uint64(), val)
	return nil
}

func opMstore8(evm *EVM, f *frame) error {
	off := f.stack.pop()
	val := f.stack.pop()
	f.mem.store[off.Uint64()] = byte(val.Uint64())
	return nil
}

func opSload(evm *EVM, f *frame) error {
	loc := f.stack.peek()
	*loc = evm.state.GetState(f.address, *loc)
	return nil
}

func opSstore(evm *EVM, f *frame) error {
	if evm.readOnly {
		return ErrWriteProtection
	}
	loc := f.stack.pop()
	val := f.stack.pop()
	evm.state.SetState(f.address, *loc, *val)
	return nil
}

func opJump(evm *EVM, f *frame) error {
	if evm.abort.Load() {
		return ErrCancelled
	}
	pos := f.stack.pop()
	if !evm.validJump(f, pos) {
		return ErrInvalidJump
	}
	f.pc = pos.Uint64() - 1 // the loop increments it
	return nil
}

func opJumpi(evm *EVM, f *frame) error {
	if evm.abort.Load() {
		return ErrCancelled
	}
	pos := f.stack.pop()
	cond := f.stack.pop()
	if cond.IsZero() {
		return nil
	}
	if !evm.validJump(f, pos) {
		return ErrInvalidJump
	}
	f.pc = pos.Uint64() - 1
	return nil
}

func opJumpdest(evm *EVM, f *frame) error { return nil }

func opPc(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(f.pc)
	return nil
}

func opMsize(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(uint64(len(f.mem.store)))
	return nil
}

func opGas(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(f.gas.Exec)
	return nil
}

func opTload(evm *EVM, f *frame) error {
	loc := f.stack.peek()
	*loc = evm.state.GetTransientState(f.address, *loc)
	return nil
}

func opTstore(evm *EVM, f *frame) error {
	if evm.readOnly {
		return ErrWriteProtection
	}
	loc := f.stack.pop()
	val := f.stack.pop()
	evm.state.SetTransientState(f.address, *loc, *val)
	return nil
}

func opMcopy(evm *EVM, f *frame) error {
	dst := f.stack.pop()
	src := f.stack.pop()
	length := f.stack.pop()
	f.mem.move(dst.Uint64(), src.Uint64(), length.Uint64())
	return nil
}

// Push, dup and swap.

func opPush0(evm *EVM, f *frame) error {
	f.stack.pushSlot().Clear()
	return nil
}

func opPush1(evm *EVM, f *frame) error {
	f.pc++
	v := f.stack.pushSlot()
	if f.pc < uint64(len(f.code)) {
		v.SetUint64(uint64(f.code[f.pc]))
	} else {
		v.Clear()
	}
	return nil
}

func opPush2(evm *EVM, f *frame) error {
	v := f.stack.pushSlot()
	if i := f.pc + 2; i < uint64(len(f.code)) {
		v.SetUint64(uint64(f.code[i-1])<<8 | uint64(f.code[i]))
	} else {
		pushPadded(v, f.code, f.pc+1, 2)
	}
	f.pc += 2
	return nil
}

// pushPadded sets v to the n bytes of code at start, reading missing bytes
// past the end of the code as zero.
func pushPadded(v *uint256.Int, code []byte, start uint64, n int) {
	var buf [32]byte
	if start < uint64(len(code)) {
		copy(buf[:n], code[start:])
	}
	v.SetBytes(buf[:n])
}

// makePush returns the PUSHn operation for n in 3..32.
func makePush(n int) execFunc {
	return func(evm *EVM, f *frame) error {
		v := f.stack.pushSlot()
		start := f.pc + 1
		if end := start + uint64(n); end <= uint64(len(f.code)) {
			v.SetBytes(f.code[start:end])
		} else {
			pushPadded(v, f.code, start, n)
		}
		f.pc += uint64(n)
		return nil
	}
}

func makeDup(n int) execFunc {
	return func(evm *EVM, f *frame) error {
		f.stack.dup(n)
		return nil
	}
}

func makeSwap(n int) execFunc {
	return func(evm *EVM, f *frame) error {
		f.stack.swap(n)
		return nil
	}
}

// Logs.

func makeLog(n int) execFunc {
	return func(evm *EVM, f *frame) error {
		if evm.readOnly {
			return ErrWriteProtection
		}
		mStart := f.stack.pop()
		mSize := f.stack.pop()
		var topics []types.Hash
		if n > 0 {
			topics = make([]types.Hash, n)
			for i := range topics {
				topics[i] = f.stack.pop().Bytes32()
			}
		}
		var data []byte
		if size := mSize.Uint64(); size > 0 {
			data = make([]byte, size)
			copy(data, f.mem.view(mStart.Uint64(), size))
		}
		evm.state.AddLog(types.Log{Address: f.address, Topics: topics, Data: data})
		return nil
	}
}

// Returning.

// setOutput copies the size bytes of memory at offset into f's output
// buffer.
func (f *frame) setOutput(offset, size *uint256.Int) {
	f.ret = append(f.ret[:0], f.mem.view(offset.Uint64(), size.Uint64())...)
	f.out = f.ret
}

func opReturn(evm *EVM, f *frame) error {
	offset := f.stack.pop()
	size := f.stack.pop()
	f.setOutput(offset, size)
	return errStop
}

func opRevert(evm *EVM, f *frame) error {
	offset := f.stack.pop()
	size := f.stack.pop()
	f.setOutput(offset, size)
	evm.returnData = f.out
	return ErrExecutionReverted
}

func opUndefined(evm *EVM, f *frame) error { return ErrInvalidOpCode }

// opSelfdestruct is SELFDESTRUCT before Cancun: the account is destroyed at
// the end of the transaction and its balance moves to the beneficiary (or is
// burnt when the beneficiary is itself).
func opSelfdestruct(evm *EVM, f *frame) error {
	if evm.readOnly {
		return ErrWriteProtection
	}
	this := f.address
	balance := evm.state.GetBalance(this)
	beneficiary := types.Address(f.stack.pop().Bytes20())
	if this != beneficiary {
		evm.state.AddBalance(beneficiary, &balance)
	}
	evm.state.SubBalance(this, &balance)
	evm.state.SelfDestruct(this)
	return errStop
}

// opSelfdestruct6780 is SELFDESTRUCT from Cancun (EIP-6780): only a contract
// created in the same transaction is destroyed; otherwise the balance moves
// and the account stays. Self-destructing to itself burns the balance
// before Amsterdam and without EIP-8246 (logged under the tests-bal@v5.7.0
// EIP-7708); under EIP-8246 it keeps it (the state then keeps the account
// with its balance alone). A balance that moves to another account is
// logged (EIP-7708).
func opSelfdestruct6780(evm *EVM, f *frame) error {
	if evm.readOnly {
		return ErrWriteProtection
	}
	this := f.address
	balance := evm.state.GetBalance(this)
	beneficiary := types.Address(f.stack.pop().Bytes20())
	if evm.state.IsNewContract(this) {
		if this != beneficiary {
			evm.state.AddBalance(beneficiary, &balance)
			evm.state.SubBalance(this, &balance)
		} else if !evm.rules.EIP8246 {
			if evm.rules.burnLogs() && !balance.IsZero() {
				evm.state.AddLog(BurnLog(this, &balance))
			}
			evm.state.SubBalance(this, &balance)
		}
		evm.state.SelfDestruct(this)
		evm.trackDestruct(this)
	} else if this != beneficiary {
		evm.state.SubBalance(this, &balance)
		evm.state.AddBalance(beneficiary, &balance)
	}
	evm.transferLog(this, beneficiary, &balance)
	return errStop
}
