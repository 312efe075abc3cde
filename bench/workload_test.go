package bench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"reflect"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/balexec/balexec/chainspec"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

var full = flag.Bool("full", false, "generate the workloads at their default size (100M gas, 4 blocks) instead of the small one")

// testParams are the workloads' size in the tests: small by default, the
// default size with -full.
func testParams(seed uint64) Params {
	if *full {
		return Params{Seed: seed}
	}
	return Params{Seed: seed, Blocks: 3, GasLimit: 20_000_000, Senders: 256}
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// gcTime returns the CPU time the garbage collector has used so far (the
// runtime's estimate: its mark workers, assists and pauses).
func gcTime() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return time.Duration(s[0].Value.Float64() * float64(time.Second))
}

// importWorkload imports w's blocks, decoded afresh from their RLP, into a
// chain at its genesis, sequentially or with the parallel processor on two
// workers; every block must be accepted, and none may fall back to
// sequential execution.
func importWorkload(t testing.TB, w *Workload, parallel bool) *exec.Chain {
	t.Helper()
	chain, err := w.NewChain()
	if err != nil {
		t.Fatal(err)
	}
	if parallel {
		chain.EnableParallel(2, 0)
	}
	for i, b := range w.Blocks {
		blk, err := types.DecodeBlock(b.RLP)
		if err != nil {
			t.Fatalf("%s block %d: %v", w.Name, i+1, err)
		}
		if !bytes.Equal(blk.AppendRLP(nil), b.RLP) || blk.Hash() != b.Block.Hash() {
			t.Fatalf("%s block %d: RLP does not round-trip", w.Name, i+1)
		}
		if _, err := chain.InsertWithAccessList(context.Background(), blk, b.BAL); err != nil {
			t.Fatalf("%s block %d (parallel %v): %v", w.Name, i+1, parallel, err)
		}
	}
	st := chain.ParallelStats()
	want := exec.ParallelStats{}
	if parallel {
		want.Parallel = len(w.Blocks)
	}
	if st != want {
		t.Fatalf("%s: parallel stats %+v, want %+v", w.Name, st, want)
	}
	return chain
}

// TestWorkloads generates every workload and imports it sequentially and
// in parallel. Each block must be full: the next transaction would not have
// fitted, so the gas used is within one transaction's gas limit of the
// limit. It logs the table of the workloads (blocks, transactions and gas
// per block, generation time and CPU time).
func TestWorkloads(t *testing.T) {
	// The first processor loads the KZG setup (seconds); not a workload's
	// cost.
	exec.NewProcessor(mustConfig(t), nil)
	p := testParams(1)
	t.Logf("seed %d; %s", p.Seed, p)
	t.Logf("%-10s %6s %10s %12s %10s %10s", "workload", "blocks", "txs/block", "Mgas/block", "time", "cpu")
	for _, name := range Workloads() {
		start, cpu := time.Now(), cpuTime()
		w, err := Generate(name, p)
		if err != nil {
			t.Fatal(err)
		}
		elapsed, cpuUsed := time.Since(start), cpuTime()-cpu
		n := len(w.Blocks)
		t.Logf("%-10s %6d %10.0f %12.2f %10s %10s", name, n, float64(w.Txs)/float64(n),
			float64(w.Gas)/float64(n)/1e6, elapsed.Round(time.Millisecond), cpuUsed.Round(time.Millisecond))
		if n != w.Params.Blocks || w.Txs == 0 {
			t.Fatalf("%s", w)
		}
		for i, b := range w.Blocks {
			h := &b.Block.Header
			var largest uint64
			for _, tx := range b.Block.Transactions {
				largest = max(largest, tx.Gas)
			}
			if h.GasUsed+largest < h.GasLimit {
				t.Errorf("%s block %d: gas used %d of %d, largest transaction %d: not full", name, i+1, h.GasUsed, h.GasLimit, largest)
			}
			if len(b.Senders) != len(b.Block.Transactions) {
				t.Fatalf("%s block %d: %d senders for %d transactions", name, i+1, len(b.Senders), len(b.Block.Transactions))
			}
		}
		seq := importWorkload(t, w, false)
		par := importWorkload(t, w, true)
		if seq.Head().Hash() != par.Head().Hash() || seq.Head().Hash() != w.Blocks[n-1].Block.Hash() {
			t.Fatalf("%s: heads differ", name)
		}
		checkInvariants(t, w, seq)
	}
}

