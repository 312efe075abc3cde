package gethpeer

import (
	"bytes"
	"errors"
	"os"
	"testing"

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

// importAll imports w with every importer and checks, for balexec's
// parallel importer, that every timed block with a list was accepted by the
// parallel processor with no sequential re-execution.
func importAll(t *testing.T, w *Workload) {
	t.Helper()
	withList := 0
	for _, b := range w.Blocks[w.Timed:] {
		if b.BAL != nil {
			withList++
		}
	}
	for _, impl := range Impls() {
		r, err := w.Prepare(impl)
		if err != nil {
			t.Fatalf("%s: %s: prepare: %v", w.Name, impl, err)
		}
		if err := r.Import(); err != nil {
			t.Errorf("%s: %s: %v", w.Name, impl, err)
		}
		st := r.ParallelStats()
		r.Close()
		switch {
		case impl == BalexecPar && (st.Parallel != withList || st.Sequential != 0):
			t.Errorf("%s: %s: %d blocks parallel and %d re-executed sequentially, want %d and 0",
				w.Name, impl, st.Parallel, st.Sequential, withList)
		case impl != BalexecPar && st != (exec.ParallelStats{}):
			t.Errorf("%s: %s: parallel stats %+v", w.Name, impl, st)
		}
	}
}

// TestWorkloads imports small versions of every workload with all four
// importers: each validates every block in full, so each must accept them.
func TestWorkloads(t *testing.T) {
	bulk := BulkParams{Seed: 3, Blocks: 3, TxsPerBlock: 150}
	for _, build := range []func(BulkParams) (*Workload, error){TransfersWorkload, ERC20Workload} {
		w, err := build(bulk)
		if err != nil {
			t.Fatal(err)
		}
		if w.Txs != bulk.Blocks*bulk.TxsPerBlock || w.TimedBlocks() != bulk.Blocks || w.Gas == 0 {
			t.Errorf("%s", w)
		}
		t.Logf("%s", w)
		importAll(t, w)
	}
	w, err := MixedWorkload(Params{Seed: 3, Fork: Amsterdam, Blocks: 3, TxsPerBlock: 60})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", w)
	importAll(t, w)
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

// TestBulkDeterministic: the same parameters give the same workload, byte
// for byte, and another seed another one.
func TestBulkDeterministic(t *testing.T) {
	p := BulkParams{Seed: 5, Blocks: 2, TxsPerBlock: 40}
	for _, build := range []func(BulkParams) (*Workload, error){TransfersWorkload, ERC20Workload} {
		a, err := build(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := build(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.GenesisJSON, b.GenesisJSON) || len(a.Blocks) != len(b.Blocks) {
			t.Fatalf("%s: two runs differ", a.Name)
		}
		for i := range a.Blocks {
			if !bytes.Equal(a.Blocks[i].RLP, b.Blocks[i].RLP) || !bytes.Equal(a.Blocks[i].BAL, b.Blocks[i].BAL) {
				t.Fatalf("%s: block %d differs between two runs", a.Name, i+1)
			}
		}
		q := p
		q.Seed++
		c, err := build(q)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a.Blocks[0].RLP, c.Blocks[0].RLP) {
			t.Errorf("%s: seeds %d and %d give the same block", a.Name, p.Seed, q.Seed)
		}
	}
}

// TestWorkloadErrors: bad parameters and a corrupted block are reported as
// sentinels, by every importer.
func TestWorkloadErrors(t *testing.T) {
	bad := []BulkParams{
		{Seed: 1, Blocks: 0, TxsPerBlock: 10},
		{Seed: 1, Blocks: MaxBlocks + 1, TxsPerBlock: 10},
		{Seed: 1, Blocks: 1, TxsPerBlock: 0},
		{Seed: 1, Blocks: 1, TxsPerBlock: MaxBulkTxsPerBlock + 1},
		{Seed: 1, Blocks: 1, TxsPerBlock: 10, GasLimit: 1},
	}
	for _, p := range bad {
		if _, err := TransfersWorkload(p); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%+v: %v, want ErrInvalidParams", p, err)
		}
	}
	if _, err := MixedWorkload(Params{Seed: 1, Fork: Prague, Blocks: 1}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("mixed workload of Prague: %v", err)
	}
	if _, err := HiveWorkload([]byte("{}"), []byte("[]"), 1); !errors.Is(err, ErrSetup) {
		t.Errorf("empty hive chain: %v", err)
	}
	w, err := TransfersWorkload(BulkParams{Seed: 2, Blocks: 2, TxsPerBlock: 20})
	if err != nil {
		t.Fatal(err)
	}
	// The second block comes with the first block's access list: it no
	// longer hashes to the header's.
	w.Blocks[1].BAL = w.Blocks[0].BAL
	for _, impl := range Impls() {
		r, err := w.Prepare(impl)
		if err != nil {
			t.Fatalf("%s: %v", impl, err)
		}
		err = r.Import()
		r.Close()
		if !errors.Is(err, ErrGethImport) && !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: block with another block's access list: %v", impl, err)
		}
	}
	if _, err := w.Prepare(Impl(-1)); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("unknown importer: %v", err)
	}
}
