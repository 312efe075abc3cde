package exec

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// hiveHeaders is the hive Amsterdam chain: its configuration, genesis
// header and blocks 1..600.
type hiveHeaders struct {
	cfg     *chainspec.Config
	genesis types.Header
	blocks  []*types.Block
}

var (
	hiveHeadersOnce sync.Once
	hiveHeadersVal  hiveHeaders
	hiveHeadersErr  error
)

func loadHiveHeaders(t testing.TB) *hiveHeaders {
	t.Helper()
	chain := readRepo(t, "hivechain-amsterdam/chain.rlp")
	g := readGenesis(t, "hivechain-amsterdam/genesis.json")
	hiveHeadersOnce.Do(func() {
		hiveHeadersErr = func() error {
			h, err := g.Header()
			if err != nil {
				return err
			}
			hiveHeadersVal.cfg, hiveHeadersVal.genesis = g.Config, h
			for rest := chain; len(rest) > 0; {
				_, _, r, err := rlp.Split(rest)
				if err != nil {
					return err
				}
				b, err := types.DecodeBlock(rest[:len(rest)-len(r)])
				if err != nil {
					return err
				}
				hiveHeadersVal.blocks = append(hiveHeadersVal.blocks, b)
				rest = r
			}
			return nil
		}()
	})
	if hiveHeadersErr != nil {
		t.Fatal(hiveHeadersErr)
	}
	if len(hiveHeadersVal.blocks) != 600 {
		t.Fatalf("chain.rlp has %d blocks, want 600", len(hiveHeadersVal.blocks))
	}
	return &hiveHeadersVal
}

// parent returns the parent header of block i (0-based in blocks).
func (hv *hiveHeaders) parent(i int) *types.Header {
	if i == 0 {
		return &hv.genesis
	}
	return &hv.blocks[i-1].Header
}

// find returns the index of the first block satisfying ok.
func (hv *hiveHeaders) find(t *testing.T, what string, ok func(b *types.Block) bool) int {
	t.Helper()
	for i, b := range hv.blocks {
		if ok(b) {
			return i
		}
	}
	t.Fatalf("no hive block %s", what)
	return -1
}

func blobCount(b *types.Block) int {
	n := 0
	for _, tx := range b.Transactions {
		n += len(tx.BlobHashes)
	}
	return n
}

// TestHiveHeaders validates every header and body of the hive chain, block
// 1 against the genesis header built from genesis.json, and checks the base
// fee and excess blob gas functions against every header.
func TestHiveHeaders(t *testing.T) {
	hv := loadHiveHeaders(t)
	perFork := map[chainspec.Fork]int{}
	var blobBlocks, reserveBlocks int
	for i, b := range hv.blocks {
		h, parent := &b.Header, hv.parent(i)
		if err := ValidateHeader(hv.cfg, parent, h); err != nil {
			t.Fatalf("block %d: %v", h.Number, err)
		}
		if err := ValidateBody(hv.cfg, b); err != nil {
			t.Fatalf("block %d body: %v", h.Number, err)
		}
		fee, err := CalcBaseFee(hv.cfg, parent)
		if err != nil || fee != h.BaseFee {
			t.Fatalf("block %d: base fee %s %v, header %s", h.Number, fee.Dec(), err, h.BaseFee.Dec())
		}
		f := hv.cfg.Fork(h.Time)
		perFork[f]++
		if f >= chainspec.ForkCancun {
			excess, err := CalcExcessBlobGas(hv.cfg, parent, h.Time)
			if err != nil || excess != h.ExcessBlobGas {
				t.Fatalf("block %d: excess %d %v, header %d", h.Number, excess, err, h.ExcessBlobGas)
			}
			bc, _ := hv.cfg.BlobConfig(h.Time)
			if f >= chainspec.ForkOsaka && parent.ExcessBlobGas+parent.BlobGasUsed >= bc.TargetBlobGas() &&
				reservePriceAbove(&parent.BaseFee, parent.ExcessBlobGas, bc.UpdateFraction) {
				reserveBlocks++
			}
		}
		if blobCount(b) > 0 {
			blobBlocks++
		}
	}
	t.Logf("blocks per fork %v; %d with blobs; %d computed by the EIP-7918 reserve rule", perFork, blobBlocks, reserveBlocks)
	for f := range chainspec.Forks() {
		if hv.cfg.ForkTime(f) != nil && perFork[f] == 0 {
			t.Errorf("no block under %s", f)
		}
	}
	if blobBlocks == 0 {
		t.Error("no block with blobs")
	}
}

