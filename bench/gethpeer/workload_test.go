package gethpeer

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"testing"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/testdata"
	btypes "github.com/balexec/balexec/types"
)

// hiveFirstTimed is the first Amsterdam block of the hive chain: the hive
// workload times blocks 36..600.
const hiveFirstTimed = 36

// hiveWorkload builds the hive workload from the repository's copy of the
// chain.
func hiveWorkload(tb testing.TB) *Workload {
	tb.Helper()
	gjson, err := os.ReadFile(testdata.Repo(tb, "hivechain-amsterdam/genesis.json"))
	if err != nil {
		tb.Fatal(err)
	}
	payloads, err := os.ReadFile(testdata.Repo(tb, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		tb.Fatal(err)
	}
	w, err := HiveWorkload(gjson, payloads, hiveFirstTimed)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// importAll imports w with every importer in both sender regimes and
// checks, for balexec's parallel importer, that every timed block with a
// list was accepted by the parallel processor with no sequential
// re-execution.
func importAll(t *testing.T, w *Workload) {
	t.Helper()
	withList := 0
	for _, b := range w.Blocks[w.Timed:] {
		if b.BAL != nil {
			withList++
		}
	}
	for _, senders := range SenderRegimes() {
		for _, impl := range Impls() {
			r, err := w.Prepare(impl, senders)
			if err != nil {
				t.Fatalf("%s: %s %s: prepare: %v", w.Name, impl, senders, err)
			}
			if err := r.Import(); err != nil {
				t.Errorf("%s: %s %s: %v", w.Name, impl, senders, err)
			}
			st := r.ParallelStats()
			r.Close()
			switch {
			case impl == BalexecPar && (st.Parallel != withList || st.Sequential != 0):
				t.Errorf("%s: %s %s: %d blocks parallel and %d re-executed sequentially, want %d and 0",
					w.Name, impl, senders, st.Parallel, st.Sequential, withList)
			case impl != BalexecPar && st != (exec.ParallelStats{}):
				t.Errorf("%s: %s %s: parallel stats %+v", w.Name, impl, senders, st)
			}
		}
	}
}

var fullSize = flag.Bool("full", false, "TestBenchWorkloadsAgree: the bench workloads at their default size (4 blocks of 100M gas) instead of a small one")

// TestBenchWorkloadsAgree generates every workload of balexec's bench
// package (small by default, full size with -full) and imports it with
// go-ethereum v1.17.10's sequential and BAL-parallel processors and
// balexec's two, in both sender regimes: go-ethereum checks each block's
// state root, receipts, bloom, gas used, requests and access list hash
// against its own execution, so its accepting the blocks balexec built is
// the agreement; balexec's parallel importer must not fall back.
func TestBenchWorkloadsAgree(t *testing.T) {
	p := bench.Params{Seed: 1, Blocks: 2, GasLimit: 20_000_000, Senders: 256}
	if *fullSize {
		p = bench.Params{Seed: 1}
	}
	t.Logf("seed %d, %s", p.Seed, p)
	for _, name := range bench.Workloads() {
		t.Run(name, func(t *testing.T) {
			w, err := BenchWorkload(name, p)
			if err != nil {
				t.Fatal(err)
			}
			if w.TimedBlocks() != p.WithDefaults().Blocks || w.Txs == 0 || w.Gas == 0 {
				t.Fatalf("%s", w)
			}
			t.Logf("%s", w)
			importAll(t, w)
		})
	}
}

// TestHiveWorkload imports the hive chain with every importer, and checks
// that the blocks and access lists go-ethereum's engine API code built from
// the payloads are those balexec's payload decoding builds.
func TestHiveWorkload(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 600 blocks four times")
	}
	w := hiveWorkload(t)
	if w.Timed != hiveFirstTimed-1 || len(w.Blocks) != 600 {
		t.Fatalf("%s", w)
	}
	data, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := btypes.ParseNewPayloadRequests(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		n := uint64(r.Payload.BlockNumber)
		if n == 0 {
			continue
		}
		b, err := engine.Block(&r)
		if err != nil {
			t.Fatal(err)
		}
		wb := w.Blocks[n-1]
		if !bytes.Equal(b.AppendRLP(nil), wb.RLP) {
			t.Fatalf("block %d: balexec's payload block differs from go-ethereum's", n)
		}
		if !bytes.Equal(r.Payload.BlockAccessList, wb.BAL) {
			t.Fatalf("block %d: access lists differ", n)
		}
	}
	t.Logf("%s", w)
	importAll(t, w)
}

// TestWorkloadErrors: bad parameters and a corrupted block are reported as
// sentinels, by every importer.
func TestWorkloadErrors(t *testing.T) {
	for _, p := range []bench.Params{{Blocks: -1}, {GasLimit: 1}, {Senders: -1}} {
		if _, err := BenchWorkload(bench.Transfers, p); !errors.Is(err, ErrInvalidParams) || !errors.Is(err, bench.ErrInvalidParams) {
			t.Errorf("%+v: %v, want ErrInvalidParams", p, err)
		}
	}
	if _, err := BenchWorkload("nope", bench.Params{}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("unknown workload: %v", err)
	}
	if _, err := HiveWorkload([]byte("{}"), []byte("[]"), 1); !errors.Is(err, ErrSetup) {
		t.Errorf("empty hive chain: %v", err)
	}
	w, err := BenchWorkload(bench.Transfers, bench.Params{Seed: 2, Blocks: 2, GasLimit: bench.MinGasLimit, Senders: 16})
	if err != nil {
		t.Fatal(err)
	}
	// The second block comes with the first block's access list: it no
	// longer hashes to the header's.
	w.Blocks[1].BAL = w.Blocks[0].BAL
	for _, impl := range Impls() {
		r, err := w.Prepare(impl, SendersCold)
		if err != nil {
			t.Fatalf("%s: %v", impl, err)
		}
		err = r.Import()
		r.Close()
		if !errors.Is(err, ErrGethImport) && !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: block with another block's access list: %v", impl, err)
		}
	}
	if _, err := w.Prepare(Impl(-1), SendersCold); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("unknown importer: %v", err)
	}
	if _, err := w.Prepare(GethSeq, SenderRegime(7)); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("unknown sender regime: %v", err)
	}
	// A wrong number of known senders is a setup error.
	w.Blocks[0].Senders = w.Blocks[0].Senders[1:]
	if _, err := w.Prepare(BalexecSeq, SendersWarm); !errors.Is(err, ErrSetup) {
		t.Errorf("short sender list: %v", err)
	}
}
