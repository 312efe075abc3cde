package exec_test

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// paddedLieTarget is the hive block the padded lies are built on: one
// transaction, a 100M gas limit (so the size rule allows 50,000 items).
const paddedLieTarget = 37

// padCount is how many untouched accounts a padded lie adds: about 30,000,
// within the size rule.
const padCount = 30_000

// padList returns the block's list with count accounts no step touches
// added (sorted into place): with writes, each gets a balance change at
// index 1, which the transaction does not make; without, the accounts are
// bare (read-only) entries.
func padList(t testing.TB, raw []byte, count int, writes bool) *bal.BlockAccessList {
	t.Helper()
	l, err := bal.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range count {
		var a bal.AccountAccess
		a.Address[0] = 0xee // above the chain's accounts, distinct from them
		binary.BigEndian.PutUint64(a.Address[12:], uint64(i)*0x9e3779b97f4a7c15)
		if writes {
			a.BalanceChanges = []bal.BalanceChange{{Index: 1, Balance: *uint256.NewInt(uint64(i) + 1)}}
		}
		l.Accounts = append(l.Accounts, a)
	}
	slices.SortFunc(l.Accounts, func(a, b bal.AccountAccess) int { return a.Address.Compare(&b.Address) })
	return l
}

// lyingBlock re-pins the block's header to the list, so that the list
// passes the checks before execution and only execution can refute it.
func lyingBlock(t testing.TB, real *types.Block, l *bal.BlockAccessList) (*types.Block, []byte) {
	t.Helper()
	raw := l.EncodeRLP()
	if err := l.Validate(real.Header.GasLimit, len(real.Transactions)); err != nil {
		t.Fatalf("the padded list breaks a rule before execution: %v", err)
	}
	b := *real
	b.Header.BlockAccessListHash = types.Keccak256One(raw)
	return &b, raw
}

func hiveTarget(t testing.TB, reqs []types.NewPayloadRequest, n uint64) (*types.Block, []byte) {
	t.Helper()
	for i := range reqs {
		if uint64(reqs[i].Payload.BlockNumber) == n {
			b, err := engine.Block(&reqs[i])
			if err != nil {
				t.Fatal(err)
			}
			return b, reqs[i].Payload.BlockAccessList
		}
	}
	t.Fatalf("no block %d", n)
	return nil, nil
}

// TestParallelPaddedListRejected: a list padded with 30,000 accounts that no
// step touches, bare or with changes at the transaction's index, is
// rejected on the parallel path with the sequential verdict
// (ErrBALHashMismatch), leaves the chain as it was and leaks no goroutine;
// the honest block is then accepted in parallel.
func TestParallelPaddedListRejected(t *testing.T) {
	chain, reqs := hiveChain(t, paddedLieTarget)
	chain.EnableParallel(2, 1)
	real, honest := hiveTarget(t, reqs, paddedLieTarget)
	head := chain.Head().Hash()
	before := runtime.NumGoroutine()
	for _, writes := range []bool{false, true} {
		block, raw := lyingBlock(t, real, padList(t, honest, padCount, writes))
		if _, err := chain.InsertWithAccessList(context.Background(), block, raw); !errors.Is(err, exec.ErrBALHashMismatch) {
			t.Fatalf("writes %v: got %v, want ErrBALHashMismatch", writes, err)
		}
		if chain.Head().Hash() != head {
			t.Fatalf("writes %v: the rejected block changed the head", writes)
		}
	}
	if st := chain.ParallelStats(); st.Sequential != 2 || st.Parallel != 0 {
		t.Fatalf("stats %+v: both lies must reach the sequential verdict", st)
	}
	// Every goroutine of the rejected runs has been joined.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Fatalf("%d goroutines after the lies, %d before", g, before)
	}
	if _, err := chain.InsertWithAccessList(context.Background(), real, honest); err != nil {
		t.Fatal(err)
	}
	if st := chain.ParallelStats(); st.Parallel != 1 {
		t.Fatalf("stats %+v: the honest block must run in parallel", st)
	}
}

// BenchmarkLyingList times the rejection of the padded lies against the
// honest block, on both paths, each on a fresh chain at the parent (built
// with the timer stopped): what a lie costs over the honest block.
//
//	BenchmarkLyingList/list=padded-reads/path=par
func BenchmarkLyingList(b *testing.B) {
	_, reqs := hiveChain(b, 1)
	real, honest := hiveTarget(b, reqs, paddedLieTarget)
	lists := []struct {
		name  string
		block *types.Block
		raw   []byte
	}{{"honest", real, honest}}
	for _, writes := range []bool{false, true} {
		name := "padded-reads"
		if writes {
			name = "padded-writes"
		}
		block, raw := lyingBlock(b, real, padList(b, honest, padCount, writes))
		lists = append(lists, struct {
			name  string
			block *types.Block
			raw   []byte
		}{name, block, raw})
	}
	for _, l := range lists {
		for _, path := range []string{"seq", "par"} {
			b.Run("list="+l.name+"/path="+path, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
					b.StopTimer()
					chain, _ := hiveChain(b, paddedLieTarget)
					if path == "par" {
						chain.EnableParallel(0, 1)
					}
					runtime.GC()
					b.StartTimer()
					var err error
					pprof.Do(context.Background(), pprof.Labels("phase", "import"), func(context.Context) {
						_, err = chain.InsertWithAccessList(context.Background(), l.block, l.raw)
					})
					if (err == nil) != (l.name == "honest") {
						b.Fatalf("%s: %v", l.name, err)
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/block")
			})
		}
	}
}
