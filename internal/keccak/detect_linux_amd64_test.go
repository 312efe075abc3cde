//go:build linux && amd64 && !purego

package keccak_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/balexec/balexec/internal/keccak"
)

// TestVectorDetection holds the CPUID and XGETBV check to what Linux says
// of the CPU: the eight-way path is on exactly when the kernel lists
// avx512f among the CPU's flags (it lists it only when it also saves the
// ZMM and opmask registers). A broken check would otherwise go unnoticed,
// as SumMany falls back to the scalar path with the same results.
func TestVectorDetection(t *testing.T) {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo: %v", err)
	}
	var flags []string
	for line := range strings.Lines(string(info)) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = strings.Fields(value)
			break
		}
	}
	if flags == nil {
		t.Skip("/proc/cpuinfo lists no flags")
	}
	want := slices.Contains(flags, "avx512f")
	if keccak.Vector8 != want {
		t.Fatalf("eight-way path on: %v; /proc/cpuinfo lists avx512f: %v", keccak.Vector8, want)
	}
}
