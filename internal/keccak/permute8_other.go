//go:build !amd64 || purego

package keccak

// vector8 is false: there is no eight-way permutation in this build.
const vector8 = false

// absorbPermute8 is absorbPermute8Generic; SumMany does not call it in
// this build.
func absorbPermute8(s *[25][8]uint64, blk *[lanes][8]uint64, keep uint8) {
	absorbPermute8Generic(s, blk, keep)
}
