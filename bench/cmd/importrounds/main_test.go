package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Two rounds of two workloads at one and two cores, with the benchmark's
// own line format; the second round of transfers at 2 cores is slower on
// both paths, which the per-round ratio does not see.
const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/balexec/balexec/bench
BenchmarkImport/workload=transfers/impl=seq         	       5	 200000000 ns/op	         1.010 cores	        50.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      2000 mgas/s	        50.00 ms/block	67462466 B/op	  169169 allocs/op
BenchmarkImport/workload=transfers/impl=par         	       5	 200000000 ns/op	         1.010 cores	        52.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      2000 mgas/s	        52.00 ms/block	55745240 B/op	  141484 allocs/op
BenchmarkImport/workload=storage/impl=seq           	       5	  24000000 ns/op	         1.010 cores	         6.00 cpu-ms/block	         1.0 gc-cpu-ms/block	     16000 mgas/s	         6.00 ms/block	16607075 B/op	   37253 allocs/op
BenchmarkImport/workload=storage/impl=par           	       5	  24000000 ns/op	         1.010 cores	         6.00 cpu-ms/block	         1.0 gc-cpu-ms/block	     16000 mgas/s	         6.00 ms/block	16607075 B/op	   37253 allocs/op
BenchmarkImport/workload=transfers/impl=seq-2       	       5	 160000000 ns/op	         1.250 cores	        50.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      2500 mgas/s	        40.00 ms/block	67462466 B/op	  169169 allocs/op
BenchmarkImport/workload=transfers/impl=par-2       	       5	 100000000 ns/op	         1.900 cores	        48.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      4000 mgas/s	        25.00 ms/block	55745240 B/op	  141484 allocs/op
BenchmarkImport/workload=storage/impl=seq-2         	       5	  24000000 ns/op	         1.300 cores	         8.00 cpu-ms/block	         1.0 gc-cpu-ms/block	     16000 mgas/s	         6.00 ms/block	16607075 B/op	   37253 allocs/op
BenchmarkImport/workload=storage/impl=par-2         	       5	  16000000 ns/op	         1.700 cores	         7.50 cpu-ms/block	         1.0 gc-cpu-ms/block	     24000 mgas/s	         4.00 ms/block	16607075 B/op	   37253 allocs/op
PASS
BenchmarkImport/workload=transfers/impl=seq         	       5	 200000000 ns/op	         1.010 cores	        54.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      2000 mgas/s	        54.00 ms/block	67462466 B/op	  169169 allocs/op
BenchmarkImport/workload=transfers/impl=par         	       5	 200000000 ns/op	         1.010 cores	        54.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      2000 mgas/s	        54.00 ms/block	55745240 B/op	  141484 allocs/op
BenchmarkImport/workload=transfers/impl=seq-2       	       5	 160000000 ns/op	         1.250 cores	        80.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      2500 mgas/s	        64.00 ms/block	67462466 B/op	  169169 allocs/op
BenchmarkImport/workload=transfers/impl=par-2       	       5	 100000000 ns/op	         1.900 cores	        76.00 cpu-ms/block	         2.5 gc-cpu-ms/block	      4000 mgas/s	        40.00 ms/block	55745240 B/op	  141484 allocs/op
`

func TestSummarise(t *testing.T) {
	var out bytes.Buffer
	if err := summarise(strings.NewReader(sampleOutput), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	t.Log("\n" + got)
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want a header and four rows", len(lines))
	}
	// One-core rows first, in the order of the file; then two-core rows.
	for i, want := range [][]string{
		{"transfers", "1", "2", "52.00", "53.00", "0.98x", "0.96-1.00", "1.02", "0.98x"},
		{"storage", "1", "1", "6.00", "6.00", "1.00x", "1.00-1.00", "1.00", "1.00x"},
		// Ratios 1.60 and 1.60; ceilings 2*40/48 = 1.67 and 2*64/76 = 1.68.
		{"transfers", "2", "2", "52.00", "32.50", "1.60x", "1.60-1.60", "0.95", "1.68x"},
		{"storage", "2", "1", "6.00", "4.00", "1.50x", "1.50-1.50", "0.94", "1.60x"},
	} {
		if f := strings.Fields(lines[i+1]); strings.Join(f, " ") != strings.Join(want, " ") {
			t.Errorf("row %d: %q, want %q", i, f, want)
		}
	}
}

// Rounds split over two files, the first without its last newline, pool
// into the summary of the whole.
func TestSummariseFiles(t *testing.T) {
	cut := strings.Index(sampleOutput, "PASS\n") + len("PASS\n")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	if err := os.WriteFile(a, []byte(strings.TrimSuffix(sampleOutput[:cut], "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(sampleOutput[cut:]), 0o644); err != nil {
		t.Fatal(err)
	}
	var want, got bytes.Buffer
	if err := summarise(strings.NewReader(sampleOutput), &want); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-in", a + "," + b}, &got, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("pooled files:\n%s\nwhole:\n%s", got.String(), want.String())
	}
	if err := run([]string{"-in", a + ",/nonexistent/importrounds-input"}, new(bytes.Buffer), new(bytes.Buffer)); err == nil {
		t.Error("a missing second file: no error")
	}
}

func TestSummariseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"no results": "goos: linux\nPASS\n",
		"one path":   "BenchmarkImport/workload=storage/impl=seq 5 1 ns/op 6.00 cpu-ms/block 6.00 ms/block\n",
		"no cpu time": "BenchmarkImport/workload=storage/impl=seq 5 1 ns/op 6.00 ms/block\n" +
			"BenchmarkImport/workload=storage/impl=par 5 1 ns/op 6.00 ms/block\n",
	} {
		if err := summarise(strings.NewReader(in), new(bytes.Buffer)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-rounds", "0"},
		{"-cpu", "1,x"},
		{"-cpu", "0"},
		{"-workloads", "("},
		{"extra"},
		{"-in", "/nonexistent/importrounds-input"},
	} {
		if err := run(args, new(bytes.Buffer), new(bytes.Buffer)); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// The pattern's levels select the workloads asked for, and only them.
func TestBenchPattern(t *testing.T) {
	for _, c := range []struct {
		re    string
		match []string
		not   []string
	}{
		{".+", []string{"transfers", "erc20", "mixed"}, nil},
		{"transfers|erc20", []string{"transfers", "erc20"}, []string{"mixed", "transfers2", "xerc20"}},
	} {
		levels := strings.Split(benchPattern(c.re), "/")
		if len(levels) != 3 || levels[2] != "" {
			t.Fatalf("%q: levels %q", c.re, levels)
		}
		top := regexp.MustCompile(levels[0])
		if !top.MatchString("BenchmarkImport") || top.MatchString("BenchmarkImportDB") {
			t.Errorf("%q: top level %q", c.re, levels[0])
		}
		sub := regexp.MustCompile(levels[1])
		for _, w := range c.match {
			if !sub.MatchString("workload=" + w) {
				t.Errorf("%q does not select %s", c.re, w)
			}
		}
		for _, w := range c.not {
			if sub.MatchString("workload=" + w) {
				t.Errorf("%q selects %s", c.re, w)
			}
		}
	}
}
