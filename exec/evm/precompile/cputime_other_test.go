//go:build !unix

package precompile_test

import "time"

// processCPU is not available here; benchmarks then omit their CPU metric.
func processCPU() (time.Duration, bool) { return 0, false }
