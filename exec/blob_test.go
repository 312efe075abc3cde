package exec

import (
	"testing"

	"github.com/holiman/uint256"
)

// TestBlobBaseFee checks the fake_exponential table of the EIP-4844 text and
// saturation.
func TestBlobBaseFee(t *testing.T) {
	const cancunFraction = 3338477
	cases := []struct {
		excess uint64
		want   uint64
	}{
		{0, 1},
		{2314057, 1},
		{2314058, 2},
		{10 * 1024 * 1024, 23},
	}
	for _, c := range cases {
		got := BlobBaseFee(c.excess, cancunFraction)
		if got != *uint256.NewInt(c.want) {
			t.Errorf("excess %d: fee %v, want %d", c.excess, got.Dec(), c.want)
		}
	}
	if got := BlobBaseFee(1<<63, cancunFraction); !got.Eq(new(uint256.Int).SetAllOne()) {
		t.Errorf("huge excess: %v, want saturation", got.Hex())
	}
}
