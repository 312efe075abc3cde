package bench_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/storedb"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Environment of BenchmarkWarmer.
const (
	// warmDirEnv names a folder to keep the generated store in across runs
	// (regenerated when its shape differs); without it the store is
	// generated in a temporary folder, which takes minutes.
	warmDirEnv = "BALEXEC_WARM_BENCH_DIR"
	// warmAccountsEnv overrides the number of accounts of the state.
	warmAccountsEnv = "BALEXEC_WARM_BENCH_ACCOUNTS"
	// warmWorkersEnv overrides the warm goroutines (warmWorkers).
	warmWorkersEnv = "BALEXEC_WARM_BENCH_WORKERS"
)

// warmShape is the generated state: the mixed workload's genesis and
// Accounts more accounts, every 20th a contract with 1 to 59 slots (30 on
// average): 2,000,000 accounts and about 3,000,000 slots by default.
type warmShape struct{ Accounts int }

func (s warmShape) String() string {
	return fmt.Sprintf("mixed workload genesis + %d accounts (%d contracts, ~%d slots)", s.Accounts, s.Accounts/20, s.Accounts/20*30)
}

// fillerChunk is how many accounts one filler block adds.
const fillerChunk = 100_000

// fillerCode is the code of the filler contracts (one code hash for all).
var fillerCode = []byte{0x60, 0x00, 0x54, 0x60, 0x00, 0x55, 0x00} // PUSH1 0 SLOAD PUSH1 0 SSTORE STOP

func fillerAddr(i int) types.Address {
	h := types.Keccak256One(binary.BigEndian.AppendUint64([]byte("warm bench account"), uint64(i)))
	return types.Address(h[12:])
}

// fillerUpdates returns the accounts [lo, hi) of the filler state, sorted.
func fillerUpdates(lo, hi int) []state.AccountUpdate {
	out := make([]state.AccountUpdate, 0, hi-lo)
	codeHash := types.Keccak256One(fillerCode)
	for i := lo; i < hi; i++ {
		u := state.AccountUpdate{Address: fillerAddr(i), Nonce: uint64(i % 7), CodeHash: types.EmptyCodeHash}
		u.Balance.SetUint64(uint64(i)*1_000_003 + 1)
		if i%20 == 0 {
			u.CodeHash, u.Code = codeHash, fillerCode
			h := types.Keccak256One(binary.BigEndian.AppendUint64(nil, uint64(i)))
			n := 1 + int(binary.BigEndian.Uint32(h[:])%59)
			for j := range n {
				var s state.SlotUpdate
				if j < 4 {
					s.Key.SetUint64(uint64(j))
				} else {
					k := types.Keccak256One(binary.BigEndian.AppendUint64(h[:8], uint64(j)))
					s.Key.SetBytes32(k[:])
				}
				s.Value.SetUint64(uint64(i*64+j) + 1)
				u.Storage = append(u.Storage, s)
			}
			slices.SortFunc(u.Storage, func(a, b state.SlotUpdate) int { return a.Key.Cmp(&b.Key) })
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b state.AccountUpdate) int { return slices.Compare(a.Address[:], b.Address[:]) })
	return out
}

// warmFixture is the generated store and the block BenchmarkWarmer runs on
// its head.
type warmFixture struct {
	dir   string
	cfg   *chainspec.Config
	block *types.Block
	list  []byte
}

