package exec

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// ParallelProcessor executes an Amsterdam block in parallel from its block
// access list and returns exactly what the sequential Processor returns for
// it: the same receipts, gas, requests, rebuilt access list and post-state,
// or the same error.
//
// # How
//
// The list tells every step (the pre-execution system calls at index 0,
// transaction i at index i+1, post-execution at n+1) the state it starts
// from: the pre-state plus the list's changes below its index (state.BALView).
// So the steps do not wait for each other:
//
//  1. A goroutine derives the post-state from the list's final values
//     (state.BALUpdates) and hands it to the caller's merkleizer while the
//     block executes.
//  2. min(workers, steps) goroutines take steps from an atomic cursor. Each
//     owns an EVM and a journaled state, runs the step on the view at its
//     index, records its fragment and checks it against the list at that
//     index (bal.Lookup.CheckFragment) at once: a mismatch is kept as the
//     step's deferred error.
//  3. The calling goroutine gathers the steps in block order as they finish:
//     gas admission and charging in two dimensions (EIP-8037), receipts with
//     cumulative gas and block-wide log indices, fragments merged into the
//     rebuilt list, and the errors.
//  4. The rebuilt list must equal the supplied one; the root goroutine is
//     joined, and an existing empty account that execution deleted under
//     EIP-161 without the list showing any change is deleted in the
//     post-state too (the list cannot express it), recomputing the root.
//
// # Why the result is the sequential one
//
// Step 0 runs on the true pre-state. If every step's recorded changes equal
// the list's entries at its index, then by induction every later step also
// ran on its true pre-state (the pre-state plus the true changes below its
// index), so every result is the sequential one; the equality of the rebuilt
// and supplied lists then also covers the reads, and the post-state derived
// from the list is the true one.
//
// # Errors
//
// Any failure of the parallel run (an invalid transaction, gas admission, a
// step disagreeing with the list, a rebuilt list that differs) is only
// speculative: the block is then executed again by the sequential
// Processor, whose verdict is returned. So the error of an invalid block is
// the sequential one, whatever the scheduling, and a wrong list can never
// replace the consensus verdict with an error of its own. Within the gather
// the lowest failing index stops the run first, and at one index gas
// admission is checked before a transaction error, which is checked before a
// mismatch with the list. Every goroutine (workers, root) is joined on every
// path, success, error and cancellation alike; an abort cancels the running
// EVMs.
//
// # Rejected simpler designs
//
// A step does not wait for the steps before it (the list already holds
// their effects), and the gather does not re-execute anything: a wrong list
// makes some step record something else, which CheckFragment or, at the
// latest, the comparison of the rebuilt list catches. A shared journaled
// state guarded by locks would serialise the workers.
//
// A ParallelProcessor belongs to one goroutine and is reused from block to
// block; its workers' states and EVM frames are kept between blocks.
type ParallelProcessor struct {
	cfg      *chainspec.Config
	analyses evm.AnalysisCache
	workers  int
	ws       []*parallelWorker
	frags    sync.Pool
	seq      *Processor // the verdict on a speculative failure

	// Stats counts what the processor did, for tests and benchmarks.
	Stats ParallelStats
}

// ParallelStats counts blocks by outcome.
type ParallelStats struct {
	Parallel   int // blocks whose parallel run was accepted
	Sequential int // blocks executed again sequentially after a speculative failure
}

// parallelWorker is what one worker goroutine owns.
type parallelWorker struct {
	sdb     *state.StateDB
	steps   stepper // for the system-call groups
	vm      *evm.EVM
	chainID uint256.Int
}

// stepOut is one step's result, written by its worker and read by the
// gather after done is closed.
type stepOut struct {
	done     chan struct{}
	err      error // the step cannot be applied (invalid transaction, state failure)
	listErr  error // the step disagrees with the list
	receipt  *types.Receipt
	execGas  uint64
	stateGas uint64
	frag     *bal.Fragment
	changed  []changedAccount
	reqs     [][]byte // post-execution: the queue contracts' requests
	took     time.Duration
}

