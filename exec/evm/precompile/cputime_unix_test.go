//go:build unix

package precompile_test

import (
	"syscall"
	"time"
)

// processCPU returns the user plus system CPU time the process has used so
// far. On a shared machine it is a steadier measure than wall time, which
// counts the time other processes hold the cores.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