// loadWarmFixture returns the fixture of shape in dir, generating it when
// dir does not hold it.
func loadWarmFixture(b *testing.B, dir string, shape warmShape) *warmFixture {
	w, err := bench.Generate(bench.Mixed, bench.Params{Seed: 1, Blocks: 1})
	if err != nil {
		b.Fatal(err)
	}
	g, err := chainspec.ParseGenesis(w.GenesisJSON)
	if err != nil {
		b.Fatal(err)
	}
	fx := &warmFixture{dir: dir, cfg: g.Config}
	marker := filepath.Join(dir, "shape")
	if got, err := os.ReadFile(marker); err != nil || string(got) != shape.String() {
		b.Logf("generating the store in %s: %s", dir, shape)
		if err := os.RemoveAll(filepath.Join(dir, "db")); err != nil {
			b.Fatal(err)
		}
		generateWarmFixture(b, fx, w, g, shape)
		if err := os.WriteFile(marker, []byte(shape.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "block.rlp"))
	if err != nil {
		b.Fatal(err)
	}
	if fx.block, err = types.DecodeBlock(raw); err != nil {
		b.Fatal(err)
	}
	if fx.list, err = os.ReadFile(filepath.Join(dir, "block.bal")); err != nil {
		b.Fatal(err)
	}
	// The workload's transactions carry their senders (as from a pool).
	fx.block.Transactions = w.Blocks[0].Block.Transactions
	return fx
}

// generateWarmFixture writes the store: the workload's genesis, filler
// blocks adding shape.Accounts accounts, a compaction; then builds the
// workload's first block on the head (not imported) and saves it.
func generateWarmFixture(b *testing.B, fx *warmFixture, w *bench.Workload, g *chainspec.Genesis, shape warmShape) {
	start := time.Now()
	db, err := store.Open(filepath.Join(fx.dir, "db"), store.Options{CacheSize: 64 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	gh, err := g.Header()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := exec.OpenChain(g.Config, storedb.New(db), &gh, g.Alloc); err != nil {
		b.Fatal(err)
	}
	parent := gh
	for lo := 0; lo < shape.Accounts; lo += fillerChunk {
		updates := fillerUpdates(lo, min(lo+fillerChunk, shape.Accounts))
		root, nodes, err := trie.UpdateState(parent.Root, db, updates)
		if err != nil {
			b.Fatal(err)
		}
		h := parent
		h.ParentHash, h.Number, h.Time, h.Root = parent.Hash(), parent.Number+1, parent.Time+12, root
		if err := db.CommitBlock(&store.Block{Header: &h, Nodes: nodes, Updates: updates}); err != nil {
			b.Fatal(err)
		}
		parent = h
	}
	if err := db.Compact(); err != nil {
		b.Fatal(err)
	}
	chain, err := exec.OpenChain(g.Config, storedb.New(db), &gh, nil)
	if err != nil {
		b.Fatal(err)
	}
	wb := &w.Blocks[0].Block.Header
	built, err := chain.BuildBlock(context.Background(), &exec.BuildAttributes{
		Timestamp: parent.Time + 12, FeeRecipient: wb.Coinbase, PrevRandao: wb.MixDigest,
		ParentBeaconRoot: wb.ParentBeaconRoot, Withdrawals: w.Blocks[0].Block.Withdrawals,
		SlotNumber: parent.Number + 1, Extra: wb.Extra,
	}, w.Blocks[0].Block.Transactions)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fx.dir, "block.rlp"), built.Block.AppendRLP(nil), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fx.dir, "block.bal"), built.AccessListRLP, 0o644); err != nil {
		b.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated in %v: head %d, %.0f MiB on disk; the block has %d transactions, %.1f Mgas, %d accounts in its list",
		time.Since(start).Round(time.Second), st.Head.Number, float64(st.DiskBytes)/(1<<20),
		len(built.Block.Transactions), float64(built.Block.Header.GasUsed)/1e6, len(built.AccessList.Accounts))
}

// dropPageCache asks the kernel to drop its page cache (needs root).
func dropPageCache() error {
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0)
}

