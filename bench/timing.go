package bench

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/blocktest"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Input is a chain to time: how to set up a fresh chain at the parent of
// its first block, and how to get its blocks freshly decoded (so that no
// sender recovered in one run carries over to the next).
type Input struct {
	Name     string
	NewChain func() (*exec.Chain, error)
	// Blocks returns the blocks, decoded anew on every call, and their
	// access lists' RLP.
	Blocks func() ([]*types.Block, [][]byte, error)
}

// Input returns the workload as something to time.
func (w *Workload) Input() *Input {
	return &Input{
		Name:     w.Name,
		NewChain: w.NewChain,
		Blocks: func() ([]*types.Block, [][]byte, error) {
			blocks := make([]*types.Block, len(w.Blocks))
			lists := make([][]byte, len(w.Blocks))
			for i := range w.Blocks {
				b, err := types.DecodeBlock(w.Blocks[i].RLP)
				if err != nil {
					return nil, nil, fmt.Errorf("%w: %s block %d: %w", ErrGenerate, w.Name, i, err)
				}
				blocks[i], lists[i] = b, w.Blocks[i].BAL
			}
			return blocks, lists, nil
		},
	}
}

// FixtureInputs returns, for each test of the blockchain-test file at path
// whose valid blocks carry their access lists (as bench/gethpeer writes
// them, and execution-spec-tests fixtures from Amsterdam on), something to
// time. Tests without such blocks are left out; a file with none is
// ErrFixture.
func FixtureInputs(path string) ([]*Input, error) {
	tests, err := blocktest.ParseFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFixture, err)
	}
	var out []*Input
	for _, t := range tests {
		blocks, err := t.ValidBlocks()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrFixture, t.Name, err)
		}
		withList := slices.ContainsFunc(blocks, func(b blocktest.Block) bool { return b.AccessList != nil })
		if !withList {
			continue
		}
		out = append(out, &Input{
			Name:     t.Name,
			NewChain: t.NewChain,
			Blocks: func() ([]*types.Block, [][]byte, error) {
				blocks, err := t.ValidBlocks()
				if err != nil {
					return nil, nil, err
				}
				bs := make([]*types.Block, len(blocks))
				ls := make([][]byte, len(blocks))
				for i, b := range blocks {
					bs[i], ls[i] = b.Block, b.AccessList
				}
				return bs, ls, nil
			},
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s: no test has blocks with access lists", ErrFixture, path)
	}
	return out, nil
}

// TimeOptions say how to time an Input.
type TimeOptions struct {
	// Workers lists the parallel worker counts to run (each also runs
	// sequentially once per run); empty means 1 and GOMAXPROCS.
	Workers []int
	// Runs is how many times each configuration imports the chain; each
	// block's median is reported (0 means 3).
	Runs int
	// WarmSenders recovers every sender before the timed import, as a
	// client knows them from its pool; otherwise they are recovered inside
	// the measured time.
	WarmSenders bool
	// MaxBlocks, when positive, times only the first blocks.
	MaxBlocks int
	// Progress, when set, is called after each import.
	Progress func(done, total int)
}

// BlockTime is one block's measurements.
type BlockTime struct {
	Number uint64
	Txs    int
	Gas    uint64
	// Seq is the median time to insert the block sequentially; Par[i] with
	// Workers[i] workers.
	Seq time.Duration
	Par []time.Duration
	// ParTimings are the parallel processor's timings of the median run for
	// each worker count.
	ParTimings []exec.Timings
	// Overhead is what the chain spends outside the processor (header and
	// body checks, storing the nodes, moving the state and the cache), in
	// the run the profile comes from.
	Overhead time.Duration
	// Profile is the block for the model, from the run with the fewest
	// workers; its Serial includes Overhead.
	Profile Profile
}

// Report is the result of timing an Input.
type Report struct {
	Input   string
	Workers []int
	Cores   int // GOMAXPROCS of the runs
	Senders string
	Runs    int
	Blocks  []BlockTime
}

