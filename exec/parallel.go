package exec

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/internal/fanout"
	"github.com/balexec/balexec/internal/invariants"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// ParallelProcessor executes an Amsterdam block in parallel from its block
// access list and returns exactly what the sequential Processor returns for
// it: the same receipts, gas, requests, access list and post-state, or the
// same error.
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
//     which returns the root and the trie nodes it created. Its context
//     bounds its fan-outs to the cores the running workers leave
//     (internal/fanout), which the trie's and the state's honour;
//  3. the steps: min(workers, steps) goroutines take them in schedule order
//     from an atomic cursor. Each worker owns an EVM and a journaled state,
//     kept from block to block; it runs the step on the view at its index,
//     recovering the transaction's sender there if the transaction does not
//     carry it, records the step's fragment and checks it against the list at
//     that index at once (bal.Coverage.Check, which also notes the list's
//     accounts and reads the step covered): a mismatch is the step's
//     deferred error;
//  4. the gather, on the calling goroutine, in block order as the steps
//     finish: gas admission and charging in two dimensions (EIP-8037),
//     receipts with cumulative gas and block-wide log indices, their blooms
//     (a run of receipts at a time, types.SetBlooms), the receipts trie
//     (streamed, trie.OrderedStream). Once it has caught up it sleeps until
//     the next gatherBatch steps are done, woken by the worker that ends
//     the one it sleeps on (stepWake), not by every step. A worker that has
//     run maxGatherLag steps ahead of it yields between steps, so that the
//     gather keeps up rather than gathering its backlog after the last
//     step.
//
// Then every account and read of the list must have been covered by some
// step (bal.Coverage.Complete), the root goroutine is joined, and an
// existing empty account that execution deleted under EIP-161 without the
// list showing any change is deleted in the post-state too (the list cannot
// express it), which merkleizes again in that rare case.
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
// index), so every result is the sequential one. Every change of the list
// was matched by a step at its index, one to one, and with every account
// and read of the list covered, the list the steps' fragments would build is
// the supplied one (bal.Coverage): so the list's reads are true too, and the
// post-state derived from the list is the true one.
//
// # Errors, and the cost of a lie
//
// Any failure of the parallel run (an invalid transaction, gas admission, a
// step disagreeing with the list, a list naming an access no step made) is only
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
// makes some step record something else, which the step's check or, at the
// latest, the coverage of the list catches. Rebuilding the list from the
// fragments and comparing it with the supplied one, as this processor did
// first, gives the same verdict at the cost of merging and sorting every
// entry of the block on the gather's path (on blocks of 2,700 transfers
// with 2 workers, 4.5 ms of a 33 ms block). A shared journaled
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
	outs     []stepOut
	cov      bal.Coverage
	base     state.ListBase // the pre-state of the list's accounts, for the steps and the root
	order    []int32
	receipts trie.OrderedStream
	enc      []byte
	blooms   []*types.Receipt // the receipts the gather sets the blooms of at once
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
	frag    *bal.Fragment // what the step records, checked before the next
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
	// The coverage check proves the steps' list equal to this one only if
	// this one is valid (sorted, without duplicates), and NewLookup sizes by
	// its indices. Callers validate it (CheckAccessList; the Executor does
	// before it calls process); validating again, a small fraction of a
	// block, keeps a caller who did not from having a list accepted that
	// differs from the canonical one.
	if err := list.Validate(block.Header.GasLimit, len(block.Transactions)); err != nil {
		return pp.sequential(ctx, block, pre, getHash, merkleize)
	}
	return pp.process(ctx, block, list, pre, getHash, merkleize, nil)
}

// process is Process on a validated list, with the checks of the block that
// run beside its execution (nil for none): their verdict comes first, ahead
// of the parallel run's and instead of a sequential run.
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
	return pp.sequential(ctx, block, pre, getHash, merkleize)
}

