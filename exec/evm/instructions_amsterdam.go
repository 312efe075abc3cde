package evm

// Opcodes added by Amsterdam: SLOTNUM (EIP-7843) and DUPN, SWAPN, EXCHANGE
// (EIP-8024).
//
// DUPN, SWAPN and EXCHANGE take a one-byte immediate after the opcode; a
// missing immediate (past the end of the code) reads as zero. The JUMPDEST
// analysis is unchanged (immediates are not skipped), which is why the
// immediates that would decode to JUMPDEST or PUSH bytes are invalid. The
// static stack bounds of the jump table are the smallest possible; the depth
// the immediate names is checked here, at run time.

func opSlotNum(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(evm.Block.SlotNumber)
	return nil
}

// immediate returns the byte after the opcode at f.pc, zero past the end of
// the code.
func (f *frame) immediate() byte {
	if i := f.pc + 1; i < uint64(len(f.code)) {
		return f.code[i]
	}
	return 0
}

// decodeSingle maps a DUPN or SWAPN immediate to a depth of 17..235. The
// immediates 91..127 are invalid (the caller rejects them); the others
// decode as (x + 145) mod 256.
func decodeSingle(x byte) int { return (int(x) + 145) % 256 }

// decodePair maps an EXCHANGE immediate to the pair (n, m), 1 <= n < m,
// n + m <= 30, whose items n+1 and m+1 it swaps. The immediates 82..127 are
// invalid (the caller rejects them). k = x xor 143 splits into a row q and a
// column r of a 16x16 grid: above the diagonal the pair is (q+1, r+1),
// otherwise (r+1, 29-q).
func decodePair(x byte) (n, m int) {
	k := int(x ^ 143)
	q, r := k/16, k%16
	if q < r {
		return q + 1, r + 1
	}
	return r + 1, 29 - q
}

// opDupN pushes a copy of the n-th item (n from the immediate).
func opDupN(evm *EVM, f *frame) error {
	x := f.immediate()
	if x > 90 && x < 128 {
		return ErrInvalidOpCode
	}
	n := decodeSingle(x)
	if f.stack.n < n {
		return ErrStackUnderflow
	}
	f.stack.dup(n)
	f.pc++
	return nil
}

// opSwapN exchanges the top item with the item n below it.
func opSwapN(evm *EVM, f *frame) error {
	x := f.immediate()
	if x > 90 && x < 128 {
		return ErrInvalidOpCode
	}
	n := decodeSingle(x)
	if f.stack.n < n+1 {
		return ErrStackUnderflow
	}
	f.stack.swap(n)
	f.pc++
	return nil
}

// opExchange exchanges the items n and m below the top.
func opExchange(evm *EVM, f *frame) error {
	x := f.immediate()
	if x > 81 && x < 128 {
		return ErrInvalidOpCode
	}
	n, m := decodePair(x)
	if f.stack.n < max(n, m)+1 {
		return ErrStackUnderflow
	}
	a, b := f.stack.back(n), f.stack.back(m)
	*a, *b = *b, *a
	f.pc++
	return nil
}