// headerCase is a mutation of a (parent, header) pair or of the config,
// and the error it must give.
type headerCase struct {
	name string
	at   func(b *types.Block, cfg *chainspec.Config) bool // which hive block to mutate
	mut  func(cfg *chainspec.Config, parent, h *types.Header)
	want error
}

func inFork(lo, hi chainspec.Fork) func(b *types.Block, cfg *chainspec.Config) bool {
	return func(b *types.Block, cfg *chainspec.Config) bool {
		f := cfg.Fork(b.Header.Time)
		return f >= lo && f <= hi
	}
}

var anyFork = inFork(chainspec.ForkShanghai, chainspec.ForkAmsterdam)

func relink(parent, h *types.Header) { h.ParentHash = parent.Hash() }

// TestHeaderMutations breaks one check at a time on real hive headers.
func TestHeaderMutations(t *testing.T) {
	hv := loadHiveHeaders(t)
	cases := []headerCase{
		{"number", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.Number++ }, ErrInvalidNumber},
		{"number wraps", anyFork, func(_ *chainspec.Config, p, h *types.Header) { p.Number = 1<<64 - 1; h.Number = 0 }, ErrInvalidNumber},
		{"parent hash", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.ParentHash[3] ^= 1 }, ErrInvalidParentHash},
		{"before Shanghai", anyFork, func(c *chainspec.Config, _, _ *types.Header) { c.ShanghaiTime = u64p(1 << 40) }, chainspec.ErrForkNotSupported},
		{"before London", anyFork, func(c *chainspec.Config, _, h *types.Header) { c.LondonBlock = u64p(h.Number + 1) }, chainspec.ErrForkNotSupported},
		{"extra data", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.Extra = make([]byte, 33) }, ErrExtraDataTooLong},
		{"nonce", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.Nonce[7] = 1 }, ErrInvalidNonce},
		{"uncle hash", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.UncleHash = types.EmptyRootHash }, ErrInvalidUncleHash},
		{"timestamp equal", anyFork, func(_ *chainspec.Config, p, h *types.Header) { h.Time = p.Time }, ErrInvalidTimestamp},
		{"timestamp before", func(b *types.Block, _ *chainspec.Config) bool { return b.Header.Number > 1 }, func(_ *chainspec.Config, p, h *types.Header) { h.Time = p.Time - 1 }, ErrInvalidTimestamp},
		{"difficulty", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.Difficulty.SetUint64(1) }, ErrInvalidDifficulty},
		{"gas limit above 2^63-1", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.GasLimit = 1 << 63 }, ErrInvalidGasLimit},
		{"gas used above limit", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.GasUsed = h.GasLimit + 1 }, ErrInvalidGasUsed},
		{"gas limit up", anyFork, func(_ *chainspec.Config, p, h *types.Header) { h.GasLimit = p.GasLimit + p.GasLimit/1024 }, ErrInvalidGasLimit},
		{"gas limit down", anyFork, func(_ *chainspec.Config, p, h *types.Header) {
			h.GasLimit = p.GasLimit - p.GasLimit/1024
			h.GasUsed = 0
		}, ErrInvalidGasLimit},
		{"gas limit below 5000", anyFork, func(_ *chainspec.Config, p, h *types.Header) {
			p.GasLimit = 5002 // bound 4: 4999 is within it, and below the minimum
			relink(p, h)
			h.GasLimit, h.GasUsed = 4999, 0
		}, ErrInvalidGasLimit},
		{"no base fee", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldBaseFee }, ErrMissingHeaderField},
		{"parent without base fee", anyFork, func(_ *chainspec.Config, p, h *types.Header) {
			p.Optional &^= types.FieldBaseFee
			relink(p, h)
		}, ErrMissingHeaderField},
		{"base fee", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.BaseFee.AddUint64(&h.BaseFee, 1) }, ErrInvalidBaseFee},
		{"base fee overflow", anyFork, func(_ *chainspec.Config, p, h *types.Header) {
			p.BaseFee.SetAllOne()
			p.GasUsed = p.GasLimit
			relink(p, h)
		}, ErrInvalidBaseFee},
		{"no withdrawals hash", anyFork, func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldWithdrawalsHash }, ErrMissingHeaderField},
		{"excess blob gas before Cancun", inFork(chainspec.ForkShanghai, chainspec.ForkShanghai), func(_ *chainspec.Config, _, h *types.Header) { h.Optional |= types.FieldExcessBlobGas }, ErrUnexpectedHeaderField},
		{"blob gas used before Cancun", inFork(chainspec.ForkShanghai, chainspec.ForkShanghai), func(_ *chainspec.Config, _, h *types.Header) { h.Optional |= types.FieldBlobGasUsed }, ErrUnexpectedHeaderField},
		{"beacon root before Cancun", inFork(chainspec.ForkShanghai, chainspec.ForkShanghai), func(_ *chainspec.Config, _, h *types.Header) { h.Optional |= types.FieldParentBeaconRoot }, ErrUnexpectedHeaderField},
		{"no beacon root", inFork(chainspec.ForkCancun, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldParentBeaconRoot }, ErrMissingHeaderField},
		{"no excess blob gas", inFork(chainspec.ForkCancun, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldExcessBlobGas }, ErrMissingHeaderField},
		{"no blob gas used", inFork(chainspec.ForkCancun, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldBlobGasUsed }, ErrMissingHeaderField},
		{"too much blob gas Cancun", inFork(chainspec.ForkCancun, chainspec.ForkCancun), func(_ *chainspec.Config, _, h *types.Header) { h.BlobGasUsed = 7 << 17 }, ErrTooMuchBlobGas},
		{"too much blob gas BPO2", inFork(chainspec.ForkBPO2, chainspec.ForkBPO2), func(_ *chainspec.Config, _, h *types.Header) { h.BlobGasUsed = 22 << 17 }, ErrTooMuchBlobGas},
		{"too much blob gas Amsterdam", inFork(chainspec.ForkAmsterdam, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.BlobGasUsed = 22 << 17 }, ErrTooMuchBlobGas},
		{"blob gas not a multiple", inFork(chainspec.ForkCancun, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.BlobGasUsed = 1 << 16 }, ErrInvalidBlobGasUsed},
		{"excess blob gas", inFork(chainspec.ForkCancun, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.ExcessBlobGas += 1 << 17 }, ErrInvalidExcessBlobGas},
		{"no blob schedule", inFork(chainspec.ForkCancun, chainspec.ForkAmsterdam), func(c *chainspec.Config, _, _ *types.Header) { c.BlobSchedule = nil }, chainspec.ErrInvalidConfig},
		{"requests hash before Prague", inFork(chainspec.ForkCancun, chainspec.ForkCancun), func(_ *chainspec.Config, _, h *types.Header) { h.Optional |= types.FieldRequestsHash }, ErrUnexpectedHeaderField},
		{"no requests hash", inFork(chainspec.ForkPrague, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldRequestsHash }, ErrMissingHeaderField},
		{"access list hash before Amsterdam", inFork(chainspec.ForkPrague, chainspec.ForkBPO2), func(_ *chainspec.Config, _, h *types.Header) { h.Optional |= types.FieldBlockAccessListHash }, ErrUnexpectedHeaderField},
		{"slot number before Amsterdam", inFork(chainspec.ForkPrague, chainspec.ForkBPO2), func(_ *chainspec.Config, _, h *types.Header) { h.Optional |= types.FieldSlotNumber }, ErrUnexpectedHeaderField},
		{"no access list hash", inFork(chainspec.ForkAmsterdam, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldBlockAccessListHash }, ErrMissingHeaderField},
		{"no slot number", inFork(chainspec.ForkAmsterdam, chainspec.ForkAmsterdam), func(_ *chainspec.Config, _, h *types.Header) { h.Optional &^= types.FieldSlotNumber }, ErrMissingHeaderField},
	}
	for _, tc := range cases {
		n := 0
		for i, b := range hv.blocks {
			if !tc.at(b, hv.cfg) {
				continue
			}
			cfg := *hv.cfg
			parent, h := *hv.parent(i), b.Header
			tc.mut(&cfg, &parent, &h)
			err := ValidateHeader(&cfg, &parent, &h)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s, block %d: %v, want %v", tc.name, h.Number, err, tc.want)
				break
			}
			if n++; n == 3 { // the first few blocks of the range
				break
			}
		}
		if n == 0 {
			t.Errorf("%s: no block to mutate", tc.name)
		}
	}
}

