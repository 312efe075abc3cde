package exec_test

import (
	"slices"
	"testing"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/evm"
)

// TestStepOrder checks the schedule: index 0 and n+1 first, the heavy
// transactions (above 1/(8·workers) of the summed capped limits) by gas
// limit descending with ties in block order, then the rest in block order;
// always a permutation of the steps.
func TestStepOrder(t *testing.T) {
	cases := []struct {
		gas     []uint64
		workers int
		want    []int32
	}{
		{nil, 2, []int32{0, 1}},
		{[]uint64{21000, 21000, 21000}, 2, []int32{0, 4, 1, 2, 3}},
		// One transaction of most of the block among small ones: first.
		{[]uint64{21000, 21000, 10_000_000, 21000}, 2, []int32{0, 5, 3, 1, 2, 4}},
		// Two heavy ones, the later larger: by gas, then the rest in order.
		{[]uint64{5_000_000, 21000, 9_000_000, 21000, 21000}, 2, []int32{0, 6, 3, 1, 2, 4, 5}},
		// Limits above the cap count as the cap: equal, so block order.
		{[]uint64{evm.MaxTxGas + 5, 21000, evm.MaxTxGas * 2}, 1, []int32{0, 4, 1, 3, 2}},
		// More workers lower the bar.
		{[]uint64{100_000, 21000, 21000, 21000, 21000, 21000}, 1, []int32{0, 7, 1, 2, 3, 4, 5, 6}},
		{[]uint64{100_000, 21000, 21000, 21000, 21000, 21000}, 8, []int32{0, 7, 1, 2, 3, 4, 5, 6}},
		{[]uint64{21000, 100_000, 21000, 21000, 21000, 21000}, 8, []int32{0, 7, 2, 1, 3, 4, 5, 6}},
	}
	for _, c := range cases {
		got := exec.StepOrder(c.gas, c.workers)
		if !slices.Equal(got, c.want) {
			t.Errorf("gas %v, %d workers: order %v, want %v", c.gas, c.workers, got, c.want)
		}
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		for i, j := range sorted {
			if int(j) != i {
				t.Fatalf("gas %v: %v is not a permutation", c.gas, got)
			}
		}
	}
}