// Time imports in's blocks sequentially and with each worker count, Runs
// times each, on fresh chains, timing every block's insertion; the garbage
// of the setup and of the previous block is collected before each block.
// A block the chain rejects, or a parallel run that falls back to the
// sequential processor, is an error wrapping ErrFixture.
func Time(in *Input, opts TimeOptions) (*Report, error) {
	if len(opts.Workers) == 0 {
		opts.Workers = []int{1, runtime.GOMAXPROCS(0)}
		if opts.Workers[1] == 1 {
			opts.Workers = opts.Workers[:1]
		}
	}
	if opts.Runs <= 0 {
		opts.Runs = 3
	}
	for _, w := range opts.Workers {
		if w < 1 {
			return nil, fmt.Errorf("%w: %d workers", ErrInvalidParams, w)
		}
	}
	rep := &Report{Input: in.Name, Workers: opts.Workers, Cores: runtime.GOMAXPROCS(0), Runs: opts.Runs, Senders: "cold"}
	if opts.WarmSenders {
		rep.Senders = "warm"
	}
	configs := len(opts.Workers) + 1 // sequential first
	type sample struct {
		wall time.Duration
		t    exec.Timings
	}
	samples := make([][][]sample, configs) // [config][block][run]
	total, done := configs*opts.Runs, 0
	var gasLimits [][]uint64
	for range opts.Runs {
		for c := range configs {
			chain, err := in.NewChain()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrFixture, in.Name, err)
			}
			workers := 0
			if c > 0 {
				workers = opts.Workers[c-1]
				chain.EnableParallel(workers, 0)
			}
			blocks, lists, err := in.Blocks()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrFixture, in.Name, err)
			}
			if opts.MaxBlocks > 0 && len(blocks) > opts.MaxBlocks {
				blocks, lists = blocks[:opts.MaxBlocks], lists[:opts.MaxBlocks]
			}
			if samples[c] == nil {
				samples[c] = make([][]sample, len(blocks))
			}
			if gasLimits == nil {
				gasLimits = make([][]uint64, len(blocks))
				rep.Blocks = make([]BlockTime, len(blocks))
				for i, b := range blocks {
					for _, tx := range b.Transactions {
						gasLimits[i] = append(gasLimits[i], tx.Gas)
					}
					rep.Blocks[i] = BlockTime{Number: b.Header.Number, Txs: len(b.Transactions), Gas: b.Header.GasUsed}
				}
			}
			if opts.WarmSenders {
				if err := recoverAll(chain, blocks); err != nil {
					return nil, fmt.Errorf("%w: %s: %w", ErrFixture, in.Name, err)
				}
			}
			for i, b := range blocks {
				runtime.GC()
				start := time.Now()
				res, err := chain.InsertWithAccessList(context.Background(), b, lists[i])
				wall := time.Since(start)
				if err != nil {
					return nil, fmt.Errorf("%w: %s: %w", ErrFixture, in.Name, err)
				}
				samples[c][i] = append(samples[c][i], sample{wall, res.Timings})
			}
			if st := chain.ParallelStats(); workers > 0 && st.Sequential > 0 {
				return nil, fmt.Errorf("%w: %s: %d blocks fell back to the sequential processor with %d workers", ErrFixture, in.Name, st.Sequential, workers)
			}
			done++
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}
	}
	for i := range rep.Blocks {
		bt := &rep.Blocks[i]
		for c := range configs {
			s := slices.Clone(samples[c][i])
			slices.SortFunc(s, func(a, b sample) int { return cmp.Compare(a.wall, b.wall) })
			med := s[len(s)/2]
			if c == 0 {
				bt.Seq = med.wall
				continue
			}
			bt.Par = append(bt.Par, med.wall)
			bt.ParTimings = append(bt.ParTimings, med.t)
		}
		// The profile comes from the fewest workers, whose steps share
		// their cores least.
		first := 0
		for k, w := range opts.Workers {
			if w < opts.Workers[first] {
				first = k
			}
		}
		t := bt.ParTimings[first]
		if len(t.Steps) == 0 {
			continue // a block before Amsterdam or without a list ran sequentially
		}
		p, err := ProfileOf(&t, gasLimits[i])
		if err != nil {
			return nil, fmt.Errorf("%s block %d: %w", in.Name, bt.Number, err)
		}
		bt.Overhead = max(bt.Par[first]-t.Total, 0)
		p.Serial += bt.Overhead
		bt.Profile = p
	}
	return rep, nil
}

// recoverAll recovers (and so caches) every sender before the timed import.
func recoverAll(chain *exec.Chain, blocks []*types.Block) error {
	var id uint256.Int
	id.SetUint64(chain.Config().ChainID)
	for _, b := range blocks {
		if _, err := types.RecoverSenders(b.Transactions, &id, 0); err != nil {
			return err
		}
	}
	return nil
}
