package precompile

import bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"

// Internals exposed to the external test package.
var (
	Blake2bF              = blake2bF
	ModexpByzantium       = Contract(cModexpByzantium)
	ModexpBerlin          = Contract(cModexpBerlin)
	ModexpOsaka           = Contract(cModexpOsaka)
	MultComplexityEIP198  = multComplexityEIP198
	MultComplexityEIP2565 = multComplexityEIP2565
	MultComplexityEIP7883 = multComplexityEIP7883
	BLSModulus            = blsModulus
)

// NewKZGKey builds a fresh KZG verification key (not the process's shared
// one) and returns its two G2 points: the negated generator and [τ]G2.
func NewKZGKey() (negG2, tauG2 bls12381.G2Affine, err error) {
	k, err := newKZGKey()
	if err != nil {
		return negG2, tauG2, err
	}
	return k.negG2, k.tauG2, nil
}