// sequential executes block with the sequential processor, for a block the
// parallel run failed on or could not take (an invalid list), and
// merkleizes its post-state.
func (pp *ParallelProcessor) sequential(ctx context.Context, block *types.Block, pre state.Reader,
	getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, error) {
	pp.stats.Sequential++
	start := time.Now()
	res, err := pp.seq.Process(ctx, block, pre, getHash)
	if err != nil {
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

// yieldEvery is how often a worker yields between steps while the root is
// being computed: often enough that a root goroutine waits for a core a
// small part of a block, seldom enough that the yields cost little (a
// yield is a trip through the scheduler's shared run queue; after every
// step, about 1,100 a 2-worker erc20 block, tracecores).
const yieldEvery = 100 * time.Microsecond

// maxGatherLag is how many steps the workers may run ahead of the gather
// before they yield to it between steps. The gather's backlog at the end of
// the steps is then at most about this many steps' gathering (each a
// microsecond or less), and it is woken once per this many steps at most.
const maxGatherLag = 64

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
	pp.cov.Reset(lk)
	pp.base.Reset(pre, lk)
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

	n := len(block.Transactions)
	steps := n + 2
	workers := min(pp.workers, steps)

	// 2. The post-state root, from the list. While the workers run, it fans
	// out only to the cores they leave (one goroutine, the root's own, when
	// they take them all), and to more as they finish: on goroutines
	// beyond the free cores its splits would queue behind the workers, and
	// each split's join would wait for its last part to get a core.
	rootCh := make(chan rootResult, 1)
	var (
		rootDone atomic.Bool
		running  atomic.Int32 // workers that have not run out of steps
	)
	running.Store(int32(workers))
	cores := runtime.GOMAXPROCS(0)
	rootCtx := fanout.With(ctx, func() int { return cores - int(running.Load()) })
	bg.Go(func() {
		t0 := time.Now()
		var r rootResult
		if r.updates, r.err = pp.base.Updates(rootCtx); r.err == nil {
			r.root, r.nodes, r.err = merkleize(rootCtx, r.updates)
		}
		r.took = time.Since(t0)
		rootDone.Store(true)
		rootCh <- r
	})

	// 3. The steps, on the workers.
	outs := pp.resetOuts(steps)
	order := pp.schedule(block.Transactions)
	if err := pp.prepareWorkers(workers, env); err != nil {
		return nil, err
	}
	var (
		next     atomic.Int64
		gathered atomic.Int64 // steps the gather has consumed
		wake     = newStepWake()
		wg       sync.WaitGroup
	)
	for w := range workers {
		wk := pp.ws[w]
		wg.Go(func() {
			defer running.Add(-1)
			var yielded time.Duration // when this worker last yielded, from start
			for ctx.Err() == nil {
				p := int(next.Add(1)) - 1
				if p >= steps {
					return
				}
				j := int(order[p])
				out := &outs[j]
				// Offsets from the block's start: a monotonic read each,
				// cheaper than time.Now's two clocks.
				t0 := time.Since(start)
				pp.runStep(ctx, wk, env, lk, pre, j, out)
				t1 := time.Since(start)
				out.took = t1 - t0
				out.done.Store(true)
				wake.done(j)
				// While the root is being computed, a worker lets the root's
				// goroutines run between steps, at most once per yieldEvery:
				// the root then ends with the steps instead of after them
				// (measured on transfers, erc20 and storage with 2 workers
				// on 2 cores: 8-15% shorter blocks, the wait for the root
				// gone). Likewise when the gather has fallen behind: woken
				// by a worker that does not block, it would otherwise wait
				// for a free core, which the workers give only when the
				// steps run out, and then gather the backlog with the other
				// cores idle.
				if (!rootDone.Load() && t1-yielded >= yieldEvery) || int64(p+1)-gathered.Load() > maxGatherLag {
					runtime.Gosched()
					yielded = t1
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
	res, postReqs, deleted, gatherTook, err := pp.gather(ctx, env, outs, wake, &gathered)
	if err != nil {
		stopWorkers()
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

	// 5. The list's accounts and reads, then the root.
	if err := pp.cov.Complete(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBALHashMismatch, err)
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
