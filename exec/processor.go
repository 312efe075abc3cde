package exec

import (
	"context"
	"fmt"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// Processor executes blocks sequentially, one step after another on one
// block state, in go-ethereum's order: pre-execution system calls, the
// transactions, withdrawals, then the request system calls. From Amsterdam
// it builds the block access list from what the steps record.
//
// A Processor belongs to one goroutine and is reused from block to block;
// the code analyses it is given may be shared.
type Processor struct {
	cfg      *chainspec.Config
	analyses evm.AnalysisCache
	steps    stepper
	vm       *evm.EVM // kept from block to block (Configure)
	frag     bal.Fragment
	builder  bal.Builder
	// forceRecord records the access list before Amsterdam too (tests and
	// benchmarks measure its cost with it).
	forceRecord bool
}

// NewProcessor returns a processor for the chain cfg. analyses may be nil
// (each EVM then keeps a private cache) or shared between processors. From
// Cancun it builds the point-evaluation precompile's verification key now
// (once per process, microseconds), so that no block pays for it.
func NewProcessor(cfg *chainspec.Config, analyses evm.AnalysisCache) *Processor {
	warmPrecompiles(cfg)
	if analyses == nil {
		analyses = evm.NewSharedAnalysisCache(1 << 12)
	}
	return &Processor{cfg: cfg, analyses: analyses, steps: newStepper()}
}

// warmPrecompiles builds the KZG verification key for chains with Cancun.
// An error is a defective embedded constant; the precompile reports it on
// every call, so it is not lost here.
func warmPrecompiles(cfg *chainspec.Config) {
	if cfg.CancunTime != nil {
		_ = precompile.Warm()
	}
}

// Process executes block on the pre-state pre (the state after its parent).
// getHash answers BLOCKHASH for the 256 ancestors. It checks the body against
// execution (transactions, system calls) but not the header's result fields;
// use Validate for those. The pre-state is not modified: the changes are in
// Result.Updates. When ctx ends, the running step is cancelled and Process
// returns ctx.Err().
func (p *Processor) Process(ctx context.Context, block *types.Block, pre state.Reader, getHash func(uint64) types.Hash) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	env, err := newBlockEnv(p.cfg, block, getHash)
	if err != nil {
		return nil, err
	}
	senders := startSenders(block.Transactions, p.cfg.ChainID)
	defer senders.close()
	if p.vm == nil {
		p.vm, err = evm.NewEVM(env.ctx, env.rules, evm.Config{Analyses: p.analyses})
	} else {
		err = p.vm.Configure(env.ctx, env.rules)
	}
	if err != nil {
		return nil, err
	}
	vm := p.vm
	// A cancelled context stops the step in flight; every step checks the
	// context when it ends, so no cancelled step's result is used.
	defer context.AfterFunc(ctx, vm.Cancel)()
	s := &p.steps
	s.bs.Reset(pre)
	s.amsterdam = env.amsterdam
	s.frag = nil
	record := env.amsterdam || p.forceRecord
	if record {
		s.frag = &p.frag
	}
	p.builder.Reset()
	// Each step records its own fragment, merged under its index; the system
	// calls sharing an index are merged one after the other.
	step := func(index uint32, run func() error) error {
		p.frag.Reset()
		err := run()
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			return err
		}
		if record {
			p.builder.Merge(index, &p.frag)
		}
		return nil
	}
	res := &Result{Receipts: make([]*types.Receipt, 0, len(block.Transactions))}

	if err := step(0, func() error { return s.preExecution(env, vm) }); err != nil {
		return nil, err
	}
	gp := evm.NewGasPool(block.Header.GasLimit)
	for i, tx := range block.Transactions {
		// As go-ethereum: the sender first (its signer rejects unknown
		// types too), then the fork's transaction types.
		from, err := senders.get(i)
		if err != nil {
			return nil, err
		}
		if err := checkTxType(&env.rules, tx.Type); err != nil {
			return nil, fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
		}
		msg := evm.NewMessage(tx, from, &block.Header.BaseFee)
		err = step(uint32(i+1), func() error {
			s.begin()
			vm.Reset(s.sdb)
			out, err := evm.ApplyMessage(vm, &msg, gp)
			if err != nil {
				return fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err)
			}
			if _, err := s.end(); err != nil {
				return fmt.Errorf("tx %d: %w", i, err)
			}
			res.addReceipt(env.makeReceipt(i, &msg, &out, s.sdb.Logs()))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// The header's gas used: the sum of receipt gas before Amsterdam, the
	// larger of the summed execution and state gas from Amsterdam (EIP-8037);
	// the pool keeps both.
	res.GasUsed = gp.Used()

	var queueReqs [][]byte
	err = step(env.postIndex(), func() (err error) {
		queueReqs, err = s.postExecution(env, vm)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := res.finishRequests(env, queueReqs); err != nil {
		return nil, err
	}
	res.setBlooms()
	res.receiptsRoot()
	res.Updates = s.bs.Updates()
	if record {
		res.AccessList = p.builder.Build()
	}
	res.Timings.Execution = time.Since(start)
	res.Timings.StepsTotal = res.Timings.Execution
	res.Timings.LongestStep = res.Timings.Execution
	res.Timings.Workers = 1
	res.Timings.Total = res.Timings.Execution
	return res, nil
}