// TestBodyMutations breaks one body check at a time on real hive blocks.
func TestBodyMutations(t *testing.T) {
	hv := loadHiveHeaders(t)
	blobIdx := hv.find(t, "with blobs after Osaka", func(b *types.Block) bool {
		return hv.cfg.IsOsaka(b.Header.Time) && blobCount(b) > 0
	})
	wdIdx := hv.find(t, "with withdrawals after Osaka", func(b *types.Block) bool {
		return hv.cfg.IsOsaka(b.Header.Time) && len(b.Withdrawals) > 0
	})
	preOsaka := hv.find(t, "before Osaka with transactions", func(b *types.Block) bool {
		return !hv.cfg.IsOsaka(b.Header.Time) && len(b.Transactions) > 0
	})
	big := &types.Transaction{Type: types.LegacyTxType, Data: make([]byte, MaxBlockSize)}
	for _, tc := range []struct {
		name string
		idx  int
		mut  func(cfg *chainspec.Config, b *types.Block)
		want error
	}{
		{"oversized", blobIdx, func(_ *chainspec.Config, b *types.Block) { b.Transactions = append(b.Transactions, big) }, ErrBlockTooLarge},
		{"oversized before Osaka", preOsaka, func(_ *chainspec.Config, b *types.Block) { b.Transactions = append(b.Transactions, big) }, ErrTxRootMismatch},
		{"uncle", blobIdx, func(_ *chainspec.Config, b *types.Block) { b.Uncles = []*types.Header{&hv.genesis} }, ErrUnclesNotAllowed},
		{"uncle hash", blobIdx, func(_ *chainspec.Config, b *types.Block) { b.Header.UncleHash[0] ^= 1 }, ErrInvalidUncleHash},
		{"transaction dropped", blobIdx, func(_ *chainspec.Config, b *types.Block) { b.Transactions = b.Transactions[1:] }, ErrTxRootMismatch},
		{"transaction repeated", blobIdx, func(_ *chainspec.Config, b *types.Block) {
			b.Transactions = append(b.Transactions, b.Transactions[0])
		}, ErrTxRootMismatch},
		{"no withdrawals", wdIdx, func(_ *chainspec.Config, b *types.Block) { b.Withdrawals = nil }, ErrMissingWithdrawals},
		{"empty withdrawals", wdIdx, func(_ *chainspec.Config, b *types.Block) { b.Withdrawals = b.Withdrawals[:0] }, ErrWithdrawalsRootMismatch},
		{"withdrawal changed", wdIdx, func(_ *chainspec.Config, b *types.Block) { b.Withdrawals[0].Amount++ }, ErrWithdrawalsRootMismatch},
		{"withdrawals without hash", wdIdx, func(_ *chainspec.Config, b *types.Block) { b.Header.Optional &^= types.FieldWithdrawalsHash }, ErrUnexpectedWithdrawals},
		{"too many blobs", blobIdx, func(c *chainspec.Config, b *types.Block) {
			c.BlobSchedule = map[chainspec.Fork]chainspec.BlobConfig{chainspec.ForkCancun: {Target: 1, Max: uint64(blobCount(b) - 1), UpdateFraction: 1}}
		}, ErrTooManyBlobs},
		{"blob count", blobIdx, func(_ *chainspec.Config, b *types.Block) { b.Header.BlobGasUsed += types.BlobGasPerBlob }, ErrBlobCountMismatch},
		{"blobs before Cancun", blobIdx, func(_ *chainspec.Config, b *types.Block) { b.Header.Optional &^= types.FieldBlobGasUsed }, ErrUnexpectedBlobs},
	} {
		orig := hv.blocks[tc.idx]
		b := *orig
		b.Transactions = slices.Clone(orig.Transactions)
		b.Withdrawals = slices.Clone(orig.Withdrawals)
		cfg := *hv.cfg
		tc.mut(&cfg, &b)
		if err := ValidateBody(&cfg, &b); !errors.Is(err, tc.want) {
			t.Errorf("%s (block %d): %v, want %v", tc.name, b.Header.Number, err, tc.want)
		}
		if err := ValidateBody(hv.cfg, orig); err != nil {
			t.Fatalf("%s: mutation leaked into block %d: %v", tc.name, orig.Header.Number, err)
		}
	}
}