// changedAccount notes whether a step left an account deleted.
type changedAccount struct {
	addr    types.Address
	deleted bool
}

// NewParallelProcessor returns a parallel processor for cfg running on
// workers goroutines (0 means GOMAXPROCS). analyses may be nil or shared.
func NewParallelProcessor(cfg *chainspec.Config, analyses evm.AnalysisCache, workers int) *ParallelProcessor {
	warmPrecompiles(cfg)
	if analyses == nil {
		analyses = evm.NewSharedAnalysisCache(1 << 12)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	pp := &ParallelProcessor{cfg: cfg, analyses: analyses, workers: workers, seq: NewProcessor(cfg, analyses)}
	pp.frags.New = func() any { return bal.NewFragment() }
	return pp
}

// Merkleizer computes the state root of the block's post-state from its
// account updates (sorted by address). The parallel processor runs it on a
// goroutine of its own while the block executes.
type Merkleizer func(updates []state.AccountUpdate) (types.Hash, error)

// Process executes block, whose access list is list, on the pre-state pre.
// The list must have been decoded, checked against the header's hash and
// validated (Chain.InsertWithAccessList does this). merkleize computes the
// post-state root; Process returns it with the result. pre must be safe for
// concurrent use (put a cache.Cache in front of a slow reader). The result
// and error are those of Processor.Process; validate the result with
// Validate.
func (pp *ParallelProcessor) Process(ctx context.Context, block *types.Block, list *bal.BlockAccessList, pre state.Reader,
	getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, types.Hash, error) {
	res, root, err := pp.parallel(ctx, block, list, pre, getHash, merkleize)
	if err == nil {
		pp.Stats.Parallel++
		return res, root, nil
	}
	if ctx.Err() != nil {
		return nil, types.Hash{}, ctx.Err()
	}
	// The parallel run failed: the sequential run decides.
	pp.Stats.Sequential++
	if res, err = pp.seq.Process(block, pre, getHash); err != nil {
		return nil, types.Hash{}, err
	}
	if root, err = merkleize(res.Updates); err != nil {
		return nil, types.Hash{}, fmt.Errorf("%w: state root: %w", ErrState, err)
	}
	return res, root, nil
}

// errListDiffers reports a rebuilt access list that differs from the
// supplied one; it only sends the block to the sequential run.
var errListDiffers = fmt.Errorf("%w: the rebuilt list differs from the supplied one", ErrBALHashMismatch)

// parallel is the parallel run. Any error it returns is speculative.
func (pp *ParallelProcessor) parallel(ctx context.Context, block *types.Block, list *bal.BlockAccessList, pre state.Reader,
	getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, types.Hash, error) {
	start := time.Now()
	env, err := newBlockEnv(pp.cfg, block, getHash)
	if err != nil {
		return nil, types.Hash{}, err
	}
	if !env.amsterdam {
		return nil, types.Hash{}, fmt.Errorf("%w: a block before Amsterdam has no access list", ErrBALBeforeAmsterdam)
	}
	lk := bal.NewLookup(list)

	// 1. The post-state root, from the list, concurrently.
	type rootResult struct {
		updates []state.AccountUpdate
		root    types.Hash
		err     error
	}
	rootCh := make(chan rootResult, 1)
	var rootTook time.Duration
	go func() {
		t0 := time.Now()
		var r rootResult
		if r.updates, r.err = state.BALUpdates(lk, pre); r.err == nil {
			r.root, r.err = merkleize(r.updates)
		}
		rootTook = time.Since(t0)
		rootCh <- r
	}()
	var rootRes rootResult
	rootJoined := false
	joinRoot := func() rootResult {
		if !rootJoined {
			rootRes, rootJoined = <-rootCh, true
		}
		return rootRes
	}
	defer joinRoot()

	// 2. The steps, on the workers.
	n := len(block.Transactions)
	steps := n + 2
	outs := make([]stepOut, steps)
	for i := range outs {
		outs[i].done = make(chan struct{})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := min(pp.workers, steps)
	for len(pp.ws) < workers {
		wk := &parallelWorker{sdb: state.New(nil), steps: newStepper()}
		wk.chainID.SetUint64(pp.cfg.ChainID)
		pp.ws = append(pp.ws, wk)
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for w := range workers {
		wk := pp.ws[w]
		vm, err := evm.NewEVM(env.ctx, env.rules, evm.Config{Analyses: pp.analyses})
		if err != nil {
			cancel()
			wg.Wait()
			return nil, types.Hash{}, err
		}
		wk.vm = vm
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				j := int(next.Add(1)) - 1
				if j >= steps {
					return
				}
				t0 := time.Now()
				pp.runStep(ctx, wk, env, lk, pre, j, &outs[j])
				outs[j].took = time.Since(t0)
				close(outs[j].done)
			}
		}()
	}
	abort := func() {
		cancel()
		for _, wk := range pp.ws[:workers] {
			wk.vm.Cancel()
		}
		wg.Wait()
	}

	// 3. The gather, in block order.
	res, postReqs, deleted, err := pp.gather(ctx, env, lk, outs)
	if err != nil {
		abort()
		return nil, types.Hash{}, err
	}
	wg.Wait()
	res.Timings.Execution = time.Since(start)
	for j := range outs {
		res.Timings.StepsTotal += outs[j].took
		res.Timings.LongestStep = max(res.Timings.LongestStep, outs[j].took)
	}
	if err := res.finish(env, postReqs); err != nil {
		return nil, types.Hash{}, err
	}

	// 4. The rebuilt list against the supplied one, then the root.
	if !bal.Equal(res.AccessList, list) {
		return nil, types.Hash{}, errListDiffers
	}
	res.AccessList = list
	rr := joinRoot()
	if rr.err != nil {
		return nil, types.Hash{}, fmt.Errorf("%w: state root from the access list: %w", ErrState, rr.err)
	}
	res.Updates, err = addTouchDeletions(rr.updates, deleted, pre)
	if err != nil {
		return nil, types.Hash{}, err
	}
	res.Timings.Root = rootTook
	root := rr.root
	if len(res.Updates) != len(rr.updates) {
		if root, err = merkleize(res.Updates); err != nil {
			return nil, types.Hash{}, fmt.Errorf("%w: state root: %w", ErrState, err)
		}
	}
	res.Timings.Total = time.Since(start)
	return res, root, nil
}

// runStep executes step j: the pre-execution group (j = 0), transaction j-1,
// or the post-execution group (j = n+1), on the view at index j.
func (pp *ParallelProcessor) runStep(ctx context.Context, wk *parallelWorker, env *blockEnv, lk *bal.Lookup, pre state.Reader, j int, out *stepOut) {
	view := state.BALView{Base: pre, Lookup: lk, K: uint32(j)}
	frag := pp.frags.Get().(*bal.Fragment)
	frag.Reset()
	out.frag = frag
	n := len(env.block.Transactions)
	if j == 0 || j == n+1 {
		// A group of system steps sharing the index: one after the other on a
		// block state over the view, recording into one fragment.
		s := &wk.steps
		s.bs.Reset(&view)
		s.amsterdam, s.frag = true, frag
		if j == 0 {
			out.err = s.preExecution(env, wk.vm)
		} else {
			out.reqs, out.err = s.postExecution(env, wk.vm)
		}
		if out.err == nil {
			for _, u := range s.bs.Updates() {
				out.changed = append(out.changed, changedAccount{u.Address, u.Deleted})
			}
		}
	} else {
		i := j - 1
		tx := env.block.Transactions[i]
		from, err := tx.Sender(&wk.chainID)
		if err != nil {
			out.err = fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
			return
		}
		if err := checkTxType(&env.rules, tx.Type); err != nil {
			out.err = fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
			return
		}
		msg := evm.NewMessage(tx, from, &env.block.Header.BaseFee)
		wk.sdb.Reset(&view)
		wk.sdb.SetAmsterdam(frag)
		wk.vm.Reset(wk.sdb)
		// A pool of the block's limit for this transaction alone: the gather
		// admits and charges it against the block.
		res, err := evm.ApplyMessage(wk.vm, &msg, evm.NewGasPool(env.ctx.GasLimit))
		if err != nil {
			out.err = fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err)
			return
		}
		changes := wk.sdb.Finalise()
		if err := wk.sdb.Err(); err != nil {
			out.err = fmt.Errorf("tx %d: %w: %w", i, ErrState, err)
			return
		}
		for _, u := range changes.Accounts {
			out.changed = append(out.changed, changedAccount{u.Address, u.Deleted})
		}
		out.receipt = env.makeReceipt(i, &msg, &res, wk.sdb.Logs())
		out.execGas, out.stateGas = res.ExecutionGas, res.StateGas
	}
	if ctx.Err() == nil {
		if err := lk.CheckFragment(uint32(j), frag); err != nil {
			out.listErr = fmt.Errorf("%w: step at index %d: %w", ErrBALHashMismatch, j, err)
		}
	}
}

