package exec_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/blocktest"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The go-ethereum-generated Amsterdam fixture: 6 blocks of about 60
// transactions each, with their access lists.
func gethpeerFixture(t testing.TB) *blocktest.Test {
	t.Helper()
	tests, err := blocktest.ParseFile(testdata.Repo(t, "gethpeer/amsterdam-seed11.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 1 {
		t.Fatalf("%d tests in the fixture", len(tests))
	}
	return tests[0]
}

// TestParallelGethpeerFixture runs the fixture sequentially and on the
// parallel executor with 1, 2, 3 and 8 workers: it must pass every time, and
// every block must be accepted by the parallel run itself.
func TestParallelGethpeerFixture(t *testing.T) {
	ft := gethpeerFixture(t)
	if err := ft.Run(); err != nil {
		t.Fatalf("sequential: %v", err)
	}
	for _, w := range []int{1, 2, 3, 8} {
		st, err := ft.RunWith(blocktest.Options{ParallelWorkers: w})
		if err != nil {
			t.Fatalf("%d workers: %v", w, err)
		}
		if st.Parallel != 6 || st.Sequential != 0 {
			t.Fatalf("%d workers: %+v, want all 6 blocks accepted by the parallel run", w, st)
		}
	}
}

// lyingFixture holds two chains at the fixture's genesis (one sequential,
// one parallel) and block 1 (the lightest, 21 Mgas) with its list, for the
// lie tests.
type lyingFixture struct {
	seq, par *exec.Chain
	block    *types.Block
	list     []byte
}

var (
	lieOnce sync.Once
	lieFix  lyingFixture
	lieErr  error
)

func loadLyingFixture(t testing.TB) *lyingFixture {
	t.Helper()
	ft := gethpeerFixture(t)
	lieOnce.Do(func() {
		blocks, err := ft.ValidBlocks()
		if err != nil {
			lieErr = err
			return
		}
		if lieFix.seq, lieErr = ft.NewChain(); lieErr != nil {
			return
		}
		if lieFix.par, lieErr = ft.NewChain(); lieErr != nil {
			return
		}
		lieFix.par.EnableParallel(4, 1)
		for _, b := range blocks[:0] {
			for _, c := range []*exec.Chain{lieFix.seq, lieFix.par} {
				if _, lieErr = c.InsertWithAccessList(context.Background(), b.Block, b.AccessList); lieErr != nil {
					return
				}
			}
		}
		lieFix.block, lieFix.list = blocks[0].Block, blocks[0].AccessList
	})
	if lieErr != nil {
		t.Fatal(lieErr)
	}
	return &lieFix
}

// mutateList applies one lie, chosen by kind, to the entry picked by pick.
// It reports false when the list has no entry of that kind.
func mutateList(l *bal.BlockAccessList, kind uint8, pick uint16, delta uint64) bool {
	if len(l.Accounts) == 0 {
		return false
	}
	a := &l.Accounts[int(pick)%len(l.Accounts)]
	bump := func(x *uint256.Int) { x.AddUint64(x, 1+delta%1000) }
	switch kind % 9 {
	case 0:
		i := int(pick) % len(l.Accounts)
		l.Accounts = append(l.Accounts[:i:i], l.Accounts[i+1:]...)
	case 1:
		if len(a.BalanceChanges) == 0 {
			return false
		}
		bump(&a.BalanceChanges[int(delta)%len(a.BalanceChanges)].Balance)
	case 2:
		if len(a.StorageChanges) == 0 {
			return false
		}
		sc := &a.StorageChanges[int(delta)%len(a.StorageChanges)]
		bump(&sc.Writes[len(sc.Writes)-1].Value)
	case 3:
		if len(a.NonceChanges) == 0 {
			return false
		}
		a.NonceChanges[len(a.NonceChanges)-1].Nonce += 1 + delta%3
	case 4:
		if len(a.StorageReads) == 0 {
			return false
		}
		a.StorageReads = a.StorageReads[1:]
	case 5:
		var s uint256.Int
		s.SetAllOne()
		if n := len(a.StorageReads); n > 0 && a.StorageReads[n-1] == s {
			return false
		}
		a.StorageReads = append(a.StorageReads[:len(a.StorageReads):len(a.StorageReads)], s)
	case 6:
		if len(a.StorageChanges) == 0 {
			return false
		}
		i := int(delta) % len(a.StorageChanges)
		a.StorageChanges = append(a.StorageChanges[:i:i], a.StorageChanges[i+1:]...)
	case 7:
		if len(a.BalanceChanges) == 0 {
			return false
		}
		a.BalanceChanges = a.BalanceChanges[:len(a.BalanceChanges)-1]
	case 8:
		if len(a.CodeChanges)+len(a.NonceChanges) == 0 {
			return false
		}
		a.NonceChanges, a.CodeChanges = nil, nil
	}
	return true
}

// lie builds block 1 with a lying list, the header re-pinned to it.
func (f *lyingFixture) lie(t testing.TB, kind uint8, pick uint16, delta uint64) (*types.Block, []byte, bool) {
	l, err := bal.Decode(f.list)
	if err != nil {
		t.Fatal(err)
	}
	if !mutateList(l, kind, pick, delta) {
		return nil, nil, false
	}
	raw := l.EncodeRLP()
	b := *f.block
	b.Header.BlockAccessListHash = types.Keccak256One(raw)
	return &b, raw, true
}

// sameOutcome inserts block into both chains and requires the same error
// text, or the same results.
func (f *lyingFixture) sameOutcome(t testing.TB, block *types.Block, raw []byte) error {
	t.Helper()
	rs, es := f.seq.InsertWithAccessList(context.Background(), block, raw)
	rp, ep := f.par.InsertWithAccessList(context.Background(), block, raw)
	if (es == nil) != (ep == nil) || (es != nil && es.Error() != ep.Error()) {
		t.Fatalf("sequential: %v\nparallel:   %v", es, ep)
	}
	if es == nil && (rs.GasUsed != rp.GasUsed || rs.ReceiptsRoot != rp.ReceiptsRoot || rs.AccessList.Hash() != rp.AccessList.Hash()) {
		t.Fatal("sequential and parallel results differ")
	}
	return es
}

// TestParallelLiesAgreeWithSequential applies every kind of lie to block 1
// and requires the parallel chain to reach the sequential chain's verdict,
// word for word.
func TestParallelLiesAgreeWithSequential(t *testing.T) {
	f := loadLyingFixture(t)
	tried := 0
	for kind := uint8(0); kind < 9; kind++ {
		for pick := uint16(0); pick < 60; pick += 5 {
			b, raw, ok := f.lie(t, kind, pick, uint64(pick))
			if !ok {
				continue
			}
			tried++
			if err := f.sameOutcome(t, b, raw); err == nil {
				t.Fatalf("lie kind %d pick %d accepted", kind, pick)
			}
		}
	}
	if tried < 20 {
		t.Fatalf("only %d lies applied", tried)
	}
	// The true block still imports on both.
	if err := f.sameOutcome(t, f.block, f.list); err != nil {
		t.Fatal(err)
	}
}

// TestParallelErrorDeterministic imports one lying block many times on 4
// workers: the error must be the same every time (run it under -race).
func TestParallelErrorDeterministic(t *testing.T) {
	f := loadLyingFixture(t)
	var (
		b   *types.Block
		raw []byte
		ok  bool
	)
	for pick := uint16(0); !ok && pick < 200; pick++ {
		b, raw, ok = f.lie(t, 2, pick, 1)
	}
	if !ok {
		t.Fatal("no storage write to lie about")
	}
	iterations := 1000
	if testing.Short() {
		iterations = 50
	}
	var first string
	for i := range iterations {
		_, err := f.par.InsertWithAccessList(context.Background(), b, raw)
		if err == nil {
			t.Fatalf("iteration %d: the lying block was accepted", i)
		}
		if i == 0 && !errors.Is(err, exec.ErrBALHashMismatch) {
			t.Logf("the lie is caught as: %v", err)
		}
		if i == 0 {
			first = err.Error()
		} else if err.Error() != first {
			t.Fatalf("iteration %d: error %q, first was %q", i, err, first)
		}
	}
}

// FuzzParallelLies: any lie, chosen by the fuzzer, gives the same verdict
// on the parallel and the sequential chain.
func FuzzParallelLies(f *testing.F) {
	for kind := uint8(0); kind < 9; kind++ {
		f.Add(kind, uint16(kind*5), uint64(kind))
	}
	f.Fuzz(func(t *testing.T, kind uint8, pick uint16, delta uint64) {
		fx := loadLyingFixture(t)
		b, raw, ok := fx.lie(t, kind, pick, delta)
		if !ok {
			return
		}
		fx.sameOutcome(t, b, raw)
	})
}

// BenchmarkFixtureImport imports the go-ethereum-generated Amsterdam
// fixture (6 blocks, 361 transactions, 176 Mgas) into a fresh chain,
// sequentially and on the parallel executor, reporting ms per block and
// Mgas/s. Building the chain (genesis state) is outside the timer.
func BenchmarkFixtureImport(b *testing.B) {
	ft := gethpeerFixture(b)
	blocks, err := ft.ValidBlocks()
	if err != nil {
		b.Fatal(err)
	}
	var gas uint64
	for _, bl := range blocks {
		gas += bl.Block.Header.GasUsed
	}
	for _, impl := range []struct {
		name    string
		workers int
	}{{"seq", 0}, {"par-1", 1}, {"par-2", 2}, {"par-4", 4}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
				b.StopTimer()
				chain, err := ft.NewChain()
				if err != nil {
					b.Fatal(err)
				}
				if impl.workers > 0 {
					chain.EnableParallel(impl.workers, 0)
				}
				b.StartTimer()
				for _, bl := range blocks {
					if _, err := chain.InsertWithAccessList(context.Background(), bl.Block, bl.AccessList); err != nil {
						b.Fatal(err)
					}
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(gas)*float64(b.N)/sec/1e6, "mgas/s")
			b.ReportMetric(sec*1000/float64(b.N*len(blocks)), "ms/block")
		})
	}
}