// londonConfig is a config with London at block londonAt and Osaka on
// from time 1000, Prague before.
func londonConfig(londonAt uint64) *chainspec.Config {
	c, _ := chainspec.ConfigForNetwork("PragueToOsakaAtTime15k")
	c.LondonBlock = u64p(londonAt)
	return c
}

func TestCalcBaseFee(t *testing.T) {
	cfg := londonConfig(10)
	gwei := uint64(1_000_000_000)
	parent := func(number, limit, used, fee uint64) *types.Header {
		h := &types.Header{Number: number, GasLimit: limit, GasUsed: used, Optional: types.FieldsShanghai}
		h.BaseFee.SetUint64(fee)
		return h
	}
	for _, tc := range []struct {
		parent *types.Header
		want   uint64
	}{
		{parent(10, 30_000_000, 15_000_000, gwei), gwei},                 // at target
		{parent(10, 30_000_000, 30_000_000, gwei), gwei + gwei/8},        // full: +12.5%
		{parent(10, 30_000_000, 0, gwei), gwei - gwei/8},                 // empty: -12.5%
		{parent(10, 30_000_000, 20_000_000, gwei), 1_041_666_666},        // +1e9*5e6/15e6/8
		{parent(10, 30_000_000, 10_000_000, gwei), 958_333_334},          // -41_666_666
		{parent(10, 30_000_000, 15_000_001, 7), 8},                       // at least +1
		{parent(10, 30_000_000, 14_999_999, 7), 7},                       // a zero decrease
		{parent(10, 30_000_001, 15_000_000, 100), 100},                   // odd limit: target 15_000_000
		{parent(9, 30_000_000, 30_000_000, 5), chainspec.InitialBaseFee}, // first London block
		{parent(11, 30_000_000, 0, 0), 0},                                // zero stays zero
		{parent(11, 30_000_000, 30_000_000, 0), 1},                       // and rises by 1
		{parent(11, 5_000, 5_000, 1<<40), (1 << 40) + (1<<40)/8},         // small limits
		{parent(11, 1<<62, 1<<62, 1<<62), (1 << 62) + (1<<62)/8},         // large values
		{parent(11, 1<<63-1, 0, 1<<64-1), (1<<64 - 1) - (1<<64-1)/8},     // large limit
	} {
		got, err := CalcBaseFee(cfg, tc.parent)
		if err != nil || got.Uint64() != tc.want || !got.IsUint64() {
			t.Errorf("parent %d limit %d used %d fee %s: %s %v, want %d", tc.parent.Number, tc.parent.GasLimit,
				tc.parent.GasUsed, tc.parent.BaseFee.Dec(), got.Dec(), err, tc.want)
		}
	}
	p := parent(11, 30_000_000, 30_000_000, 0)
	p.BaseFee.SetAllOne()
	if _, err := CalcBaseFee(cfg, p); !errors.Is(err, ErrBaseFeeOverflow) {
		t.Errorf("overflow: %v", err)
	}
	p.GasUsed = 0
	got, err := CalcBaseFee(cfg, p)
	want := new(uint256.Int).SetAllOne()
	want.Sub(want, new(uint256.Int).Div(want, uint256.NewInt(8)))
	if err != nil || got != *want {
		t.Errorf("max fee, empty parent: %s %v", got.Dec(), err)
	}
	if _, err := CalcBaseFee(cfg, parent(11, 1, 1, 5)); !errors.Is(err, ErrInvalidGasLimit) {
		t.Errorf("zero target: %v", err)
	}
}

