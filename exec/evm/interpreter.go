package evm

// execFunc runs one opcode on frame f. It returns nil to continue with the
// next instruction, errStop to end the frame successfully, or an error that
// ends it.
type execFunc func(evm *EVM, f *frame) error

// gasFunc returns the dynamic cost of an opcode; memSize is the memory size
// (in bytes, a multiple of 32) the opcode needs, already computed. An error
// ends the frame as out of gas (or as the error itself for static-context
// violations).
type gasFunc func(evm *EVM, f *frame, memSize uint64) (GasCost, error)

// memSizeFunc returns the memory size an opcode touches, from its stack
// operands, and whether it overflows a uint64.
type memSizeFunc func(s *evmStack) (uint64, bool)

// operation is one entry of a jump table.
type operation struct {
	exec     execFunc
	dynGas   gasFunc     // nil when the opcode has only a constant cost
	memSize  memSizeFunc // nil when the opcode does not touch memory
	constGas uint64
	minStack int // items the opcode pops
	maxStack int // largest stack size before the opcode that does not overflow
}

// jumpTable maps each byte to its operation under one fork.
type jumpTable [256]operation

// run executes f's code until it stops, returns, reverts or fails, and
// returns its output: a slice of f.ret (volatile, see frame) or nil.
// static makes the frame and everything it calls read-only.
func (evm *EVM) run(f *frame, static bool) (ret []byte, err error) {
	// A new frame starts with empty return data.
	evm.returnData = nil
	if len(f.code) == 0 {
		return nil, nil
	}
	evm.depth++
	enterStatic := static && !evm.readOnly
	if enterStatic {
		evm.readOnly = true
	}
	f.stack.reset()
	f.mem.reset()
	f.out = nil

	var (
		table = evm.table
		code  = f.code
		st    = &f.stack
		// pc and the execution gas live in locals while inline opcodes
		// run; they are written back to the frame before anything that
		// reads or changes them there (gas functions and table opcodes)
		// and reloaded after.
		pc   = f.pc
		gas  = f.gas.Exec
		fast = !evm.tableOnly
	)
	for {
		var op byte // STOP past the end of the code
		if pc < uint64(len(code)) {
			op = code[pc]
		}
		o := &table[op]
		if n := st.n; n < o.minStack {
			err = ErrStackUnderflow
			break
		} else if n > o.maxStack {
			err = ErrStackOverflow
			break
		}
		if gas < o.constGas {
			err = ErrOutOfGas
			break
		}
		gas -= o.constGas
		if fast {
			// Inline fast path for opcodes that are defined, and behave
			// identically, in every supported fork and have no dynamic
			// cost. Its stack bounds and constant gas came from the table
			// above; the table's functions for these opcodes are the slow
			// twin (tableOnly) it is tested against.
			switch op {
			case opJUMPDEST:
				pc++
				continue
			case opPOP:
				st.n--
				pc++
				continue
			case opPUSH0:
				st.pushSlot().Clear()
				pc++
				continue
			case opPUSH1:
				v := st.pushSlot()
				if pc+1 < uint64(len(code)) {
					v.SetUint64(uint64(code[pc+1]))
				} else {
					v.Clear()
				}
				pc += 2
				continue
			case opPUSH1 + 1, opPUSH1 + 2, opPUSH1 + 3, opPUSH1 + 4, opPUSH1 + 5, opPUSH1 + 6, opPUSH1 + 7,
				opPUSH1 + 8, opPUSH1 + 9, opPUSH1 + 10, opPUSH1 + 11, opPUSH1 + 12, opPUSH1 + 13, opPUSH1 + 14,
				opPUSH1 + 15, opPUSH1 + 16, opPUSH1 + 17, opPUSH1 + 18, opPUSH1 + 19, opPUSH1 + 20, opPUSH1 + 21,
				opPUSH1 + 22, opPUSH1 + 23, opPUSH1 + 24, opPUSH1 + 25, opPUSH1 + 26, opPUSH1 + 27, opPUSH1 + 28,
				opPUSH1 + 29, opPUSH1 + 30, opPUSH32:
				n := uint64(op-opPUSH1) + 1
				v := st.pushSlot()
				if end := pc + 1 + n; end <= uint64(len(code)) {
					v.SetBytes(code[pc+1 : end])
				} else {
					pushPadded(v, code, pc+1, int(n))
				}
				pc += 1 + n
				continue
			case opDUP1, opDUP1 + 1, opDUP1 + 2, opDUP1 + 3, opDUP1 + 4, opDUP1 + 5, opDUP1 + 6, opDUP1 + 7,
				opDUP1 + 8, opDUP1 + 9, opDUP1 + 10, opDUP1 + 11, opDUP1 + 12, opDUP1 + 13, opDUP1 + 14, opDUP16:
				st.dup(int(op-opDUP1) + 1)
				pc++
				continue
			case opSWAP1:
				t := &st.data[st.n-1]
				u := &st.data[st.n-2]
				*t, *u = *u, *t
				pc++
				continue
			case opSWAP1 + 1, opSWAP1 + 2, opSWAP1 + 3, opSWAP1 + 4, opSWAP1 + 5, opSWAP1 + 6, opSWAP1 + 7,
				opSWAP1 + 8, opSWAP1 + 9, opSWAP1 + 10, opSWAP1 + 11, opSWAP1 + 12, opSWAP1 + 13, opSWAP1 + 14, opSWAP16:
				st.swap(int(op-opSWAP1) + 1)
				pc++
				continue
			case opADD:
				x := st.pop()
				y := st.peek()
				y.Add(x, y)
				pc++
				continue
			case opSUB:
				x := st.pop()
				y := st.peek()
				y.Sub(x, y)
				pc++
				continue
			case opMUL:
				x := st.pop()
				y := st.peek()
				y.Mul(x, y)
				pc++
				continue
			case opLT:
				x := st.pop()
				y := st.peek()
				setBool(y, x.Lt(y))
				pc++
				continue
			case opGT:
				x := st.pop()
				y := st.peek()
				setBool(y, x.Gt(y))
				pc++
				continue
			case opEQ:
				x := st.pop()
				y := st.peek()
				setBool(y, x.Eq(y))
				pc++
				continue
			case opISZERO:
				x := st.peek()
				setBool(x, x.IsZero())
				pc++
				continue
			case opAND:
				x := st.pop()
				y := st.peek()
				y.And(x, y)
				pc++
				continue
			case opOR:
				x := st.pop()
				y := st.peek()
				y.Or(x, y)
				pc++
				continue
			case opXOR:
				x := st.pop()
				y := st.peek()
				y.Xor(x, y)
				pc++
				continue
			case opNOT:
				x := st.peek()
				x.Not(x)
				pc++
				continue
			case opSHL:
				shift := st.pop()
				v := st.peek()
				if shift.LtUint64(256) {
					v.Lsh(v, uint(shift.Uint64()))
				} else {
					v.Clear()
				}
				pc++
				continue
			case opSHR:
				shift := st.pop()
				v := st.peek()
				if shift.LtUint64(256) {
					v.Rsh(v, uint(shift.Uint64()))
				} else {
					v.Clear()
				}
				pc++
				continue
			case opDIV:
				x := st.pop()
				y := st.peek()
				y.Div(x, y)
				pc++
				continue
			case opCALLDATALOAD:
				x := st.peek()
				if off, overflow := x.Uint64WithOverflow(); !overflow && off+32 <= uint64(len(f.input)) && off+32 > off {
					x.SetBytes32(f.input[off : off+32])
					pc++
					continue
				}
			case opMLOAD:
				// Without expansion the dynamic cost is zero; anything
				// else takes the table path.
				x := st.peek()
				if off, overflow := x.Uint64WithOverflow(); !overflow && off+32 <= uint64(len(f.mem.store)) && off+32 > off {
					x.SetBytes32(f.mem.store[off : off+32])
					pc++
					continue
				}
			case opMSTORE:
				x := st.back(0)
				if off, overflow := x.Uint64WithOverflow(); !overflow && off+32 <= uint64(len(f.mem.store)) && off+32 > off {
					st.back(1).PutUint256(f.mem.store[off : off+32])
					st.n -= 2
					pc++
					continue
				}
			case opJUMP:
				if evm.abort.Load() {
					err = ErrCancelled
					break
				}
				pos := st.pop()
				if !evm.validJump(f, pos) {
					err = ErrInvalidJump
					break
				}
				pc = pos.Uint64()
				continue
			case opJUMPI:
				if evm.abort.Load() {
					err = ErrCancelled
					break
				}
				pos := st.pop()
				if cond := st.pop(); cond.IsZero() {
					pc++
					continue
				}
				if !evm.validJump(f, pos) {
					err = ErrInvalidJump
					break
				}
				pc = pos.Uint64()
				continue
			}
			if err != nil {
				break
			}
		}
		f.pc = pc
		f.gas.Exec = gas
		err = evm.step(f, o)
		pc, gas = f.pc, f.gas.Exec
		if err != nil {
			break
		}
		pc++
	}
	f.pc = pc
	f.gas.Exec = gas
	evm.depth--
	if enterStatic {
		evm.readOnly = false
	}
	switch err {
	case errStop:
		return f.out, nil
	case ErrExecutionReverted:
		return f.out, err
	}
	return nil, err
}

// step runs one table opcode on f after its stack bounds and constant gas
// have been checked: it sizes memory, charges the dynamic gas, expands
// memory and executes the opcode. f.pc and f.gas are authoritative here.
func (evm *EVM) step(f *frame, o *operation) error {
	if o.dynGas != nil {
		var memSize uint64
		if o.memSize != nil {
			size, overflow := o.memSize(&f.stack)
			if overflow {
				return ErrGasUintOverflow
			}
			// Memory grows in words; the rounded size must fit.
			if memSize = toWords(size) * 32; memSize < size {
				return ErrGasUintOverflow
			}
		}
		cost, err := o.dynGas(evm, f, memSize)
		if err != nil {
			return err
		}
		if cost.State == 0 {
			if !f.gas.ChargeExec(cost.Exec) {
				return ErrOutOfGas
			}
		} else if !f.gas.Charge(cost) {
			return ErrOutOfGas
		}
		if memSize > uint64(len(f.mem.store)) {
			f.mem.resize(memSize)
		}
	}
	return o.exec(evm, f)
}
