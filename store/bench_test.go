package store_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Environment of BenchmarkWarmRead.
const (
	// benchDirEnv names a folder to keep the generated store in across runs
	// (it is regenerated when its size does not match); without it the store
	// is generated in a temporary folder removed at exit.
	benchDirEnv = "BALEXEC_STORE_BENCH_DIR"
	// benchColdEnv=1 makes every iteration cold: the store is closed, the
	// OS page cache dropped (writing 3 to /proc/sys/vm/drop_caches, which
	// needs root) and the store reopened with an empty block cache, all
	// outside the timer.
	benchColdEnv = "BALEXEC_STORE_BENCH_COLD"
)

// benchShape is the size of the generated state: accounts, of which the
// first Contracts (by generation index) have storage, slotsPer on average.
type benchShape struct {
	Accounts, Contracts, SlotsPer int
}

func (s benchShape) String() string {
	return fmt.Sprintf("%d accounts, %d contracts, ~%d slots", s.Accounts, s.Contracts, s.Contracts*s.SlotsPer)
}

var (
	fullShape  = benchShape{Accounts: 1_000_000, Contracts: 100_000, SlotsPer: 40} // ~4M slots
	shortShape = benchShape{Accounts: 100_000, Contracts: 10_000, SlotsPer: 40}    // ~400k slots
)

// The block the benchmark reads: a big one.
const (
	benchAccounts = 5000
	benchSlots    = 10000
)

// benchSeed fixes the generated state (the sampled keys are seeded per run
// and logged).
const benchSeed = 0x5eed

func benchAddr(i int) types.Address {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], benchSeed)
	binary.BigEndian.PutUint64(b[8:], uint64(i))
	h := types.Keccak256One(b[:])
	return types.Address(h[:20])
}

// benchSlotCount is the number of slots of contract c: 1 to 2*SlotsPer-1.
func (s benchShape) slotCount(c int) int {
	h := types.Keccak256One(binary.BigEndian.AppendUint64([]byte("n"), uint64(c)))
	return 1 + int(binary.BigEndian.Uint32(h[:])%uint32(2*s.SlotsPer-1))
}

// benchSlot is slot j of contract c: small integers for the first few (as
// Solidity lays out fixed variables), hashes for the rest (mappings).
func benchSlot(c, j int) uint256.Int {
	if j < 8 {
		return *uint256.NewInt(uint64(j))
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], uint64(c))
	binary.BigEndian.PutUint64(b[8:], uint64(j))
	var v uint256.Int
	h := types.Keccak256One(b[:])
	v.SetBytes32(h[:])
	return v
}

func benchAccount(rng *rand.Rand, contract bool) types.Account {
	a := types.NewEmptyAccount()
	a.Nonce = rng.Uint64N(1000)
	a.Balance.SetUint64(rng.Uint64())
	if contract {
		a.CodeHash = types.Hash{1, byte(rng.Uint32())}
		h := types.Keccak256One(binary.BigEndian.AppendUint64(nil, rng.Uint64()))
		a.Root = h
	}
	return a
}

