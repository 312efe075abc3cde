package keccak

import "fmt"

// Permutations are the implementations of Keccak-f[1600] built into this
// binary, by name; the tests hold each of them to the reference.
var Permutations = map[string]func(*[25]uint64){
	"generic": permuteGeneric,
}

// Permute is the permutation the hash functions use.
var Permute = permute

// AbsorbPermutations8 are the eight-way absorb-and-permute steps this
// binary can run on this CPU, by name.
var AbsorbPermutations8 = map[string]func(s *[25][8]uint64, blk *[17][8]uint64, keep uint8){
	"generic": absorbPermute8Generic,
}

// SumManyPaths are the ways SumMany can hash a batch on this CPU, by name:
// one input at a time, and through the eight slots with each eight-way
// step, leaving the last few inputs to finish one at a time as SumMany
// does ("min=MinSlots") or running eight-way steps to the end ("min=1").
var SumManyPaths = map[string]func(out [][Size]byte, in [][]byte){
	"one": sumOne,
}

// Vector8 says whether SumMany uses the AVX-512 step.
var Vector8 = vector8

// MinSlots is the fewest busy slots that still get an eight-way step.
const MinSlots = minSlots

func init() {
	if vector8 {
		AbsorbPermutations8["avx512"] = absorbPermute8
	}
	for _, vector := range []bool{false, true} {
		if vector && !vector8 {
			continue
		}
		name := "slots/generic"
		if vector {
			name = "slots/avx512"
		}
		for _, min := range []int{1, minSlots} {
			SumManyPaths[fmt.Sprintf("%s/min=%d", name, min)] = func(out [][Size]byte, in [][]byte) {
				sumSlots(out, in, vector, min)
			}
		}
	}
}
