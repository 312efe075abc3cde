package keccak

// Permutations are the implementations of Keccak-f[1600] built into this
// binary, by name; the tests hold each of them to the reference.
var Permutations = map[string]func(*[25]uint64){
	"generic": permuteGeneric,
}

// Permute is the permutation the hash functions use.
var Permute = permute