// refBaseFee is go-ethereum's formula in math/big, the slow twin of
// CalcBaseFee (London active).
func refBaseFee(limit, used uint64, fee *big.Int) *big.Int {
	target := limit / 2
	if used == target {
		return new(big.Int).Set(fee)
	}
	if used > target {
		n := new(big.Int).SetUint64(used - target)
		n.Mul(n, fee).Div(n, new(big.Int).SetUint64(target)).Div(n, big.NewInt(8))
		if n.Sign() == 0 {
			n.SetInt64(1)
		}
		return n.Add(n, fee)
	}
	n := new(big.Int).SetUint64(target - used)
	n.Mul(n, fee).Div(n, new(big.Int).SetUint64(target)).Div(n, big.NewInt(8))
	n.Sub(fee, n)
	if n.Sign() < 0 {
		n.SetInt64(0)
	}
	return n
}

func TestCalcBaseFeeAgainstBig(t *testing.T) {
	seed := uint64(20240517)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	cfg := londonConfig(0)
	maxFee := new(big.Int).Lsh(big.NewInt(1), 256)
	for i := 0; i < 20000; i++ {
		limit := 2 + rng.Uint64N(1<<uint(2+rng.IntN(62)))
		used := rng.Uint64N(limit + 1)
		var p types.Header
		p.GasLimit, p.GasUsed, p.Number = limit, used, 1
		for w := range 4 {
			if rng.IntN(3) > 0 {
				p.BaseFee[w] = rng.Uint64()
			}
		}
		if rng.IntN(2) == 0 {
			p.BaseFee.Rsh(&p.BaseFee, uint(rng.IntN(256)))
		}
		want := refBaseFee(limit, used, p.BaseFee.ToBig())
		got, err := CalcBaseFee(cfg, &p)
		if want.Cmp(maxFee) >= 0 {
			if !errors.Is(err, ErrBaseFeeOverflow) {
				t.Fatalf("limit %d used %d fee %s: %s %v, want overflow", limit, used, p.BaseFee.Dec(), got.Dec(), err)
			}
			continue
		}
		if err != nil || got.ToBig().Cmp(want) != 0 {
			t.Fatalf("limit %d used %d fee %s: %s %v, want %s", limit, used, p.BaseFee.Dec(), got.Dec(), err, want)
		}
	}
}

