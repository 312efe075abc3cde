package evm

import "github.com/holiman/uint256"

// evmStack is the operand stack of one frame: a fixed array of 1024 words held
// by value, so pushing and popping never allocate. Items are referred to by
// pointer into the array; a pointer returned by pop stays valid until the
// next push.
//
// The interpreter checks each opcode's stack bounds before running it, so
// the methods below do no bounds checks of their own beyond Go's.
type evmStack struct {
	data [StackLimit]uint256.Int
	n    int
}

func (s *evmStack) reset() { s.n = 0 }

// push pushes a copy of *v.
func (s *evmStack) push(v *uint256.Int) {
	s.data[s.n] = *v
	s.n++
}

// pushSlot makes room for one item and returns it for the caller to set.
func (s *evmStack) pushSlot() *uint256.Int {
	s.n++
	return &s.data[s.n-1]
}

// pop removes the top item and returns a pointer to it.
func (s *evmStack) pop() *uint256.Int {
	s.n--
	return &s.data[s.n]
}

// peek returns the top item.
func (s *evmStack) peek() *uint256.Int { return &s.data[s.n-1] }

// back returns the item i below the top (back(0) is the top).
func (s *evmStack) back(i int) *uint256.Int { return &s.data[s.n-1-i] }

// dup pushes a copy of the n-th item from the top (n >= 1).
func (s *evmStack) dup(n int) {
	s.data[s.n] = s.data[s.n-n]
	s.n++
}

// swap exchanges the top with the item n below it (n >= 1).
func (s *evmStack) swap(n int) {
	t := s.n - 1
	s.data[t], s.data[t-n] = s.data[t-n], s.data[t]
}
