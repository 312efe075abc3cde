package keccak

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

func init() {
	if vector8 {
		AbsorbPermutations8["avx512"] = absorbPermute8
	}
}