func mustConfig(t testing.TB) *chainspec.Config {
	t.Helper()
	_, cfg, err := newChain(mustGenesis(t))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func mustGenesis(t testing.TB) []byte {
	t.Helper()
	gb, err := newGenesisBuilder()
	if err != nil {
		t.Fatal(err)
	}
	gb.fund(types.Address{1}, uint256.NewInt(1))
	b, err := gb.json(30_000_000, "test")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkInvariants checks what the contracts must keep in the final state:
// each pool's reserves are its token balances, and the collection's supply
// is the pre-minted ids plus the mints.
func checkInvariants(t *testing.T, w *Workload, chain *exec.Chain) {
	t.Helper()
	g, err := newGenerator(mustSpec(t, w.Name), w.Params) // the same addresses
	if err != nil {
		t.Fatal(err)
	}
	r, err := chain.State(chain.Head().Hash())
	if err != nil {
		t.Fatal(err)
	}
	slot := func(a types.Address, k uint256.Int) uint256.Int {
		v, err := r.Storage(a, k)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, p := range g.pools {
		for j, tok := range []types.Address{p.token0, p.token1} {
			res, bal := slot(p.addr, *uint256.NewInt(uint64(2 + j))), slot(tok, tokenBalanceSlot(p.addr))
			if res != bal || res.IsZero() {
				t.Errorf("%s: pool %s reserve %d is %s, its balance %s", w.Name, p.addr, j, res.Dec(), bal.Dec())
			}
		}
	}
	if g.nft != (types.Address{}) {
		mints := 0
		for _, b := range w.Blocks {
			for _, tx := range b.Block.Transactions {
				if tx.To == g.nft {
					mints++
				}
			}
		}
		if got := slot(g.nft, uint256.Int{}); got.Uint64() != uint64(len(g.senders)+mints) {
			t.Errorf("%s: total supply %d, want %d + %d", w.Name, got.Uint64(), len(g.senders), mints)
		}
	}
}

func mustSpec(t testing.TB, name string) *spec {
	sp, ok := specByName(name)
	if !ok {
		t.Fatalf("no workload %q", name)
	}
	return sp
}

// TestDeterministic: the same name and parameters give the same workload,
// byte for byte; another seed gives other blocks.
func TestDeterministic(t *testing.T) {
	p := Params{Seed: 7, Blocks: 2, GasLimit: 8_000_000, Senders: 64}
	t.Logf("seed %d", p.Seed)
	for _, name := range Workloads() {
		a, err := Generate(name, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Generate(name, p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.GenesisJSON, b.GenesisJSON) || len(a.Blocks) != len(b.Blocks) || a.Gas != b.Gas || a.Txs != b.Txs {
			t.Fatalf("%s: two generations differ", name)
		}
		for i := range a.Blocks {
			if !bytes.Equal(a.Blocks[i].RLP, b.Blocks[i].RLP) || !bytes.Equal(a.Blocks[i].BAL, b.Blocks[i].BAL) ||
				!reflect.DeepEqual(a.Blocks[i].Senders, b.Blocks[i].Senders) {
				t.Fatalf("%s: block %d differs between two generations", name, i+1)
			}
		}
		q := p
		q.Seed++
		c, err := Generate(name, q)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a.Blocks[0].RLP, c.Blocks[0].RLP) {
			t.Errorf("%s: seeds %d and %d give the same block", name, p.Seed, q.Seed)
		}
	}
}

// TestParamsErrors: bad parameters and names are sentinels.
func TestParamsErrors(t *testing.T) {
	for _, p := range []Params{
		{Blocks: -1}, {Blocks: MaxBlocks + 1}, {GasLimit: MinGasLimit - 1}, {GasLimit: MaxGasLimit + 1},
		{Senders: -1}, {Senders: MaxSenders + 1},
	} {
		if _, err := Generate(Transfers, p); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%+v: %v, want ErrInvalidParams", p, err)
		}
	}
	if _, err := Generate("nope", Params{}); !errors.Is(err, ErrUnknownWorkload) {
		t.Errorf("unknown workload: %v", err)
	}
	if got := (Params{}).WithDefaults(); got != (Params{Blocks: DefaultBlocks, GasLimit: DefaultGasLimit, Senders: DefaultSenders}) {
		t.Errorf("defaults %+v", got)
	}
}

// TestChainConfig: the workloads' configuration is balexec's "Amsterdam"
// test network, go-ethereum's tests.Forks["Amsterdam"].
func TestChainConfig(t *testing.T) {
	want, err := chainspec.ConfigForNetwork("Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	if got := mustConfig(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("config\n%+v\nwant\n%+v", got, want)
	}
	if cfg := mustConfig(t); cfg.ChainID != chainID {
		t.Fatalf("chain id %d", cfg.ChainID)
	}
}

// TestSkew: each skew block holds one heavy transaction, first or last in
// turn, using all but the compute reserve of the largest gas limit a
// transaction may have. It logs the heavy share of each block.
func TestSkew(t *testing.T) {
	w, err := Generate(Skew, testParams(3))
	if err != nil {
		t.Fatal(err)
	}
	want := min(uint64(evm.MaxTxGas), w.Params.GasLimit/5*3)
	places := map[string]int{}
	for i, b := range w.Blocks {
		txs := b.Block.Transactions
		receipts := receiptsOf(t, w, i)
		heavy := -1
		for j, tx := range txs {
			if tx.Gas == want {
				if heavy >= 0 {
					t.Fatalf("block %d: two heavy transactions", i+1)
				}
				heavy = j
			}
		}
		switch heavy {
		case 0:
			places["first"]++
		case len(txs) - 1:
			places["last"]++
		default:
			t.Fatalf("block %d: heavy transaction at %d of %d", i+1, heavy, len(txs))
		}
		used := receipts[heavy].GasUsed
		if used+computeReserve < want {
			t.Errorf("block %d: heavy transaction used %d of %d", i+1, used, want)
		}
		t.Logf("block %d: heavy transaction %s, %d gas, %.1f%% of the block's %d", i+1,
			map[bool]string{true: "first", false: "last"}[heavy == 0], used, 100*float64(used)/float64(b.Block.Header.GasUsed), b.Block.Header.GasUsed)
	}
	if len(w.Blocks) >= 2 && len(places) != 2 {
		t.Errorf("heavy transaction always %v, want first and last in turn", places)
	}
}

// receiptsOf re-executes the workload up to block i and returns its
// receipts.
func receiptsOf(t *testing.T, w *Workload, i int) []*types.Receipt {
	t.Helper()
	chain, err := w.NewChain()
	if err != nil {
		t.Fatal(err)
	}
	var res *exec.Result
	for j := 0; j <= i; j++ {
		if res, err = chain.InsertWithAccessList(context.Background(), w.Blocks[j].Block, w.Blocks[j].BAL); err != nil {
			t.Fatal(err)
		}
	}
	return res.Receipts
}

// TestMixedShares logs how the mixed workload's gas (receipts' gas used)
// splits between the kinds, and checks that every kind is in it.
func TestMixedShares(t *testing.T) {
	w, err := Generate(Mixed, testParams(1))
	if err != nil {
		t.Fatal(err)
	}
	var gas [numKinds]uint64
	var count [numKinds]int
	var total uint64
	for i, b := range w.Blocks {
		for j, r := range receiptsOf(t, w, i) {
			k := classify(b.Block.Transactions[j])
			gas[k] += r.GasUsed
			count[k]++
			total += r.GasUsed
		}
	}
	for k := range numKinds {
		if count[k] == 0 {
			t.Errorf("no %s transaction in the mixed workload", k)
		}
		t.Logf("%-8s %5d txs %5.1f%% of the gas", k, count[k], 100*float64(gas[k])/float64(total))
	}
}

// classify tells a workload transaction's kind from its calldata.
func classify(tx *types.Transaction) kind {
	switch {
	case len(tx.Data) == 0:
		return kindTransfer
	case bytes.HasPrefix(tx.Data, selTransfer[:]):
		return kindToken
	case bytes.HasPrefix(tx.Data, selSwap[:]):
		return kindSwap
	case bytes.Equal(tx.Data, selMint[:]):
		return kindMint
	}
	var w uint256.Int
	w.SetBytes32(tx.Data[:32])
	if w.Uint64() == computeReserve && w.IsUint64() {
		return kindCompute
	}
	return kindStore
}
