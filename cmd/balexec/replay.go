package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/storedb"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/types"
)

// storeWarmWorkers is the warm goroutines of a chain over the store
// (bench's BenchmarkWarmer measures 2 to 64).
const storeWarmWorkers = 16

// chainFlags are the flags replay and import share.
type chainFlags struct {
	fs          *flag.FlagSet
	genesisFile *string
	chainFile   *string
	payloadFile *string
	datadir     *string
	parallel    *int
	rules       rulesOption
}

func newChainFlags(name string, stderr io.Writer) *chainFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &chainFlags{
		fs:          fs,
		genesisFile: fs.String("genesis", "", "go-ethereum genesis `file`"),
		chainFile:   fs.String("chain", "", "`file` of concatenated RLP blocks"),
		payloadFile: fs.String("payloads", "", "engine API newPayload request `file` (a JSON array)"),
		datadir:     fs.String("datadir", "", "`directory` of the on-disk store (created if missing; the chain continues from its head)"),
		parallel:    fs.Int("parallel", 0, "run blocks that come with their access list on the parallel executor with `n` workers (0: sequential)"),
		rules:       rulesFlag(fs),
	}
}

// valid reports whether exactly one block source and a genesis were given.
func (f *chainFlags) valid() bool {
	return *f.genesisFile != "" && (*f.chainFile == "") != (*f.payloadFile == "") && f.fs.NArg() == 0
}

// importer is a chain being fed the blocks of a file, in memory or over a
// store.
type importer struct {
	g      *chainspec.Genesis
	gh     types.Header
	chain  *exec.Chain
	db     *store.DB // nil in memory
	blocks []*types.Block
	lists  [][]byte
	// skip is how many of the blocks (a prefix) the store holds already.
	skip int
}

// open reads the genesis and the blocks and opens the chain: over the store
// in --datadir, or in memory.
func (f *chainFlags) open() (*importer, error) {
	if *f.parallel < 0 {
		return nil, fmt.Errorf("--parallel %d: want 0 (sequential) or a number of workers", *f.parallel)
	}
	profile, err := f.rules.profile()
	if err != nil {
		return nil, err
	}
	file, err := os.Open(*f.genesisFile)
	if err != nil {
		return nil, err
	}
	g, err := chainspec.ReadGenesis(file)
	file.Close()
	if err != nil {
		return nil, err
	}
	if profile != nil {
		g.Config.Profile = *profile
	}
	im := &importer{g: g}
	if im.gh, err = g.Header(); err != nil {
		return nil, err
	}
	if im.blocks, im.lists, err = loadBlocks(*f.chainFile, *f.payloadFile); err != nil {
		return nil, err
	}
	var db exec.Database = exec.NewMemoryDatabase()
	if *f.datadir != "" {
		if im.db, err = store.Open(*f.datadir, store.Options{}); err != nil {
			return nil, err
		}
		db = storedb.New(im.db)
	}
	if im.chain, err = exec.OpenChain(g.Config, db, &im.gh, g.Alloc); err != nil {
		im.close()
		return nil, err
	}
	if *f.parallel > 0 {
		im.chain.EnableParallel(*f.parallel, 0)
	}
	if im.db != nil {
		// Reads of the store block on the disk without holding a core:
		// more warm goroutines than cores keep more of them in flight.
		im.chain.SetCacheOptions(cache.Options{WarmWorkers: storeWarmWorkers})
	}
	// The blocks the store has on its canonical chain already.
	if im.db != nil {
		head := im.chain.Head().Number
		for _, b := range im.blocks {
			if b.Header.Number > head {
				break
			}
			hash, err := im.db.CanonicalHash(b.Header.Number)
			if err != nil || hash != b.Hash() {
				break
			}
			im.skip++
		}
	}
	return im, nil
}

// close closes the store, once.
func (im *importer) close() error {
	if im.db == nil {
		return nil
	}
	db := im.db
	im.db = nil
	return db.Close()
}

// run imports the blocks after the skipped ones, calling done after each
// success, and stops at the first failure, which it returns with its index.
func (im *importer) run(ctx context.Context, done func(i int, res *exec.Result)) (int, error) {
	for i := im.skip; i < len(im.blocks); i++ {
		b := im.blocks[i]
		res, err := im.chain.InsertWithAccessList(ctx, b, im.lists[i])
		if err == nil && im.lists[i] != nil {
			if built := res.AccessList.EncodeRLP(); !bytes.Equal(built, im.lists[i]) {
				err = fmt.Errorf("built block access list differs from the payload's (%d vs %d bytes)", len(built), len(im.lists[i]))
			}
		}
		if err != nil {
			return i, err
		}
		done(i, res)
	}
	return len(im.blocks), nil
}