func TestCalcExcessBlobGas(t *testing.T) {
	cancun, _ := chainspec.ConfigForNetwork("Cancun")
	osaka, _ := chainspec.ConfigForNetwork("PragueToOsakaAtTime15k") // Prague schedule: target 6, max 9
	const blob = types.BlobGasPerBlob
	parent := func(excess, used, fee uint64) *types.Header {
		h := &types.Header{ExcessBlobGas: excess, BlobGasUsed: used, Optional: types.FieldsCancun}
		h.BaseFee.SetUint64(fee)
		return h
	}
	for _, tc := range []struct {
		name   string
		cfg    *chainspec.Config
		time   uint64
		parent *types.Header
		want   uint64
	}{
		{"empty", cancun, 1, parent(0, 0, 7), 0},
		{"full", cancun, 1, parent(0, 6*blob, 7), 3 * blob},
		{"at target", cancun, 1, parent(100000, 3*blob, 7), 100000},
		{"below target", cancun, 1, parent(100000, 0, 7), 0},
		{"just at target", cancun, 1, parent(3*blob-5, 5, 7), 0},
		{"pre-Cancun parent", cancun, 1, &types.Header{Optional: types.FieldsShanghai}, 0},
		{"Prague, high base fee, no reserve rule", osaka, 1, parent(6*blob, 6*blob, 1_000_000_000), 6 * blob},
		{"Osaka, low base fee", osaka, 15_000, parent(6*blob, 6*blob, 7), 6 * blob},
		{"Osaka, reserve rule", osaka, 15_000, parent(6*blob, 6*blob, 1_000_000_000), 6*blob + 6*blob*3/9},
		{"Osaka, reserve rule, full", osaka, 15_000, parent(6*blob, 9*blob, 1_000_000_000), 6*blob + 9*blob*3/9},
		// The blob price at excess 6 blobs under fraction 5007716 is 1 wei
		// per blob gas, 2^17 per blob; the reserve is 2^13 * base fee: the
		// rule starts at base fee 17.
		{"Osaka, base fee 16", osaka, 15_000, parent(6*blob, 6*blob, 16), 6 * blob},
		{"Osaka, base fee 17", osaka, 15_000, parent(6*blob, 6*blob, 17), 6*blob + 2*blob},
		{"Osaka, below target", osaka, 15_000, parent(blob, blob, 1_000_000_000), 0},
	} {
		got, err := CalcExcessBlobGas(tc.cfg, tc.parent, tc.time)
		if err != nil || got != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, got, err, tc.want)
		}
	}
	shanghai, _ := chainspec.ConfigForNetwork("Shanghai")
	if _, err := CalcExcessBlobGas(shanghai, parent(0, 0, 0), 1); !errors.Is(err, chainspec.ErrInvalidConfig) {
		t.Errorf("before Cancun: %v", err)
	}
}

