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
	"github.com/balexec/balexec/internal/invariants"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
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
// So the steps do not wait for each other. Process runs, all at once:
//
//  1. the warmer, when the pre-state can prefetch (a cache.Cache): it reads
//     everything the list names into the cache, on goroutines of its own;
//  2. the root: a goroutine derives the post-state from the list's final
//     values (state.BALUpdates) and hands it to the caller's merkleizer,
//     which returns the root and the trie nodes it created;
//  3. the steps: min(workers, steps) goroutines take them in schedule order
//     from an atomic cursor. Each worker owns an EVM and a journaled state,
//     kept from block to block; it runs the step on the view at its index,
//     recovering the transaction's sender there if the transaction does not
//     carry it, records the step's fragment and checks it against the list at
//     that index (bal.Lookup.CheckFragment) at once: a mismatch is the
//     step's deferred error;
//  4. the gather, on the calling goroutine, in block order as the steps
//     finish: gas admission and charging in two dimensions (EIP-8037),
//     receipts with cumulative gas and block-wide log indices, the receipts
//     trie (streamed, trie.OrderedStream), fragments merged into the
//     rebuilt list.
//
// Then the rebuilt list must equal the supplied one, the root goroutine is
// joined, and an existing empty account that execution deleted under EIP-161
// without the list showing any change is deleted in the post-state too (the
// list cannot express it), which merkleizes again in that rare case.
//
// # Schedule
//
// The steps are handed out as: index 0, then n+1 (neither depends on
// anything, and the gather needs index 0 first), then the heavy
// transactions, largest gas limit first, then the others in block order. A
// transaction is heavy when its gas limit (capped at evm.MaxTxGas) exceeds
// 1/(8·workers) of the block's summed limits: one that could, started late,
// end after every other worker is idle. Heavy ones first keep them off the
// tail; the rest in block order keep the in-order gather close behind the
// workers, so that little of its work is left when the last step ends.
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
// # Errors, and the cost of a lie
//
// Any failure of the parallel run (an invalid transaction, gas admission, a
// step disagreeing with the list, a rebuilt list that differs) is only
// speculative: the block is then executed again by the sequential
// Processor, whose verdict is returned. So the error of an invalid block is
// the sequential one, whatever the scheduling, and a wrong list can never
// replace the consensus verdict with an error of its own. Within the gather
// the lowest failing index stops the run first, and at one index gas
// admission is checked before a transaction error, which is checked before a
// mismatch with the list.
//
// The first sign of a lie ends the speculative run at once: the workers'
// EVMs are cancelled, the root's merkleizer and the warmer are cancelled,
// and every goroutine (workers, root, warmer) is joined before the
// sequential run starts, so a lie costs about the honest part of the block
// plus the sequential verdict, however much the list claims (an account the
// list names that no step touched is seen when the last step is gathered).
// Every goroutine has one join path, taken on success, error and
// cancellation alike.
//
// # Rejected simpler designs
//
// A step does not wait for the steps before it (the list already holds
// their effects), and the gather does not re-execute anything: a wrong list
// makes some step record something else, which CheckFragment or, at the
// latest, the comparison of the rebuilt list catches. A shared journaled
// state guarded by locks would serialise the workers. Handing every step out
// heaviest first would leave the whole gather for the end.
//
// A ParallelProcessor belongs to one goroutine and is reused from block to
// block; its workers' states, EVMs and frames are kept between blocks.
type ParallelProcessor struct {
	cfg      *chainspec.Config
	analyses evm.AnalysisCache
	workers  int
	ws       []*parallelWorker
	seq      *Processor // the verdict on a speculative failure
	stats    ParallelStats

	// Reused from block to block.
	outs    []stepOut
	builder bal.Builder
	// frags holds the fragments no step is using: a worker takes one for
	// its step, the gather gives it back once merged, so only the steps
	// between the gather and the workers hold one.
	frags struct {
		sync.Mutex
		free []*bal.Fragment
	}
	order    []int32
	receipts trie.OrderedStream
	enc      []byte
}

