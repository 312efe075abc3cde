package exec

import (
	"math/big"

	"github.com/holiman/uint256"
)

// MinBlobBaseFee is EIP-4844's MIN_BASE_FEE_PER_BLOB_GAS.
const MinBlobBaseFee = 1

// BlobBaseFee returns the EIP-4844 blob base fee for a block with the given
// excess blob gas under a fork's update fraction:
// fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excessBlobGas, updateFraction).
// Results above 2^256-1 saturate; the series stops as soon as they do, so
// absurd inputs cannot make it run long.
func BlobBaseFee(excessBlobGas, updateFraction uint64) uint256.Int {
	var out uint256.Int
	if updateFraction == 0 {
		out.SetAllOne()
		return out
	}
	var (
		factor      = big.NewInt(MinBlobBaseFee)
		numerator   = new(big.Int).SetUint64(excessBlobGas)
		denominator = new(big.Int).SetUint64(updateFraction)
		output      = new(big.Int)
		accum       = new(big.Int).Mul(factor, denominator)
		div         = new(big.Int)
		limit       = new(big.Int).Lsh(denominator, 256) // output/denominator >= 2^256
	)
	for i := int64(1); accum.Sign() > 0; i++ {
		output.Add(output, accum)
		if output.Cmp(limit) >= 0 {
			out.SetAllOne()
			return out
		}
		accum.Mul(accum, numerator)
		accum.Quo(accum, div.Mul(denominator, big.NewInt(i)))
	}
	output.Quo(output, denominator)
	out.SetFromBig(output)
	return out
}
