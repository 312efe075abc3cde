package testdata

import (
	"fmt"
	"slices"
	"testing"
)

// The default sample and the rest (BALEXEC_EXHAUSTIVE=rest) split the
// files between them: every file in exactly one, in order; exhaustive
// gives all.
func TestSample(t *testing.T) {
	var files []string
	for i := range 23 {
		files = append(files, fmt.Sprintf("f%02d", i))
	}
	t.Setenv(EnvExhaustive, "")
	sample := Sample(files, 4)
	if want := []string{"f00", "f04", "f08", "f12", "f16", "f20"}; !slices.Equal(sample, want) {
		t.Fatalf("sample %v, want %v", sample, want)
	}
	t.Setenv(EnvExhaustive, "rest")
	rest := Sample(files, 4)
	if len(sample)+len(rest) != len(files) {
		t.Fatalf("sample %d + rest %d files, want %d", len(sample), len(rest), len(files))
	}
	all := append(slices.Clone(sample), rest...)
	slices.Sort(all)
	if !slices.Equal(all, files) {
		t.Fatalf("sample and rest do not cover the files once each: %v", all)
	}
	t.Setenv(EnvExhaustive, "1")
	if got := Sample(files, 4); !slices.Equal(got, files) {
		t.Fatalf("exhaustive: %v", got)
	}
}
