package precompile

import (
	"math"
	"math/bits"
)

// Gas prices fixed by the EIPs (and go-ethereum's params package).
const (
	gasEcrecover       = 3000
	gasSHA256Base      = 60
	gasSHA256Word      = 12
	gasRIPEMD160Base   = 600
	gasRIPEMD160Word   = 120
	gasIdentityBase    = 15
	gasIdentityWord    = 3
	gasPointEvaluation = 50000
	gasBLSG1Add        = 375
	gasBLSG1Mul        = 12000
	gasBLSG2Add        = 600
	gasBLSG2Mul        = 22500
	gasBLSPairingBase  = 37700
	gasBLSPairingPair  = 32600
	gasBLSMapG1        = 5500
	gasBLSMapG2        = 23800
	gasP256Verify      = 6900
)

// mulAdd returns a*b + c, saturating at math.MaxUint64.
func mulAdd(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	sum, carry := bits.Add64(lo, c, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return sum
}

// wordGas returns base + perWord*ceil(n/32), saturating.
func wordGas(n int, base, perWord uint64) uint64 {
	words := uint64(n) / 32
	if n%32 != 0 {
		words++
	}
	return mulAdd(words, perWord, base)
}