// gather consumes the steps in block order while the workers run. It
// returns the result so far (receipts, gas, rebuilt list), the
// post-execution requests, and the accounts execution left deleted.
func (pp *ParallelProcessor) gather(ctx context.Context, env *blockEnv, lk *bal.Lookup, outs []stepOut) (*Result, [][]byte, map[types.Address]bool, error) {
	n := len(env.block.Transactions)
	res := &Result{Receipts: make([]*types.Receipt, 0, n)}
	gp := evm.NewGasPool(env.ctx.GasLimit)
	var (
		builder  bal.Builder
		postReqs [][]byte
		deleted  = make(map[types.Address]bool)
	)
	for j := range outs {
		out := &outs[j]
		select {
		case <-out.done:
		case <-ctx.Done():
			return nil, nil, nil, ctx.Err()
		}
		if j >= 1 && j <= n {
			i := j - 1
			tx := env.block.Transactions[i]
			if err := gp.CheckGasAmsterdam(min(tx.Gas, evm.MaxTxGas), tx.Gas); err != nil {
				return nil, nil, nil, fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err)
			}
			if out.err != nil {
				return nil, nil, nil, out.err
			}
			if err := gp.ChargeGasAmsterdam(out.execGas, out.stateGas, out.receipt.GasUsed); err != nil {
				return nil, nil, nil, fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err)
			}
		} else if out.err != nil {
			return nil, nil, nil, out.err
		}
		if out.listErr != nil {
			return nil, nil, nil, out.listErr
		}
		if out.receipt != nil {
			res.addReceipt(out.receipt)
		}
		if j == n+1 {
			postReqs = out.reqs
		}
		for _, c := range out.changed {
			deleted[c.addr] = c.deleted
		}
		builder.Merge(uint32(j), out.frag)
		pp.frags.Put(out.frag)
		out.frag = nil
	}
	res.GasUsed = gp.Used()
	res.AccessList = builder.Build()
	return res, postReqs, deleted, nil
}

// addTouchDeletions adds to the list-derived updates the accounts execution
// deleted that the list shows no change for: existing empty accounts that a
// step touched, which EIP-161 deletes. The result stays sorted by address.
func addTouchDeletions(updates []state.AccountUpdate, deleted map[types.Address]bool, pre state.Reader) ([]state.AccountUpdate, error) {
	var extra []state.AccountUpdate
	for addr, del := range deleted {
		if !del {
			continue
		}
		if _, found := slices.BinarySearchFunc(updates, addr, func(u state.AccountUpdate, a types.Address) int {
			return compareAddress(&u.Address, &a)
		}); found {
			continue
		}
		if _, exists, err := pre.Account(addr); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrState, err)
		} else if exists {
			extra = append(extra, state.AccountUpdate{Address: addr, Deleted: true})
		}
	}
	if len(extra) == 0 {
		return updates, nil
	}
	out := append(slices.Clip(updates), extra...)
	slices.SortFunc(out, func(a, b state.AccountUpdate) int { return compareAddress(&a.Address, &b.Address) })
	return out, nil
}

func compareAddress(a, b *types.Address) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
