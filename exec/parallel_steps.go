package exec

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// The steps of the parallel path: their schedule, the workers' state and
// the run of one step on its view.

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
		wk := &parallelWorker{sdb: state.New(nil), steps: newStepper(), vm: vm, frag: bal.NewFragment()}
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
	*view = state.BALView{Base: pre, Lookup: lk, K: uint32(j), Pre: &pp.base}
	frag := wk.frag
	frag.Reset()
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
		// Only a recovery is timed: a sender known before the block (the
		// common case) costs a load, and two clock reads would cost more.
		from, known := tx.CachedSender(&wk.chainID)
		var err error
		if !known {
			t0 := time.Now()
			from, err = tx.Sender(&wk.chainID)
			out.sender = time.Since(t0)
		}
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
		if err := pp.cov.Check(uint32(j), frag); err != nil {
			out.listErr = fmt.Errorf("%w: step at index %d: %w", ErrBALHashMismatch, j, err)
		}
	}
}