// refReserveAbove is EIP-7918's comparison in math/big, the slow twin of
// reservePriceAbove.
func refReserveAbove(baseFee *uint256.Int, excess, fraction uint64) bool {
	reserve := new(big.Int).Mul(big.NewInt(BlobBaseCost), baseFee.ToBig())
	fee := BlobBaseFee(excess, fraction)
	price := new(big.Int).Mul(fee.ToBig(), big.NewInt(types.BlobGasPerBlob))
	if fee == *new(uint256.Int).SetAllOne() { // saturated: the true fee is larger still
		return false
	}
	return reserve.Cmp(price) > 0
}

func TestReservePriceAgainstBig(t *testing.T) {
	seed := uint64(7918)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := 0; i < 3000; i++ {
		var fee uint256.Int
		fee.SetUint64(rng.Uint64() >> uint(rng.IntN(64)))
		if rng.IntN(10) == 0 {
			fee.Lsh(&fee, uint(rng.IntN(200)))
		}
		excess := rng.Uint64N(1 << uint(1+rng.IntN(30)))
		fraction := []uint64{3338477, 5007716, 8346193, 11684671, 1}[rng.IntN(5)]
		if got, want := reservePriceAbove(&fee, excess, fraction), refReserveAbove(&fee, excess, fraction); got != want {
			t.Fatalf("fee %s excess %d fraction %d: %v, want %v", fee.Dec(), excess, fraction, got, want)
		}
	}
}

func BenchmarkValidateHeader(b *testing.B) {
	hv := loadHiveHeaders(b)
	i := len(hv.blocks) - 1
	parent, h := hv.parent(i), &hv.blocks[i].Header
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateHeader(hv.cfg, parent, h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateBody(b *testing.B) {
	hv := loadHiveHeaders(b)
	idx := 0
	for i, blk := range hv.blocks {
		if len(blk.Transactions) > len(hv.blocks[idx].Transactions) {
			idx = i
		}
	}
	blk := hv.blocks[idx]
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateBody(hv.cfg, blk); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzValidateHeader mutates fields of a real header pair: validation must
// never panic, and every failure carries an exec sentinel.
func FuzzValidateHeader(f *testing.F) {
	f.Add(uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint16(0), uint8(0))
	f.Add(uint64(1), uint64(1<<17), uint64(5), uint64(1<<63), uint64(3), uint64(1), uint16(types.FieldsAmsterdam), uint8(3))
	f.Add(uint64(1<<64-1), uint64(1<<64-1), uint64(1<<64-1), uint64(1<<64-1), uint64(1<<64-1), uint64(1<<64-1), uint16(0xffff), uint8(0xff))
	sentinels := []error{
		ErrInvalidNumber, ErrInvalidParentHash, chainspec.ErrForkNotSupported, ErrExtraDataTooLong, ErrInvalidNonce,
		ErrInvalidUncleHash, ErrInvalidTimestamp, ErrInvalidDifficulty, ErrInvalidGasLimit, ErrInvalidGasUsed,
		ErrMissingHeaderField, ErrUnexpectedHeaderField, ErrInvalidBaseFee, ErrTooMuchBlobGas,
		ErrInvalidBlobGasUsed, ErrInvalidExcessBlobGas, chainspec.ErrInvalidConfig,
	}
	f.Fuzz(func(t *testing.T, gasLimit, blobUsed, excess, baseFee, gasUsed, dt uint64, flip uint16, which uint8) {
		hv := loadHiveHeaders(t)
		i := int(which) % len(hv.blocks)
		parent, h := *hv.parent(i), hv.blocks[i].Header
		target := &h
		if which&0x80 != 0 {
			target = &parent
		}
		target.GasLimit ^= gasLimit
		target.BlobGasUsed ^= blobUsed
		target.ExcessBlobGas ^= excess
		target.BaseFee[0] ^= baseFee
		target.GasUsed ^= gasUsed
		target.Time += dt
		target.Optional ^= types.HeaderField(flip)
		if target == &parent {
			relink(&parent, &h)
		}
		err := ValidateHeader(hv.cfg, &parent, &h)
		if err == nil {
			return
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error without sentinel: %v", err)
	})
}
