package gethpeer

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/internal/testdata"
)

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

// FuzzBenchWorkload generates a small bench workload (the seed picks which
// and its size) and requires all four importers to accept it in both sender
// regimes: go-ethereum's two processors and balexec's two, the parallel one
// without falling back.
func FuzzBenchWorkload(f *testing.F) {
	for _, s := range []uint64{0, 1, 7, 1 << 33} {
		f.Add(s, uint8(s), uint8(0))
		f.Add(s, uint8(s+3), uint8(5))
	}
	// Load both sides' KZG setups now, in every worker: it takes seconds,
	// and the fuzzer takes an input that runs for 10s for a hang.
	warm, err := BenchWorkload(bench.Storage, bench.Params{Blocks: 1, GasLimit: bench.MinGasLimit, Senders: 1})
	if err != nil {
		f.Fatal(err)
	}
	for _, impl := range []Impl{GethSeq, BalexecSeq} {
		r, err := warm.Prepare(impl, SendersCold)
		if err != nil {
			f.Fatal(err)
		}
		err = r.Import()
		r.Close()
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, seed uint64, which, size uint8) {
		names := bench.Workloads()
		name := names[int(which)%len(names)]
		p := bench.Params{Seed: seed, Blocks: 1 + int(seed%2), GasLimit: bench.MinGasLimit + uint64(size%6)*1_000_000, Senders: 1 + int(seed%32)}
		t.Logf("seed: %d (%s %s)", seed, name, p)
		w, err := BenchWorkload(name, p)
		if err != nil {
			t.Fatal(err)
		}
		importAll(t, w)
	})
}

// FuzzHiveWorkload feeds HiveWorkload mutated payload lists: it must
// return a workload or an ErrSetup error, never panic. (It does not parse
// the genesis file, which Prepare hands to each side.)
func FuzzHiveWorkload(f *testing.F) {
	data, err := os.ReadFile(testdata.Repo(f, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		f.Fatal(err)
	}
	var reqs []json.RawMessage
	if err := json.Unmarshal(data, &reqs); err != nil {
		f.Fatal(err)
	}
	// Small seeds: the genesis payload and block 1 (V2), and block 36, the
	// first Amsterdam payload (V5, with its access list), alone.
	for _, r := range [][2]int{{0, 2}, {36, 37}} {
		seed, err := json.Marshal(reqs[r[0]:r[1]])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed, uint64(r[0]+1))
	}
	f.Add([]byte(`[{"method":"engine_newPayloadV4","params":[{}]}]`), uint64(1))
	f.Fuzz(func(t *testing.T, payloads []byte, first uint64) {
		w, err := HiveWorkload([]byte("{}"), payloads, first)
		if err != nil {
			if !errors.Is(err, ErrSetup) {
				t.Fatalf("error without ErrSetup: %v", err)
			}
			return
		}
		if w.Timed < 0 || w.Timed >= len(w.Blocks) {
			t.Fatalf("timed index %d of %d blocks", w.Timed, len(w.Blocks))
		}
	})
}
