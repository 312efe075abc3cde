package gethpeer

import "testing"

// FuzzDifferential generates a short chain from the seed, on a fork the
// seed picks, and requires balexec to agree with go-ethereum.
func FuzzDifferential(f *testing.F) {
	for _, s := range []uint64{0, 1, 2, 3, 17, 1 << 40, ^uint64(0)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		p := Params{Seed: seed, Fork: Forks()[seed%uint64(numForks)], Blocks: 2 + int(seed>>2%3), TxsPerBlock: 10 + int(seed>>4%16)}
		t.Logf("seed: %d (%s)", seed, p)
		c, err := Generate(p)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := Compare(c); err != nil {
			t.Fatalf("%v\n%s", err, rep)
		}
	})
}