// ParallelStats counts blocks by outcome.
type ParallelStats struct {
	Parallel   int // blocks whose parallel run was accepted
	Sequential int // blocks executed again sequentially after a speculative failure
}

// parallelWorker is what one worker goroutine owns, kept across blocks. The
// view and message live here rather than on the stack because the state and
// the EVM keep pointers to them.
type parallelWorker struct {
	sdb     *state.StateDB
	steps   stepper // for the system-call groups
	vm      *evm.EVM
	chainID uint256.Int
	view    state.BALView
	msg     evm.Message
}

// stepOut is one step's result, written by its worker and read by the
// gather once done is set.
type stepOut struct {
	done     atomic.Bool
	err      error // the step cannot be applied (invalid transaction, state failure)
	listErr  error // the step disagrees with the list
	receipt  *types.Receipt
	execGas  uint64
	stateGas uint64
	frag     *bal.Fragment
	changed  []changedAccount
	reqs     [][]byte // post-execution: the queue contracts' requests
	took     time.Duration
	sender   time.Duration // of took, recovering the sender
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
	return &ParallelProcessor{cfg: cfg, analyses: analyses, workers: workers, seq: NewProcessor(cfg, analyses)}
}

// Stats returns how many blocks the processor ran in parallel and how many
// it executed again sequentially after a speculative failure.
func (pp *ParallelProcessor) Stats() ParallelStats { return pp.stats }

// Merkleizer computes the state root of a block's post-state from its
// account updates (sorted by address) and returns it with the trie nodes it
// created. The parallel processor runs it on a goroutine of its own while
// the block executes and cancels ctx when nobody needs the root any more;
// it should then stop early (trie.UpdateStateContext does).
type Merkleizer func(ctx context.Context, updates []state.AccountUpdate) (types.Hash, trie.NodeSet, error)

// Warmer is implemented by pre-states that can prefetch what a block access
// list names (cache.Cache). Warm must return once ctx is done.
type Warmer interface {
	Warm(ctx context.Context, list *bal.BlockAccessList) error
}

// Process executes block, whose access list is list, on the pre-state pre.
// The list must have been decoded, checked against the header's hash and
// validated (CheckAccessList does this). merkleize computes the post-state
// root; Process returns it with its nodes in Result.Root and Result.Nodes.
// pre must be safe for concurrent use (put a cache.Cache in front of a slow
// reader); when it is a Warmer, Process prefetches the list into it while
// the block executes. The result and error are those of Processor.Process;
// validate the result with Validate.
func (pp *ParallelProcessor) Process(ctx context.Context, block *types.Block, list *bal.BlockAccessList, pre state.Reader,
	getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, error) {
	return pp.process(ctx, block, list, pre, getHash, merkleize, nil)
}