// generateBenchStore writes the flat state of shape into a new store in dir,
// in key order, and compacts it.
func generateBenchStore(tb testing.TB, dir string, shape benchShape) {
	start := time.Now()
	db, err := store.Open(dir, store.Options{CacheSize: 64 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	type entry struct {
		addr types.Address
		idx  int
	}
	all := make([]entry, shape.Accounts)
	for i := range all {
		all[i] = entry{benchAddr(i), i}
	}
	slices.SortFunc(all, func(a, b entry) int { return a.addr.Compare(&b.addr) })
	rng := rand.New(rand.NewPCG(benchSeed, 1))
	batch := store.RawBatch(db)
	flush := func(force bool) {
		if !force && batch.Len() < 32<<20 {
			return
		}
		if err := store.CommitRaw(batch); err != nil {
			tb.Fatal(err)
		}
		batch = store.RawBatch(db)
	}
	// Accounts, then slots: two passes in key order.
	for _, e := range all {
		a := benchAccount(rng, e.idx < shape.Contracts)
		if err := batch.Set(store.AccountKey(e.addr), store.EncodeAccount(&a), nil); err != nil {
			tb.Fatal(err)
		}
		flush(false)
	}
	var slots []uint256.Int
	for _, e := range all {
		if e.idx >= shape.Contracts {
			continue
		}
		slots = slots[:0]
		for j := range shape.slotCount(e.idx) {
			slots = append(slots, benchSlot(e.idx, j))
		}
		slices.SortFunc(slots, func(a, b uint256.Int) int { return a.Cmp(&b) })
		for _, s := range slots {
			v := uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64N(4), 0}
			if rng.IntN(2) == 0 {
				v.SetUint64(1 + rng.Uint64N(1<<40))
			}
			if err := batch.Set(store.StorageKey(e.addr, s), store.EncodeSlot(&v), nil); err != nil {
				tb.Fatal(err)
			}
			flush(false)
		}
	}
	flush(true)
	if err := store.Flush(db); err != nil {
		tb.Fatal(err)
	}
	if err := store.Compact(db); err != nil {
		tb.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "SHAPE"), []byte(shape.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	for _, k := range st.Kinds {
		if k.Count > 0 {
			tb.Logf("generated %s: %d records, %d MiB (%d MiB on disk)", k.Kind, k.Count, k.Bytes>>20, k.DiskBytes>>20)
		}
	}
	tb.Logf("generated %s in %v", shape, time.Since(start).Round(time.Second))
}

var (
	benchOnce     sync.Once
	benchDir      string
	benchTemp     string // removed by TestMain
	benchGenShape benchShape
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchTemp != "" {
		os.RemoveAll(benchTemp)
	}
	os.Exit(code)
}

// benchStore returns the folder of the generated store, generating it on
// first use.
func benchStore(b *testing.B) (string, benchShape) {
	benchOnce.Do(func() {
		shape := fullShape
		if testing.Short() {
			shape = shortShape
		}
		dir := os.Getenv(benchDirEnv)
		if dir == "" {
			tmp, err := os.MkdirTemp("", "storebench")
			if err != nil {
				b.Fatal(err)
			}
			benchTemp, dir = tmp, tmp
		}
		if got, err := os.ReadFile(filepath.Join(dir, "SHAPE")); err != nil || string(got) != shape.String() {
			if err := os.RemoveAll(dir); err != nil {
				b.Fatal(err)
			}
			generateBenchStore(b, dir, shape)
		}
		benchDir, benchGenShape = dir, shape
	})
	if benchDir == "" {
		b.Fatal("bench store generation failed")
	}
	return benchDir, benchGenShape
}

// sampleBlock picks what a big block reads: benchAccounts accounts (one in
// ten absent) and benchSlots slots of contracts (one in ten unset), in
// random order.
func sampleBlock(rng *rand.Rand, shape benchShape, accts []store.AccountRead, slots []store.SlotRead) {
	for i := range accts {
		idx := rng.IntN(shape.Accounts)
		if rng.IntN(10) == 0 {
			idx += shape.Accounts // never generated
		}
		accts[i] = store.AccountRead{Address: benchAddr(idx)}
	}
	for i := range slots {
		c := rng.IntN(shape.Contracts)
		j := rng.IntN(shape.slotCount(c))
		if rng.IntN(10) == 0 {
			j += 1 << 20 // never generated
		}
		slots[i] = store.SlotRead{Address: benchAddr(c), Slot: benchSlot(c, j)}
	}
}

// BenchmarkWarmRead reads what a big block touches (5,000 accounts and
// 10,000 slots, new random keys every iteration) from a generated flat state
// of millions of entries, with a small (8 MiB) block cache:
//
//   - order=random: point reads (Account, Storage) in the block's order;
//   - order=sorted-get: the same point reads after sorting the keys;
//   - order=sorted: the batched reads (ReadAccounts, ReadStorage): sorted,
//     one forward iterator per kind;
//   - order=sorted-par4: ReadBatch with 4 workers: the sorted keys of each
//     kind split into four contiguous runs, all eight read at once.
//
// It reports ns/read and pebble block-cache misses per read. With the OS
// page cache warm these measure CPU and pebble's lookups; set
// BALEXEC_STORE_BENCH_COLD=1 (as root) to drop the page cache and reopen
// the store before every iteration, which measures disk reads.
func BenchmarkWarmRead(b *testing.B) {
	cold := os.Getenv(benchColdEnv) == "1"
	for _, order := range []string{"random", "sorted-get", "sorted", "sorted-par4"} {
		b.Run("order="+order, func(b *testing.B) {
			dir, shape := benchStore(b)
			seed := rand.Uint64()
			b.Logf("seed: %d, store: %s, cold: %v", seed, shape, cold)
			rng := rand.New(rand.NewPCG(seed, 0))
			if !cold {
				// Warm means every file in the OS page cache.
				if err := readAll(dir); err != nil {
					b.Fatal(err)
				}
			}
			opts := store.Options{CacheSize: 8 << 20, ReadOnly: true}
			db, err := store.Open(dir, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = db.Close() }()
			accts := make([]store.AccountRead, benchAccounts)
			slots := make([]store.SlotRead, benchSlots)
			var misses, diskBytes int64
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				sampleBlock(rng, shape, accts, slots)
				if cold {
					if err := db.Close(); err != nil {
						b.Fatal(err)
					}
					if err := dropPageCache(); err != nil {
						b.Fatalf("%s=1 needs to drop the page cache: %v", benchColdEnv, err)
					}
					if db, err = store.Open(dir, opts); err != nil {
						b.Fatal(err)
					}
				}
				m0 := store.Metrics(db).BlockCache.Misses
				io0 := readBytes()
				b.StartTimer()
				switch order {
				case "random", "sorted-get":
					if order == "sorted-get" {
						slices.SortFunc(accts, func(a, b store.AccountRead) int { return a.Address.Compare(&b.Address) })
						slices.SortFunc(slots, func(a, b store.SlotRead) int {
							if c := a.Address.Compare(&b.Address); c != 0 {
								return c
							}
							return a.Slot.Cmp(&b.Slot)
						})
					}
					for i := range accts {
						if _, _, err := db.Account(accts[i].Address); err != nil {
							b.Fatal(err)
						}
					}
					for i := range slots {
						if _, err := db.Storage(slots[i].Address, slots[i].Slot); err != nil {
							b.Fatal(err)
						}
					}
				case "sorted":
					if err := db.ReadAccounts(accts); err != nil {
						b.Fatal(err)
					}
					if err := db.ReadStorage(slots); err != nil {
						b.Fatal(err)
					}
				case "sorted-par4":
					if err := db.ReadBatch(accts, slots, 4); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				misses += store.Metrics(db).BlockCache.Misses - m0
				diskBytes += readBytes() - io0
				b.StartTimer()
			}
			reads := float64(b.N * (benchAccounts + benchSlots))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/reads, "ns/read")
			b.ReportMetric(float64(misses)/reads, "blockmisses/read")
			b.ReportMetric(float64(diskBytes)/reads, "diskB/read")
		})
	}
}

// readAll reads every file of dir once, into the OS page cache.
func readAll(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// dropPageCache drops the OS page cache (Linux, as root).
func dropPageCache() error {
	f, err := os.OpenFile("/proc/sys/vm/drop_caches", os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_ = exec.Command("sync").Run() // write back dirty pages first
	_, err = f.WriteString("3\n")
	return err
}

// readBytes returns the bytes this process has caused to be read from
// storage (read_bytes of /proc/self/io: page-cache misses, not cached
// reads), or 0 where that is not available.
func readBytes() int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "read_bytes: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkCommitBlock measures CommitBlock (the check of every updated
// account against the new trie, the batch, the synced commit) for blocks of
// 30 account updates with their slots over a state of a few thousand
// accounts; the trie update itself runs outside the timer.
func BenchmarkCommitBlock(b *testing.B) {
	db, _ := openTemp(b)
	g := newGen(0xb10c, 6000)
	model := state.NewMemory()
	if _, err := commitNext(db, g, model); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var updates int
	for b.Loop() {
		b.StopTimer()
		hd, _, err := db.Head()
		if err != nil {
			b.Fatal(err)
		}
		ups := g.updates(hd.Number+1, model)
		root, nodes, err := trie.UpdateState(hd.Root, db, ups)
		if err != nil {
			b.Fatal(err)
		}
		h, list := header(hd.Number+1, hd.Hash, root)
		updates += len(ups)
		b.StartTimer()
		if err := db.CommitBlock(&store.Block{Header: h, AccessList: list, Nodes: nodes, Updates: ups}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		model.Apply(ups)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/block")
	b.ReportMetric(float64(updates)/float64(b.N), "accounts/block")
}