// BenchmarkWarmer executes one big block (the mixed workload's first,
// rebuilt on the generated state: about 100 Mgas, its access list naming a
// few thousand accounts and slots) on the parallel executor, on a parent
// state in the on-disk store large enough that its reads go to the disk (2
// million accounts and about 3 million slots by default, over 1 GiB), with
// the warmer off, reading the list's keys one at a time in a shuffled
// order, one at a time in key order, and sorted in batches through the
// store's iterators. Before every iteration, outside the timer, the store
// is closed, the OS page cache dropped (when run as root; otherwise the
// benchmark says so and the files stay cached) and the store reopened
// with an 8 MiB block cache; each iteration gets a new state cache and
// executor. It reports ms per block, the time to the last step gathered
// (exec-ms) and the root goroutine's time (root-ms, which runs alongside),
// the keys the warmer and execution loaded from the store, and at the end
// the ratios of the block and execution times between the modes.
//
//	BALEXEC_WARM_BENCH_DIR=/tmp/warmbench go test ./bench -run '^$' -bench BenchmarkWarmer -benchtime 5x -count 3
func BenchmarkWarmer(b *testing.B) {
	shape := warmShape{Accounts: 2_000_000}
	if testing.Short() {
		shape.Accounts = 200_000
	}
	if s := os.Getenv(warmAccountsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			b.Fatalf("%s=%q", warmAccountsEnv, s)
		}
		shape.Accounts = n
	}
	dir := os.Getenv(warmDirEnv)
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	fx := loadWarmFixture(b, dir, shape)
	workers := warmWorkers
	if s := os.Getenv(warmWorkersEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q", warmWorkersEnv, s)
		}
		workers = n
	}
	drop := true
	if err := dropPageCache(); err != nil {
		drop = false
		b.Logf("the page cache cannot be dropped (%v): not root? The store's files stay in the page cache, so reads do not go to the disk", err)
	}

	modes := []struct {
		name string
		mode cache.WarmMode
	}{
		{"off", cache.WarmOff},
		{"unsorted", cache.WarmUnsorted},
		{"sorted", cache.WarmSorted},
		{"batched", cache.WarmBatched},
	}
	// Each mode's ms per block and execution ms, one value per -count run.
	perBlock, perExec := map[string][]float64{}, map[string][]float64{}
	for _, m := range modes {
		b.Run("warmer="+m.name, func(b *testing.B) {
			b.ReportAllocs()
			var (
				db     *store.DB
				sum    exec.Timings
				loads  uint64
				misses uint64
			)
			defer func() {
				if db != nil {
					db.Close()
				}
			}()
			for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
				b.StopTimer()
				if db != nil {
					if err := db.Close(); err != nil {
						b.Fatal(err)
					}
				}
				if drop {
					if err := dropPageCache(); err != nil {
						b.Fatal(err)
					}
				}
				var err error
				if db, err = store.Open(filepath.Join(dir, "db"), store.Options{CacheSize: 8 << 20}); err != nil {
					b.Fatal(err)
				}
				sdb := storedb.New(db)
				parent, err := sdb.Head()
				if err != nil {
					b.Fatal(err)
				}
				getHash, err := exec.BlockHashes(parent, sdb.Header)
				if err != nil {
					b.Fatal(err)
				}
				pre := cache.New(&db.View, cache.Options{Warm: m.mode, WarmWorkers: workers})
				e := exec.NewExecutor(fx.cfg)
				e.EnableParallel(0, 0)
				b.StartTimer()
				res, err := e.Execute(context.Background(), fx.block, fx.list, &exec.Parent{
					Header: parent, State: pre, Nodes: sdb.Nodes(), GetHash: getHash,
				})
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if st := e.ParallelStats(); st.Parallel != 1 {
					b.Fatalf("the block did not run in parallel: %+v", st)
				}
				sum.Execution += res.Timings.Execution
				sum.Root += res.Timings.Root
				ws, rs := pre.WarmStats(), pre.Stats()
				loads += ws.Misses
				misses += rs.Misses - ws.Misses
				b.StartTimer()
			}
			n := float64(b.N)
			ms := b.Elapsed().Seconds() * 1000 / n
			b.ReportMetric(ms, "ms/block")
			b.ReportMetric(float64(sum.Execution.Microseconds())/1000/n, "exec-ms")
			b.ReportMetric(float64(sum.Root.Microseconds())/1000/n, "root-ms")
			b.ReportMetric(float64(loads)/n, "warm-loads")
			b.ReportMetric(float64(misses)/n, "exec-loads")
			perBlock[m.name] = append(perBlock[m.name], ms)
			perExec[m.name] = append(perExec[m.name], float64(sum.Execution.Microseconds())/1000/n)
		})
	}
	if len(perBlock) == len(modes) {
		cold := "the page cache dropped before each block"
		if !drop {
			cold = "the page cache NOT dropped (not root)"
		}
		// Printed rather than logged, so that it shows without -v.
		fmt.Printf("BenchmarkWarmer: %s, %s, %d warm goroutines\n", shape, cold, workers)
		for _, r := range []struct {
			what string
			t    map[string][]float64
		}{{"block time", perBlock}, {"execution time", perExec}} {
			var parts []string
			for _, p := range [][2]string{{"off", "unsorted"}, {"off", "sorted"}, {"off", "batched"}, {"unsorted", "batched"}, {"sorted", "batched"}} {
				parts = append(parts, fmt.Sprintf("%s/%s %.2f", p[0], p[1], median(r.t[p[0]])/median(r.t[p[1]])))
			}
			fmt.Printf("BenchmarkWarmer: %s ratios (medians of %d runs): %s\n", r.what, len(r.t["off"]), strings.Join(parts, ", "))
		}
	}
}

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// warmWorkers is the warm goroutines per block: reads of a store on disk
// block in the kernel without holding a core, so more goroutines than
// cores keep more reads in flight.
const warmWorkers = 16
