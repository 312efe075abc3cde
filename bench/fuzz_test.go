package bench

import (
	"testing"

	"github.com/balexec/balexec/exec"
)

// FuzzGenerate generates a small workload of any kind from the seed and
// sizes, and imports it sequentially and in parallel: generation never
// fails on valid parameters, and every block it makes is accepted both
// ways without a fallback.
func FuzzGenerate(f *testing.F) {
	for i := range len(specs) {
		f.Add(uint64(i), uint8(i), uint8(1), uint8(2), uint16(1+i*7))
	}
	f.Add(uint64(99), uint8(7), uint8(2), uint8(0), uint16(1))
	// Load the KZG setup now, in every worker: it takes seconds, and the
	// fuzzer takes an input that runs for 10s for a hang.
	exec.NewProcessor(mustConfig(f), nil)
	f.Fuzz(func(t *testing.T, seed uint64, which, blocks, gasM uint8, senders uint16) {
		p := Params{
			Seed:     seed,
			Blocks:   1 + int(blocks%2),
			GasLimit: MinGasLimit + uint64(gasM%8)*1_000_000,
			Senders:  1 + int(senders%64),
		}
		name := specs[int(which)%len(specs)].name
		w, err := Generate(name, p)
		if err != nil {
			t.Fatalf("%s %s: %v", name, p, err)
		}
		importWorkload(t, w, false)
		importWorkload(t, w, true)
	})
}
