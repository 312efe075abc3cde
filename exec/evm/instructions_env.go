package evm

import (
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Environment.

func opAddress(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetBytes20(f.address[:])
	return nil
}

func opBalance(evm *EVM, f *frame) error {
	slot := f.stack.peek()
	*slot = evm.state.GetBalance(types.Address(slot.Bytes20()))
	return nil
}

func opOrigin(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetBytes20(evm.Tx.Origin[:])
	return nil
}

func opCaller(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetBytes20(f.caller[:])
	return nil
}

func opCallValue(evm *EVM, f *frame) error {
	f.stack.push(&f.value)
	return nil
}

func opCallDataLoad(evm *EVM, f *frame) error {
	x := f.stack.peek()
	off, overflow := x.Uint64WithOverflow()
	if overflow || off >= uint64(len(f.input)) {
		x.Clear()
		return nil
	}
	var word [32]byte
	copy(word[:], f.input[off:])
	x.SetBytes32(word[:])
	return nil
}

func opCallDataSize(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(uint64(len(f.input)))
	return nil
}

// dataSlice returns the part of data in [start, start+size), clipped to
// data; the caller zero-pads the rest.
func dataSlice(data []byte, start *uint256.Int, size uint64) []byte {
	s, overflow := start.Uint64WithOverflow()
	if overflow || s >= uint64(len(data)) {
		return nil
	}
	end := s + size
	if end > uint64(len(data)) || end < s {
		end = uint64(len(data))
	}
	return data[s:end]
}

func opCallDataCopy(evm *EVM, f *frame) error {
	memOff := f.stack.pop()
	dataOff := f.stack.pop()
	length := f.stack.pop()
	// The memory range was checked and paid for by the gas function.
	size := length.Uint64()
	f.mem.setPadded(memOff.Uint64(), size, dataSlice(f.input, dataOff, size))
	return nil
}

func opCodeSize(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(uint64(len(f.code)))
	return nil
}

func opCodeCopy(evm *EVM, f *frame) error {
	memOff := f.stack.pop()
	codeOff := f.stack.pop()
	length := f.stack.pop()
	size := length.Uint64()
	f.mem.setPadded(memOff.Uint64(), size, dataSlice(f.code, codeOff, size))
	return nil
}

func opGasPrice(evm *EVM, f *frame) error {
	f.stack.push(&evm.Tx.GasPrice)
	return nil
}

func opExtCodeSize(evm *EVM, f *frame) error {
	slot := f.stack.peek()
	slot.SetUint64(uint64(evm.state.GetCodeSize(types.Address(slot.Bytes20()))))
	return nil
}

func opExtCodeCopy(evm *EVM, f *frame) error {
	a := f.stack.pop()
	memOff := f.stack.pop()
	codeOff := f.stack.pop()
	length := f.stack.pop()
	code := evm.state.GetCode(types.Address(a.Bytes20()))
	size := length.Uint64()
	f.mem.setPadded(memOff.Uint64(), size, dataSlice(code, codeOff, size))
	return nil
}

func opReturnDataSize(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(uint64(len(evm.returnData)))
	return nil
}

func opReturnDataCopy(evm *EVM, f *frame) error {
	memOff := f.stack.pop()
	dataOff := f.stack.pop()
	length := f.stack.pop()
	off, overflow := dataOff.Uint64WithOverflow()
	if overflow {
		return ErrReturnDataOutOfBounds
	}
	var end uint256.Int
	end.Add(dataOff, length)
	end64, overflow := end.Uint64WithOverflow()
	if overflow || end64 > uint64(len(evm.returnData)) {
		return ErrReturnDataOutOfBounds
	}
	f.mem.set(memOff.Uint64(), length.Uint64(), evm.returnData[off:end64])
	return nil
}

func opExtCodeHash(evm *EVM, f *frame) error {
	slot := f.stack.peek()
	addr := types.Address(slot.Bytes20())
	if evm.state.Empty(addr) {
		slot.Clear()
	} else {
		h := evm.state.GetCodeHash(addr)
		slot.SetBytes32(h[:])
	}
	return nil
}

// Block information.

func opBlockhash(evm *EVM, f *frame) error {
	num := f.stack.peek()
	n, overflow := num.Uint64WithOverflow()
	upper := evm.Block.Number
	lower := uint64(0)
	if upper > 256 {
		lower = upper - 256
	}
	if overflow || n < lower || n >= upper || evm.Block.GetHash == nil {
		num.Clear()
		return nil
	}
	h := evm.Block.GetHash(n)
	num.SetBytes32(h[:])
	return nil
}

func opCoinbase(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetBytes20(evm.Block.Coinbase[:])
	return nil
}

func opTimestamp(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(evm.Block.Time)
	return nil
}

func opNumber(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(evm.Block.Number)
	return nil
}

func opPrevRandao(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetBytes32(evm.Block.PrevRandao[:])
	return nil
}

func opGasLimit(evm *EVM, f *frame) error {
	f.stack.pushSlot().SetUint64(evm.Block.GasLimit)
	return nil
}

func opChainID(evm *EVM, f *frame) error {
	f.stack.push(&evm.rules.ChainID)
	return nil
}

func opSelfBalance(evm *EVM, f *frame) error {
	*f.stack.pushSlot() = evm.state.GetBalance(f.address)
	return nil
}

func opBaseFee(evm *EVM, f *frame) error {
	f.stack.push(&evm.Block.BaseFee)
	return nil
}

func opBlobHash(evm *EVM, f *frame) error {
	index := f.stack.peek()
	if index.LtUint64(uint64(len(evm.Tx.BlobHashes))) {
		h := evm.Tx.BlobHashes[index.Uint64()]
		index.SetBytes32(h[:])
	} else {
		index.Clear()
	}
	return nil
}

func opBlobBaseFee(evm *EVM, f *frame) error {
	f.stack.push(&evm.Block.BlobBaseFee)
	return nil
}
