package evm

import "github.com/holiman/uint256"

// maxMemoryCostSize is the largest memory size whose expansion cost fits in
// a uint64 without overflow in the quadratic term; anything larger is out of
// gas (no block can pay for it anyway).
const maxMemoryCostSize = 0x1FFFFFFFE0

// evmMemory is the byte-addressed memory of one frame. It grows in 32-byte
// words and only through resize, after the expansion has been paid for; the
// accessors below assume the range they touch is inside it.
//
// The backing array is reused across frames (see EVM); bytes exposed by a
// resize are zeroed.
type evmMemory struct {
	store    []byte
	lastCost uint64 // the total expansion cost paid for the current size
}

func (m *evmMemory) reset() {
	m.store = m.store[:0]
	m.lastCost = 0
}

// resize grows the memory to size bytes, zeroing the new bytes.
func (m *evmMemory) resize(size uint64) {
	old := uint64(len(m.store))
	if size <= old {
		return
	}
	if size <= uint64(cap(m.store)) {
		m.store = m.store[:size]
		clear(m.store[old:])
		return
	}
	// Grow geometrically so that a frame expanding word by word does not
	// reallocate each time.
	newCap := max(size, 2*uint64(cap(m.store)))
	s := make([]byte, size, newCap)
	copy(s, m.store)
	m.store = s
}

// set copies value into memory at offset, filling size bytes; value
// shorter than size leaves the tail unchanged (callers pass padded data or
// size <= len(value) where that matters).
func (m *evmMemory) set(offset, size uint64, value []byte) {
	if size == 0 {
		return
	}
	copy(m.store[offset:offset+size], value)
}

// setPadded copies value into memory at offset and zero-fills up to size.
func (m *evmMemory) setPadded(offset, size uint64, value []byte) {
	if size == 0 {
		return
	}
	dst := m.store[offset : offset+size]
	n := copy(dst, value)
	clear(dst[n:])
}

// set32 stores v as a 32-byte big-endian word at offset.
func (m *evmMemory) set32(offset uint64, v *uint256.Int) {
	v.PutUint256(m.store[offset : offset+32])
}

// view returns the size bytes at offset, aliasing the memory; nil for size 0
// (whatever the offset).
func (m *evmMemory) view(offset, size uint64) []byte {
	if size == 0 {
		return nil
	}
	return m.store[offset : offset+size : offset+size]
}

// move copies length bytes from src to dst within memory (MCOPY); the
// ranges may overlap.
func (m *evmMemory) move(dst, src, length uint64) {
	if length == 0 {
		return
	}
	copy(m.store[dst:dst+length], m.store[src:src+length])
}

// toWords returns the number of 32-byte words needed for size bytes,
// without overflow.
func toWords(size uint64) uint64 {
	if size > ^uint64(0)-31 {
		return ^uint64(0)/32 + 1
	}
	return (size + 31) / 32
}

// cost returns the cost of expanding m to newSize bytes (already a
// multiple of 32, or 0) and records the new total as paid. Sizes beyond
// maxMemoryCostSize fail with ErrGasUintOverflow.
//
// NB: the new total is recorded before the caller charges it; when the
// charge fails the frame halts and m is discarded, as in go-ethereum.
func (m *evmMemory) cost(newSize uint64) (uint64, error) {
	if newSize == 0 {
		return 0, nil
	}
	if newSize > maxMemoryCostSize {
		return 0, ErrGasUintOverflow
	}
	words := toWords(newSize)
	if words*32 <= uint64(len(m.store)) {
		return 0, nil
	}
	total := words*gasMemoryWord + words*words/gasQuadCoeffDiv
	fee := total - m.lastCost
	m.lastCost = total
	return fee, nil
}