// process is Process with the checks of the block that run beside its
// execution (nil for none): their verdict comes first, ahead of the
// parallel run's and instead of a sequential run.
func (pp *ParallelProcessor) process(ctx context.Context, block *types.Block, list *bal.BlockAccessList, pre state.Reader,
	getHash func(uint64) types.Hash, merkleize Merkleizer, late func() error) (*Result, error) {
	res, err := pp.parallel(ctx, block, list, pre, getHash, merkleize)
	if late != nil {
		if lerr := late(); lerr != nil {
			return nil, lerr
		}
	}
	if err == nil {
		pp.stats.Parallel++
		return res, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// The parallel run failed: the sequential run decides.
	pp.stats.Sequential++
	start := time.Now()
	if res, err = pp.seq.Process(ctx, block, pre, getHash); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if res.Root, res.Nodes, err = merkleize(ctx, res.Updates); err != nil {
		return nil, fmt.Errorf("%w: state root: %w", ErrState, err)
	}
	res.Timings.Root = time.Since(t0)
	res.Timings.Total = time.Since(start)
	return res, nil
}

// errListDiffers reports a rebuilt access list that differs from the
// supplied one; it only sends the block to the sequential run.
var errListDiffers = fmt.Errorf("%w: the rebuilt list differs from the supplied one", ErrBALHashMismatch)

// rootResult is what the root goroutine hands back.
type rootResult struct {
	updates []state.AccountUpdate
	root    types.Hash
	nodes   trie.NodeSet
	err     error
	took    time.Duration
}

// parallel is the parallel run. Any error it returns is speculative. Every
// goroutine it starts has returned when it returns.
func (pp *ParallelProcessor) parallel(ctx context.Context, block *types.Block, list *bal.BlockAccessList, pre state.Reader,
	getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, error) {
	start := time.Now()
	env, err := newBlockEnv(pp.cfg, block, getHash)
	if err != nil {
		return nil, err
	}
	if !env.amsterdam {
		return nil, fmt.Errorf("%w: a block before Amsterdam has no access list", ErrBALBeforeAmsterdam)
	}
	lk := bal.NewLookup(list)
	ctx, cancel := context.WithCancel(ctx)
	var bg sync.WaitGroup // the warmer and the root
	defer func() {
		cancel()
		bg.Wait()
	}()

	// 1. The warmer.
	if w, ok := pre.(Warmer); ok {
		bg.Go(func() { _ = w.Warm(ctx, list) }) // a failed load is retried by its reader
	}

	// 2. The post-state root, from the list.
	rootCh := make(chan rootResult, 1)
	var rootDone atomic.Bool
	bg.Go(func() {
		t0 := time.Now()
		var r rootResult
		if r.updates, r.err = state.BALUpdates(ctx, lk, pre); r.err == nil {
			r.root, r.nodes, r.err = merkleize(ctx, r.updates)
		}
		r.took = time.Since(t0)
		rootDone.Store(true)
		rootCh <- r
	})

	// 3. The steps, on the workers.
	n := len(block.Transactions)
	steps := n + 2
	outs := pp.resetOuts(steps)
	order := pp.schedule(block.Transactions)
	workers := min(pp.workers, steps)
	if err := pp.prepareWorkers(workers, env); err != nil {
		return nil, err
	}
	var (
		next atomic.Int64
		wake = make(chan struct{}, 1)
		wg   sync.WaitGroup
	)
	for w := range workers {
		wk := pp.ws[w]
		wg.Go(func() {
			for ctx.Err() == nil {
				p := int(next.Add(1)) - 1
				if p >= steps {
					return
				}
				j := int(order[p])
				out := &outs[j]
				t0 := time.Now()
				pp.runStep(ctx, wk, env, lk, pre, j, out)
				out.took = time.Since(t0)
				out.done.Store(true)
				select {
				case wake <- struct{}{}:
				default:
				}
				// While the root is being computed, a worker lets the root's
				// goroutines run between steps: the root then ends with the
				// steps instead of after them (measured on transfers, erc20
				// and storage with 2 workers on 2 cores: 8-15% shorter
				// blocks, the wait for the root gone).
				if !rootDone.Load() {
					runtime.Gosched()
				}
			}
		})
	}
	stopWorkers := func() {
		cancel()
		for _, wk := range pp.ws[:workers] {
			wk.vm.Cancel()
		}
		wg.Wait()
	}

	// 4. The gather, in block order.
	res, postReqs, deleted, gatherTook, err := pp.gather(ctx, env, outs, wake)
	if err != nil {
		stopWorkers()
		for i := range outs {
			if outs[i].frag != nil {
				pp.giveFrag(outs[i].frag)
				outs[i].frag = nil
			}
		}
		return nil, err
	}
	wg.Wait()
	finishStart := time.Now()
	res.Timings.Execution = finishStart.Sub(start)
	res.Timings.Gather = gatherTook
	res.Timings.Steps = make([]time.Duration, steps)
	for j := range outs {
		d := outs[j].took
		res.Timings.Steps[j] = d
		res.Timings.StepsTotal += d
		res.Timings.Senders += outs[j].sender
		res.Timings.LongestStep = max(res.Timings.LongestStep, d)
	}
	res.Timings.Workers = workers
	if err := res.finishRequests(env, postReqs); err != nil {
		return nil, err
	}
	res.ReceiptsRoot = pp.receipts.Root()
	if invariants.Enabled {
		pp.checkGathered(res, order)
	}

	// 5. The rebuilt list against the supplied one, then the root.
	if !bal.Equal(res.AccessList, list) {
		return nil, errListDiffers
	}
	res.AccessList = list
	waitStart := time.Now()
	rr := <-rootCh
	res.Timings.RootWait = time.Since(waitStart)
	res.Timings.Root = rr.took
	if rr.err != nil {
		return nil, fmt.Errorf("%w: state root from the access list: %w", ErrState, rr.err)
	}
	res.Updates, err = addTouchDeletions(rr.updates, deleted, pre)
	if err != nil {
		return nil, err
	}
	res.Root, res.Nodes = rr.root, rr.nodes
	if len(res.Updates) != len(rr.updates) {
		t0 := time.Now()
		if res.Root, res.Nodes, err = merkleize(ctx, res.Updates); err != nil {
			return nil, fmt.Errorf("%w: state root: %w", ErrState, err)
		}
		res.Timings.Root += time.Since(t0)
		res.Timings.RootWait += time.Since(t0)
	}
	res.Timings.Finish = time.Since(finishStart)
	res.Timings.Total = time.Since(start)
	if invariants.Sometimes(0.25) {
		pp.checkAgainstSequential(block, pre, getHash, merkleize, res)
	}
	return res, nil
}

// checkGathered verifies, in invariant builds, that the schedule handed out
// every step exactly once and that the streamed receipts root is the one
// computed from all receipts at once.
func (pp *ParallelProcessor) checkGathered(res *Result, order []int32) {
	seen := make([]bool, len(order))
	for _, j := range order {
		if j < 0 || int(j) >= len(order) || seen[j] {
			invariants.AssertionFailedf("exec: schedule %v is not a permutation of the steps", order)
			return
		}
		seen[j] = true
	}
	want := trie.OrderedRoot(len(res.Receipts), func(i int, dst []byte) []byte { return res.Receipts[i].AppendConsensus(dst) })
	if res.ReceiptsRoot != want {
		invariants.AssertionFailedf("exec: streamed receipts root %s, from all receipts %s", res.ReceiptsRoot, want)
	}
}

// checkAgainstSequential executes the block again sequentially, in
// invariant builds, and verifies that the accepted parallel result is the
// sequential one: gas, bloom, receipts, requests, the rebuilt list and the
// post-state root.
func (pp *ParallelProcessor) checkAgainstSequential(block *types.Block, pre state.Reader, getHash func(uint64) types.Hash, merkleize Merkleizer, got *Result) {
	want, err := pp.seq.Process(context.Background(), block, pre, getHash)
	if err != nil {
		invariants.AssertionFailedf("exec: block %d accepted in parallel, rejected sequentially: %v", block.Header.Number, err)
		return
	}
	switch {
	case want.GasUsed != got.GasUsed || want.Bloom != got.Bloom || want.ReceiptsRoot != got.ReceiptsRoot:
		invariants.AssertionFailedf("exec: block %d: parallel gas/bloom/receipts differ from the sequential run", block.Header.Number)
	case types.CalcRequestsHash(want.Requests) != types.CalcRequestsHash(got.Requests):
		invariants.AssertionFailedf("exec: block %d: parallel requests differ from the sequential run", block.Header.Number)
	case want.AccessList.Hash() != got.AccessList.Hash():
		invariants.AssertionFailedf("exec: block %d: the access lists differ", block.Header.Number)
	}
	// The updates may differ in entries that change nothing (an account
	// written back with its own values, a deletion of an absent account):
	// the roots may not.
	root, _, err := merkleize(context.Background(), want.Updates)
	if err != nil || root != got.Root {
		invariants.AssertionFailedf("exec: block %d: parallel root %s, sequential %s (%v)", block.Header.Number, got.Root, root, err)
	}
}

// takeFrag returns an empty fragment, from the free list when it has one.
func (pp *ParallelProcessor) takeFrag() *bal.Fragment {
	pp.frags.Lock()
	n := len(pp.frags.free)
	if n == 0 {
		pp.frags.Unlock()
		return bal.NewFragment()
	}
	f := pp.frags.free[n-1]
	pp.frags.free = pp.frags.free[:n-1]
	pp.frags.Unlock()
	f.Reset()
	return f
}

// giveFrag puts a fragment nobody uses any more on the free list.
func (pp *ParallelProcessor) giveFrag(f *bal.Fragment) {
	pp.frags.Lock()
	pp.frags.free = append(pp.frags.free, f)
	pp.frags.Unlock()
}

// resetOuts returns the step outputs for a block of steps steps, reusing
// the previous block's.
func (pp *ParallelProcessor) resetOuts(steps int) []stepOut {
	if cap(pp.outs) < steps {
		pp.outs = make([]stepOut, steps)
	}
	outs := pp.outs[:steps]
	for i := range outs {
		o := &outs[i]
		o.done.Store(false)
		o.err, o.listErr, o.receipt, o.reqs = nil, nil, nil, nil
		o.execGas, o.stateGas, o.took, o.sender = 0, 0, 0, 0
		o.changed = o.changed[:0]
	}
	return outs
}

// schedule returns the order in which the steps of a block with txs are
// handed out, reusing the previous block's slice.
func (pp *ParallelProcessor) schedule(txs []*types.Transaction) []int32 {
	pp.order = appendStepOrder(pp.order[:0], len(txs), func(i int) uint64 { return txs[i].Gas }, pp.workers)
	return pp.order
}

// StepOrder returns the order in which the parallel processor hands out the
// steps of a block whose transactions have the given gas limits to workers
// goroutines (see the type's doc): 0, n+1, the heavy transactions by gas
// limit descending, then the others in block order. Models of the schedule
// use it.
func StepOrder(gasLimits []uint64, workers int) []int32 {
	return appendStepOrder(nil, len(gasLimits), func(i int) uint64 { return gasLimits[i] }, workers)
}

func appendStepOrder(order []int32, n int, gasOf func(i int) uint64, workers int) []int32 {
	order = slices.Grow(order, n+2)
	order = append(order, 0, int32(n+1))
	gas := func(i int) uint64 { return min(gasOf(i), evm.MaxTxGas) }
	var total uint64
	for i := range n {
		total += gas(i)
	}
	heavy := func(i int) bool { return gas(i)*8*uint64(max(workers, 1)) > total }
	first := len(order)
	for i := range n {
		if heavy(i) {
			order = append(order, int32(i+1))
		}
	}
	slices.SortStableFunc(order[first:], func(a, b int32) int {
		ga, gb := gas(int(a)-1), gas(int(b)-1)
		switch {
		case ga > gb:
			return -1
		case ga < gb:
			return 1
		}
		return 0
	})
	for i := range n {
		if !heavy(i) {
			order = append(order, int32(i+1))
		}
	}
	return order
}

// prepareWorkers makes sure the first count workers exist and are set up
// for the block: each keeps its EVM from block to block, reconfigured here.
func (pp *ParallelProcessor) prepareWorkers(count int, env *blockEnv) error {
	for len(pp.ws) < count {
		vm, err := evm.NewEVM(env.ctx, env.rules, evm.Config{Analyses: pp.analyses})
		if err != nil {
			return err
		}
		wk := &parallelWorker{sdb: state.New(nil), steps: newStepper(), vm: vm}
		wk.chainID.SetUint64(pp.cfg.ChainID)
		pp.ws = append(pp.ws, wk)
	}
	for _, wk := range pp.ws[:count] {
		if err := wk.vm.Configure(env.ctx, env.rules); err != nil {
			return err
		}
	}
	return nil
}

// runStep executes step j: the pre-execution group (j = 0), transaction j-1,
// or the post-execution group (j = n+1), on the view at index j.
func (pp *ParallelProcessor) runStep(ctx context.Context, wk *parallelWorker, env *blockEnv, lk *bal.Lookup, pre state.Reader, j int, out *stepOut) {
	view := &wk.view
	*view = state.BALView{Base: pre, Lookup: lk, K: uint32(j)}
	frag := pp.takeFrag()
	out.frag = frag
	n := len(env.block.Transactions)
	if j == 0 || j == n+1 {
		// A group of system steps sharing the index: one after the other on a
		// block state over the view, recording into one fragment.
		s := &wk.steps
		s.bs.Reset(view)
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
		t0 := time.Now()
		from, err := tx.Sender(&wk.chainID)
		out.sender = time.Since(t0)
		if err != nil {
			out.err = fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
			return
		}
		if err := checkTxType(&env.rules, tx.Type); err != nil {
			out.err = fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
			return
		}
		wk.msg = evm.NewMessage(tx, from, &env.block.Header.BaseFee)
		msg := &wk.msg
		wk.sdb.Reset(view)
		wk.sdb.SetAmsterdam(frag)
		wk.vm.Reset(wk.sdb)
		// A pool of the block's limit for this transaction alone: the gather
		// admits and charges it against the block.
		res, err := evm.ApplyMessage(wk.vm, msg, evm.NewGasPool(env.ctx.GasLimit))
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
		out.receipt = env.makeReceipt(i, msg, &res, wk.sdb.Logs())
		out.execGas, out.stateGas = res.ExecutionGas, res.StateGas
	}
	if ctx.Err() == nil {
		if err := lk.CheckFragment(uint32(j), frag); err != nil {
			out.listErr = fmt.Errorf("%w: step at index %d: %w", ErrBALHashMismatch, j, err)
		}
	}
}

// gather consumes the steps in block order while the workers run, waiting
// on wake for the next one to finish. It returns the result so far
// (receipts, gas, the receipts trie in pp.receipts, the rebuilt list), the
// post-execution requests, the accounts execution left deleted, and the
// time it spent working (not waiting).
func (pp *ParallelProcessor) gather(ctx context.Context, env *blockEnv, outs []stepOut, wake <-chan struct{}) (*Result, [][]byte, map[types.Address]bool, time.Duration, error) {
	n := len(env.block.Transactions)
	res := &Result{Receipts: make([]*types.Receipt, 0, n)}
	gp := evm.NewGasPool(env.ctx.GasLimit)
	pp.receipts.Reset(n)
	builder := &pp.builder
	builder.Reset()
	var (
		postReqs [][]byte
		deleted  map[types.Address]bool // only accounts deleted at some step
		busy     time.Duration
	)
	fail := func(err error) (*Result, [][]byte, map[types.Address]bool, time.Duration, error) {
		return nil, nil, nil, busy, err
	}
	for j := range outs {
		out := &outs[j]
		for !out.done.Load() {
			select {
			case <-wake:
			case <-ctx.Done():
				return fail(ctx.Err())
			}
		}
		t0 := time.Now()
		if j >= 1 && j <= n {
			i := j - 1
			tx := env.block.Transactions[i]
			if err := gp.CheckGasAmsterdam(min(tx.Gas, evm.MaxTxGas), tx.Gas); err != nil {
				return fail(fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err))
			}
			if out.err != nil {
				return fail(out.err)
			}
			if err := gp.ChargeGasAmsterdam(out.execGas, out.stateGas, out.receipt.GasUsed); err != nil {
				return fail(fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err))
			}
		} else if out.err != nil {
			return fail(out.err)
		}
		if out.listErr != nil {
			return fail(out.listErr)
		}
		if out.receipt != nil {
			res.addReceipt(out.receipt)
			pp.enc = out.receipt.AppendConsensus(pp.enc[:0])
			pp.receipts.Add(pp.enc)
		}
		if j == n+1 {
			postReqs = out.reqs
		}
		for _, c := range out.changed {
			switch {
			case c.deleted:
				if deleted == nil {
					deleted = make(map[types.Address]bool)
				}
				deleted[c.addr] = true
			case deleted != nil:
				if _, ok := deleted[c.addr]; ok {
					deleted[c.addr] = false
				}
			}
		}
		builder.Merge(uint32(j), out.frag)
		pp.giveFrag(out.frag)
		out.frag = nil
		busy += time.Since(t0)
	}
	t0 := time.Now()
	res.GasUsed = gp.Used()
	res.AccessList = builder.Build()
	busy += time.Since(t0)
	return res, postReqs, deleted, busy, nil
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
			return u.Address.Compare(&a)
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
	slices.SortFunc(out, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	return out, nil
}
