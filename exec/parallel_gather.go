package exec

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/internal/invariants"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// The gather of the parallel path, in block order, and its self-checks in
// invariant builds.

// gather consumes the steps in block order while the workers run, and
// counts those consumed in gathered. When the next step is not done it
// sleeps on wake until the next gatherBatch steps are (see stepWake), so
// that it is woken once a batch rather than once a step. It returns the
// result so far (receipts, gas, the receipts trie in pp.receipts), the
// post-execution requests, the accounts execution left deleted, and the
// time it spent working (not waiting).
func (pp *ParallelProcessor) gather(ctx context.Context, env *blockEnv, outs []stepOut, wake *stepWake, gathered *atomic.Int64) (*Result, [][]byte, map[types.Address]bool, time.Duration, error) {
	n := len(env.block.Transactions)
	res := &Result{Receipts: make([]*types.Receipt, 0, n)}
	gp := evm.NewGasPool(env.ctx.GasLimit)
	pp.receipts.Reset(n)
	var (
		postReqs [][]byte
		deleted  map[types.Address]bool // only accounts deleted at some step
		start    = time.Now()
		waited   time.Duration // blocked on wake
		bloomed  int           // the receipts of the steps below have their blooms
	)
	fail := func(err error) (*Result, [][]byte, map[types.Address]bool, time.Duration, error) {
		return nil, nil, nil, time.Since(start) - waited, err
	}
	for j := range outs {
		out := &outs[j]
		// The receipts' blooms are set a run of steps at a time: from a
		// step on that has none yet, wait for the run.
		last := out
		if j >= bloomed {
			last = &outs[min(j+minBloomRun, len(outs))-1]
		}
		if !out.done.Load() || !last.done.Load() {
			t := time.Now()
			if err := wake.wait(ctx, outs, j, min(j+gatherBatch, len(outs))); err != nil {
				return fail(err)
			}
			waited += time.Since(t)
		}
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
			if j >= bloomed {
				bloomed = pp.setBloomRun(outs, j)
			}
			res.addReceipt(out.receipt)
			res.Bloom.Or(&out.receipt.Bloom)
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
		gathered.Store(int64(j + 1))
	}
	res.GasUsed = gp.Used()
	return res, postReqs, deleted, time.Since(start) - waited, nil
}

// stepWake wakes the gather when the step it sleeps on is done. The gather
// stores the step's index in want and then looks at the step again; a
// worker marks its step done and then sends on ch only if want is its
// step's index. Both are sequentially consistent atomics, so one of the two
// sees the other's write: no wake-up is lost, and a worker whose step the
// gather is not sleeping on sends nothing (on 2 workers on 2 cores a wake
// for every finished step switched goroutines about a thousand times an
// erc20 block).
type stepWake struct {
	want atomic.Int64 // the step the gather sleeps on, or -1
	ch   chan struct{}
}

func newStepWake() *stepWake {
	w := &stepWake{ch: make(chan struct{}, 1)}
	w.want.Store(-1)
	return w
}

// done is called by the worker that has just marked step j done.
func (w *stepWake) done(j int) {
	if w.want.Load() == int64(j) {
		select {
		case w.ch <- struct{}{}:
		default:
		}
	}
}

// wait returns when the steps from to end (exclusive) are done, or ctx's
// error when it ends first. It sleeps on the last of them first: the
// workers take steps in increasing order (but for a few heavy ones, taken
// first), so that one is usually the last to end, and one wake-up does for
// the run. A wake-up left over from a step seen done already only makes it
// look again.
func (w *stepWake) wait(ctx context.Context, outs []stepOut, from, end int) error {
	defer w.want.Store(-1)
	for k := end - 1; k >= from; k-- {
		for !outs[k].done.Load() {
			w.want.Store(int64(k))
			if outs[k].done.Load() {
				break
			}
			select {
			case <-w.ch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// gatherBatch is how many steps from the next one the gather waits for
// once it has caught up with the workers: it is then woken once per this
// many steps, and their gathering (about a microsecond each) is all that
// is left of it after the last step.
const gatherBatch = 16

// setBloomRun sets the blooms of the receipts of the steps from j on that
// are done, up to maxBloomBatch of them, hashing their items together, and
// returns the first step after them. Step j must be done.
func (pp *ParallelProcessor) setBloomRun(outs []stepOut, j int) int {
	pp.blooms = pp.blooms[:0]
	k := j
	for ; k < len(outs) && k-j < maxBloomBatch && outs[k].done.Load(); k++ {
		if r := outs[k].receipt; r != nil {
			pp.blooms = append(pp.blooms, r)
		}
	}
	types.SetBlooms(pp.blooms)
	clear(pp.blooms) // keep no receipt alive past the block
	return k
}

// The gather sets the blooms of at least minBloomRun receipts at once (to
// the end of the block), so that their items fill keccak.SumMany's lanes (a
// transfer's receipt has two items to hash: hashed receipt by receipt, 456
// ns a receipt, eight or more at once 184 ns, BenchmarkReceiptBlooms), and
// of at most maxBloomBatch, so that it does not hold up the consumption of
// the steps it has.
const (
	minBloomRun   = 8
	maxBloomBatch = 32
)

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
// sequential one: gas, bloom, receipts, requests, the access list and the
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
