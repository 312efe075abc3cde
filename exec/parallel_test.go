package exec_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/types"
)

func newHiveChain(t *testing.T) (*exec.Chain, []types.NewPayloadRequest) {
	t.Helper()
	chain, reqs := hiveChain(t, 1) // genesis only
	return chain, reqs
}

// TestParallelMatchesSequential imports the whole hive chain twice, once
// sequentially and once with every Amsterdam block on the parallel
// processor (1, 2 and 4 workers), and compares every result field by
// field; no block may fall back to the sequential run.
func TestParallelMatchesSequential(t *testing.T) {
	seqChain, reqs := newHiveChain(t)
	want := importPayloads(t, seqChain, reqs, ^uint64(0))
	for _, workers := range []int{1, 2, 4} {
		parChain, _ := newHiveChain(t)
		parChain.EnableParallel(workers, 1)
		got := importPayloads(t, parChain, reqs, ^uint64(0))
		for i := range want {
			compareResults(t, i+1, want[i], got[i])
		}
		st := parChain.ParallelStats()
		if st.Sequential != 0 || st.Parallel == 0 {
			t.Fatalf("workers %d: %+v: every Amsterdam block with a transaction must run in parallel", workers, st)
		}
		if parChain.Head().Hash() != seqChain.Head().Hash() {
			t.Fatal("heads differ")
		}
		t.Logf("workers %d (GOMAXPROCS %d): %d blocks in parallel", workers, runtime.GOMAXPROCS(0), st.Parallel)
	}
}

func compareResults(t *testing.T, block int, want, got *exec.Result) {
	t.Helper()
	if got.GasUsed != want.GasUsed || got.Bloom != want.Bloom || got.ReceiptsRoot != want.ReceiptsRoot ||
		got.BlobGasUsed != want.BlobGasUsed || len(got.Receipts) != len(want.Receipts) || len(got.Requests) != len(want.Requests) {
		t.Fatalf("block %d: results differ", block)
	}
	for i := range want.Receipts {
		a, b := want.Receipts[i], got.Receipts[i]
		if a.CumulativeGasUsed != b.CumulativeGasUsed || a.GasUsed != b.GasUsed || a.Status != b.Status ||
			a.ContractAddress != b.ContractAddress || len(a.Logs) != len(b.Logs) {
			t.Fatalf("block %d receipt %d differs", block, i)
		}
		for j := range a.Logs {
			if a.Logs[j].Index != b.Logs[j].Index || a.Logs[j].Address != b.Logs[j].Address {
				t.Fatalf("block %d receipt %d log %d differs", block, i, j)
			}
		}
	}
	if (want.AccessList == nil) != (got.AccessList == nil) ||
		(want.AccessList != nil && want.AccessList.Hash() != got.AccessList.Hash()) {
		t.Fatalf("block %d: access lists differ", block)
	}
}

// TestParallelLyingListFallsBack: on the parallel path, a lying list (the
// header re-pinned to it) fails the parallel run; the block is executed again
// sequentially and rejected with the sequential verdict, ErrBALHashMismatch.
func TestParallelLyingListFallsBack(t *testing.T) {
	const target = 37
	chain, reqs := hiveChain(t, target)
	chain.EnableParallel(2, 1)
	real, raw := hiveTarget(t, reqs, target)
	l, err := decodeList(raw)
	if err != nil {
		t.Fatal(err)
	}
	// Change the first written value.
	for i := range l.Accounts {
		if len(l.Accounts[i].StorageChanges) > 0 {
			w := &l.Accounts[i].StorageChanges[0].Writes[0]
			w.Value.AddUint64(&w.Value, 1)
			break
		}
	}
	lying := l.EncodeRLP()
	block := *real
	block.Header.BlockAccessListHash = types.Keccak256One(lying)
	head := chain.Head().Hash()
	if _, err := chain.InsertWithAccessList(context.Background(), &block, lying); !errors.Is(err, exec.ErrBALHashMismatch) {
		t.Fatalf("got %v, want ErrBALHashMismatch", err)
	}
	if st := chain.ParallelStats(); st.Sequential != 1 {
		t.Fatalf("stats %+v: the lie must send the block to the sequential run", st)
	}
	if chain.Head().Hash() != head {
		t.Fatal("the rejected block changed the head")
	}
	if _, err := chain.InsertWithAccessList(context.Background(), real, raw); err != nil {
		t.Fatal(err)
	}
	if st := chain.ParallelStats(); st.Parallel != 1 {
		t.Fatalf("stats %+v", st)
	}
}
