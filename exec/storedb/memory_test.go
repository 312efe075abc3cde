package storedb_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/types"
)

// memSample is the process's memory after a collection.
type memSample struct {
	block uint64
	heap  uint64 // bytes of heap in use (runtime.MemStats.HeapInuse)
	rss   uint64 // resident set size (VmRSS), 0 where /proc is missing
}

func sampleMemory(block uint64) memSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{block: block, heap: ms.HeapInuse, rss: vmRSS()}
}

// vmRSS returns the process's resident set size from /proc/self/status.
func vmRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// growChain builds and imports n blocks on chain, each crediting 16
// withdrawals to new accounts (and the system contracts writing their
// slots), and samples the memory every step blocks.
func growChain(t *testing.T, chain *exec.Chain, n, step int) []memSample {
	t.Helper()
	ctx := context.Background()
	samples := []memSample{sampleMemory(chain.Head().Number)}
	for i := range n {
		parent := chain.Head()
		attrs := &exec.BuildAttributes{
			Timestamp: parent.Time + 12, PrevRandao: types.Hash{byte(i)}, ParentBeaconRoot: types.Hash{byte(i >> 8), byte(i)},
			SlotNumber: parent.Number + 1,
		}
		for j := range 16 {
			var a types.Address
			a[0] = 0xaa
			binary.BigEndian.PutUint64(a[12:], uint64(i*16+j))
			attrs.Withdrawals = append(attrs.Withdrawals, types.Withdrawal{Index: uint64(i*16 + j), Address: a, Amount: 1 + uint64(j)})
		}
		out, err := chain.BuildBlock(ctx, attrs, nil)
		if err != nil {
			t.Fatalf("block %d: build: %v", parent.Number+1, err)
		}
		if _, err := chain.InsertWithAccessList(ctx, out.Block, out.AccessListRLP); err != nil {
			t.Fatalf("block %d: %v", parent.Number+1, err)
		}
		if (i+1)%step == 0 {
			samples = append(samples, sampleMemory(chain.Head().Number))
		}
	}
	return samples
}

func logSamples(t *testing.T, name string, samples []memSample) {
	for _, s := range samples {
		t.Logf("%s: block %5d: heap %6.1f MiB, RSS %6.1f MiB", name, s.block, float64(s.heap)/(1<<20), float64(s.rss)/(1<<20))
	}
}

// TestBoundedMemory imports thousands of small generated blocks (each
// creating 16 accounts) into a chain over a store and samples the heap and
// the resident set after every 250: past a warm-up, neither may grow by
// more than a generous bound, while the state on disk grows by 16 accounts
// a block. The chain's state cache is bounded to 2^14 entries so that it
// fills within the run (its default bound, a million entries, is reached
// the same way, later). Without -short the same blocks go into a chain in
// memory too (half as many), whose heap grows with the chain (logged, for
// comparison).
func TestBoundedMemory(t *testing.T) {
	h := loadHive(t)
	blocks, step := 3000, 250
	if testing.Short() {
		blocks = 1000
	}
	db := openStore(t, t.TempDir())
	defer db.Close()
	chain := h.open(t, db)
	chain.EnableParallel(2, 0)
	chain.SetCacheOptions(cache.Options{MaxEntries: 1 << 14})
	samples := growChain(t, chain, blocks, step)
	logSamples(t, "store", samples)

	// Past the first third (cache, pebble's memtables and block cache
	// filled), the heap may not grow by 16 MiB nor the RSS by 48 MiB: a
	// chain keeping each block's 16 accounts (about 100 bytes each in a
	// state, more in a trie) would pass neither over 2,000 blocks.
	base := samples[len(samples)/3]
	last := samples[len(samples)-1]
	t.Logf("store: from block %d to %d the heap grew by %.1f MiB and the RSS by %.1f MiB",
		base.block, last.block, mib(last.heap, base.heap), mib(last.rss, base.rss))
	if last.heap > base.heap+16<<20 {
		t.Errorf("heap grew from %d to %d bytes between blocks %d and %d", base.heap, last.heap, base.block, last.block)
	}
	// The race detector's shadow memory grows the RSS on its own.
	if !raceEnabled && base.rss > 0 && last.rss > base.rss+48<<20 {
		t.Errorf("RSS grew from %d to %d bytes between blocks %d and %d", base.rss, last.rss, base.block, last.block)
	}
	if testing.Short() {
		return
	}
	mem, err := exec.NewChain(h.genesis.Config, &h.header, h.genesis.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	mem.EnableParallel(2, 0)
	mem.SetCacheOptions(cache.Options{MaxEntries: 1 << 14})
	msamples := growChain(t, mem, blocks/2, step)
	logSamples(t, "memory", msamples)
	mb, ml := msamples[len(msamples)/3], msamples[len(msamples)-1]
	t.Logf("memory: from block %d to %d the heap grew by %.1f MiB", mb.block, ml.block, mib(ml.heap, mb.heap))
}

// mib returns a-b in MiB (negative when b is larger).
func mib(a, b uint64) float64 { return (float64(a) - float64(b)) / (1 << 20) }
