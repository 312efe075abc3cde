package precompile_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/internal/testdata"
)

// benchCasesPerFile bounds how many vectors of one file are benchmarked: the
// first, the last and evenly spaced ones between (skipping NoBenchmark).
const benchCasesPerFile = 4

// BenchmarkPrecompiles runs Gas and Run, as the EVM does, over representative
// vectors of each shared file, reporting ns/op, allocs/op and Mgas/s at the
// contract's own price.
func BenchmarkPrecompiles(b *testing.B) {
	dir := testdata.Shared(b, "precompiles")
	if err := precompile.Warm(); err != nil {
		b.Fatal(err)
	}
	for _, vf := range vectorFiles {
		if strings.HasPrefix(vf.file, "fail-") {
			continue
		}
		var all []vector
		readJSON(b, filepath.Join(dir, vf.file), &all)
		var cases []vector
		for _, tc := range all {
			if !tc.NoBenchmark {
				cases = append(cases, tc)
			}
		}
		if n := len(cases); n > benchCasesPerFile {
			picked := make([]vector, benchCasesPerFile)
			for i := range picked {
				picked[i] = cases[i*(n-1)/(benchCasesPerFile-1)]
			}
			cases = picked
		}
		c := contractFor(b, vf)
		for _, tc := range cases {
			in := decodeHex(b, vf.file, tc.Name, tc.Input)
			name := strings.TrimSuffix(vf.file, ".json") + "/" + benchName(tc.Name)
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var gas uint64
				for b.Loop() {
					gas = c.Gas(in)
					if _, err := c.Run(in); err != nil {
						b.Fatal(err)
					}
				}
				if s := b.Elapsed().Seconds(); s > 0 {
					b.ReportMetric(float64(gas)*float64(b.N)/s/1e6, "mgas/s")
				}
			})
		}
	}
}

// benchName makes a vector name usable as a benchmark name.
func benchName(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.NewReplacer(" ", "_", ":", "", ",", "", "#", "").Replace(s)
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

func BenchmarkSetGet(b *testing.B) {
	s := precompile.Osaka()
	addrs := s.Addresses()
	miss := addrs[len(addrs)-1]
	miss[0] = 1
	addrs = append(addrs, miss)
	b.ReportAllocs()
	var hits int
	for b.Loop() {
		for _, a := range addrs {
			if _, ok := s.Get(a); ok {
				hits++
			}
		}
	}
	if hits == 0 {
		b.Fatal("no hits")
	}
}