// replay imports a chain on top of a genesis file and checks every block:
// header validity, and after execution the gas used, bloom, receipts root,
// requests hash, block access list (from Amsterdam) and state root. Blocks
// come from a file of concatenated RLP blocks (--chain) or from an engine API
// newPayload file (--payloads), whose Amsterdam payloads also carry the block
// access list: it is checked before execution and must equal, byte for byte,
// the list execution builds. With --datadir the chain lives in the on-disk
// store there and continues from its head (blocks it holds are skipped);
// without it, in memory. With --state-dump the final state must equal a
// go-ethereum state dump. Replay stops at the first block that fails, since
// its descendants cannot be imported.
func replay(args []string, stdout, stderr io.Writer) error {
	f := newChainFlags("replay", stderr)
	dumpFile := f.fs.String("state-dump", "", "go-ethereum state dump `file` the final state must equal")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if !f.valid() {
		return errors.New("usage: balexec replay --genesis FILE (--chain FILE | --payloads FILE) [--datadir DIR] [--state-dump FILE] [--parallel N] [--rules NAME]")
	}
	im, err := f.open()
	if err != nil {
		return err
	}
	defer im.close()
	fmt.Fprintf(stdout, "genesis %s, %d blocks\n", im.gh.Hash(), len(im.blocks))
	if im.skip > 0 {
		fmt.Fprintf(stdout, "%d blocks already in the store, continuing after block %d\n", im.skip, im.blocks[im.skip-1].Header.Number)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	passed, failed := 0, 0
	var txs int
	var gas uint64
	start := time.Now()
	progress := progressTo(stderr)
	at, err := im.run(ctx, func(i int, res *exec.Result) {
		passed++
		b := im.blocks[i]
		txs += len(b.Transactions)
		gas += res.GasUsed
		fmt.Fprintf(stdout, "block %d %s: ok, %d txs, %d gas\n", b.Header.Number, b.Hash(), len(b.Transactions), res.GasUsed)
		progress("replay: %d of %d blocks", i+1, len(im.blocks))
	})
	elapsed := time.Since(start)
	progress("")
	if err != nil {
		failed++
		b := im.blocks[at]
		fmt.Fprintf(stdout, "block %d %s: FAIL %v\n", b.Header.Number, b.Hash(), err)
		if rest := len(im.blocks) - at - 1; rest > 0 {
			fmt.Fprintf(stdout, "%d later blocks not run: their ancestor was rejected\n", rest)
		}
	}
	if failed == 0 && *dumpFile != "" {
		if err := checkDump(im.chain, *dumpFile); err != nil {
			failed++
			fmt.Fprintf(stdout, "final state: FAIL %v\n", err)
		} else {
			fmt.Fprintf(stdout, "final state: ok, equals %s\n", *dumpFile)
		}
	}
	how := "sequentially"
	if *f.parallel > 0 {
		st := im.chain.ParallelStats()
		fmt.Fprintf(stdout, "parallel executor: %d blocks accepted, %d sent to the sequential run\n", st.Parallel, st.Sequential)
		how = fmt.Sprintf("on the parallel executor with %d workers", *f.parallel)
	}
	fmt.Fprintf(stdout, "imported %d blocks (%d txs, %.1f Mgas) %s in %s: %.1f Mgas/s, %.2f ms a block\n",
		passed, txs, float64(gas)/1e6, how, elapsed.Round(time.Millisecond),
		float64(gas)/1e6/max(elapsed.Seconds(), 1e-9), float64(elapsed.Microseconds())/1e3/float64(max(passed+failed, 1)))
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if err := im.close(); err != nil {
		return err
	}
	if failed > 0 {
		return errFailed
	}
	return nil
}

// importCmd imports a chain into the store in --datadir, resuming after the
// blocks it holds already: progress (blocks, blocks per second, Mgas/s) on
// standard error once a second, failures and "N passed, M failed" on
// standard output. An interrupt stops it between blocks; the store is then
// at the last block imported.
func importCmd(args []string, stdout, stderr io.Writer) error {
	f := newChainFlags("import", stderr)
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if !f.valid() || *f.datadir == "" {
		return errors.New("usage: balexec import --datadir DIR --genesis FILE (--payloads FILE | --chain FILE) [--parallel N] [--rules NAME]")
	}
	im, err := f.open()
	if err != nil {
		return err
	}
	defer im.close()
	todo := len(im.blocks) - im.skip
	fmt.Fprintf(stdout, "store %s at block %d; %d blocks in the file, %d already imported, %d to import\n",
		*f.datadir, im.chain.Head().Number, len(im.blocks), im.skip, todo)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var (
		start     = time.Now()
		lastPrint = start
		passed    int
		gas       uint64
	)
	progress := func() {
		secs := time.Since(start).Seconds()
		if secs <= 0 {
			secs = 1e-9
		}
		head := im.chain.Head()
		fmt.Fprintf(stderr, "import: %d/%d blocks, head %d, %.1f blocks/s, %.1f Mgas/s, %s\n",
			passed, todo, head.Number, float64(passed)/secs, float64(gas)/1e6/secs, time.Since(start).Round(time.Millisecond))
	}
	at, err := im.run(ctx, func(i int, res *exec.Result) {
		passed++
		gas += res.GasUsed
		if time.Since(lastPrint) >= time.Second {
			lastPrint = time.Now()
			progress()
		}
	})
	progress()
	failed := 0
	if err != nil {
		failed++
		b := im.blocks[at]
		fmt.Fprintf(stdout, "block %d %s: FAIL %v\n", b.Header.Number, b.Hash(), err)
		if rest := len(im.blocks) - at - 1; rest > 0 {
			fmt.Fprintf(stdout, "%d later blocks not run: their ancestor was rejected\n", rest)
		}
	}
	head := im.chain.Head()
	fmt.Fprintf(stdout, "head %d %s, state root %s\n", head.Number, head.Hash(), head.Root)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if err := im.close(); err != nil {
		return err
	}
	if failed > 0 {
		return errFailed
	}
	return nil
}

// loadBlocks reads the blocks to replay, with their block access lists (nil
// where a block has none), from an RLP chain file or a payload file.
func loadBlocks(chainFile, payloadFile string) ([]*types.Block, [][]byte, error) {
	if chainFile != "" {
		data, err := os.ReadFile(chainFile)
		if err != nil {
			return nil, nil, err
		}
		blocks, err := splitBlocks(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", chainFile, err)
		}
		if len(blocks) == 0 {
			return nil, nil, fmt.Errorf("%s: no blocks", chainFile)
		}
		return blocks, make([][]byte, len(blocks)), nil
	}
	data, err := os.ReadFile(payloadFile)
	if err != nil {
		return nil, nil, err
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", payloadFile, err)
	}
	var (
		blocks []*types.Block
		lists  [][]byte
	)
	for i := range reqs {
		r := &reqs[i]
		if r.Payload.BlockNumber == 0 {
			continue // the genesis, which the genesis file gives
		}
		b, err := engine.Block(r)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: payload %d (block %d): %w", payloadFile, i, uint64(r.Payload.BlockNumber), err)
		}
		blocks = append(blocks, b)
		var list []byte
		if len(r.Payload.BlockAccessList) > 0 {
			list = r.Payload.BlockAccessList
		}
		lists = append(lists, list)
	}
	if len(blocks) == 0 {
		return nil, nil, fmt.Errorf("%s: no blocks after the genesis", payloadFile)
	}
	return blocks, lists, nil
}

// checkDump compares the head state with a state dump: the dump's own root
// must be what its accounts hash to, and the head's state root.
func checkDump(chain *exec.Chain, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := chainspec.ReadDump(f)
	if err != nil {
		return err
	}
	root, err := d.Alloc().Root()
	if err != nil {
		return err
	}
	if root != d.Root {
		return fmt.Errorf("the dump's accounts hash to %s, not its root %s", root, d.Root)
	}
	if head := chain.Head(); head.Root != root {
		return fmt.Errorf("head block %d has state root %s, the dump %s", head.Number, head.Root, root)
	}
	return nil
}

// splitBlocks decodes concatenated RLP blocks.
func splitBlocks(data []byte) ([]*types.Block, error) {
	var out []*types.Block
	for len(data) > 0 {
		_, _, rest, err := rlp.Split(data)
		if err != nil {
			return nil, fmt.Errorf("block %d of the chain file: %w", len(out)+1, err)
		}
		b, err := types.DecodeBlock(data[:len(data)-len(rest)])
		if err != nil {
			return nil, fmt.Errorf("block %d of the chain file: %w", len(out)+1, err)
		}
		out = append(out, b)
		data = rest
	}
	return out, nil
}
