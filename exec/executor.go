package exec

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Executor executes single blocks on parent states its caller provides,
// with every check an import makes: the header against its parent, the
// body, the block access list that came with the block (CheckAccessList),
// execution (in parallel from the list when it is enabled and the block
// qualifies, else sequentially, which builds the list), the state root
// against the parent's trie, and the result against the header (Validate).
// It stores nothing: the caller keeps the result's nodes and updates. A
// [Chain] is an Executor over a [Database].
//
// An Executor belongs to one goroutine and is reused from block to block.
type Executor struct {
	cfg    *chainspec.Config
	proc   *Processor
	par    *ParallelProcessor // nil: every block runs sequentially
	minPar int                // fewest transactions for the parallel path
}

// NewExecutor returns an executor for the chain cfg, sequential until
// EnableParallel.
func NewExecutor(cfg *chainspec.Config) *Executor {
	return &Executor{cfg: cfg, proc: NewProcessor(cfg, nil)}
}

// EnableParallel makes blocks that come with their access list (and have at
// least minTxs transactions) run on the parallel processor with the given
// number of workers (0: GOMAXPROCS). Smaller blocks, blocks without a list
// and blocks before Amsterdam keep the sequential path.
func (e *Executor) EnableParallel(workers, minTxs int) {
	e.par = NewParallelProcessor(e.cfg, e.proc.analyses, workers)
	e.minPar = minTxs
}

// ParallelStats returns how many blocks the parallel processor ran, and how
// many it handed to the sequential one after a speculative failure.
func (e *Executor) ParallelStats() ParallelStats {
	if e.par == nil {
		return ParallelStats{}
	}
	return e.par.Stats()
}

// Parent is what a block executes on: its parent's header and state.
type Parent struct {
	// Header is the parent block's header.
	Header *types.Header
	// State reads the state after the parent block. On the parallel path
	// many goroutines read it at once: it must be safe for concurrent use.
	// Put a cache.Cache in front of a slow reader; the executor then warms
	// the cache from the block's access list while the block executes.
	State state.Reader
	// Nodes holds the trie nodes of the parent's state (Header.Root): the
	// new state root is computed against them.
	Nodes trie.NodeReader
	// GetHash answers BLOCKHASH: the hash of the ancestor with the given
	// number (the parent and the 255 blocks before it), the zero hash for
	// any other number; BlockHashes builds it from a header lookup. nil
	// answers the parent's number alone.
	GetHash func(uint64) types.Hash
}

// Execute checks and executes block on parent. raw is the block access list
// that came with the block (the engine API's blockAccessList), nil for
// none. It returns the result, whose Root and Nodes are the new state root
// and the trie nodes it adds to the parent's, and whose Updates are the
// state changes; or an error naming the first check that failed. A bad
// list is ErrBadSidecar; ctx ends the execution early with ctx.Err().
func (e *Executor) Execute(ctx context.Context, block *types.Block, raw []byte, parent *Parent) (*Result, error) {
	if parent == nil || parent.Header == nil || parent.State == nil || parent.Nodes == nil {
		panic("exec: Execute needs the parent's header, state and nodes")
	}
	if block == nil {
		return nil, ErrNilBlock
	}
	h := &block.Header
	c, err := e.check(block, parent.Header, raw)
	if err != nil {
		return nil, err
	}
	getHash := parent.GetHash
	if getHash == nil {
		ph, pn := h.ParentHash, parent.Header.Number
		getHash = func(n uint64) types.Hash {
			if n == pn {
				return ph
			}
			return types.Hash{}
		}
	}
	merkleize := func(ctx context.Context, updates []state.AccountUpdate) (types.Hash, trie.NodeSet, error) {
		return trie.UpdateStateContext(ctx, parent.Header.Root, parent.Nodes, updates)
	}
	return e.run(ctx, block, c, parent.State, getHash, merkleize)
}

// checked is a block that passed the checks before execution: its decoded
// list (nil for none), the time the list's check took, and, when the block
// goes to the parallel path, the checks that run beside its execution.
type checked struct {
	list      *bal.BlockAccessList
	listCheck time.Duration
	late      chan lateChecks // the body and the list's hash, checked beside execution; nil if done before
}

// lateChecks is the verdict of the checks run beside the list's decoding
// and the block's execution: the body's, and the list's hash against the
// header (not checked when the body fails).
type lateChecks struct {
	body, hash error
}

// wait returns the error of the checks run beside execution, if any.
func (c *checked) wait() error {
	r := c.lateResult()
	return cmp.Or(r.body, r.hash)
}

// lateResult waits for the checks run beside execution.
func (c *checked) lateResult() lateChecks {
	if c.late == nil {
		return lateChecks{}
	}
	r := <-c.late
	c.late <- r // a second wait gets the same answer
	return r
}

// check makes the checks before execution: the header against its parent,
// the body against the header, and the supplied list (raw, nil for none).
//
// A block bound for the parallel path needs only its list decoded and
// validated before execution starts; the body (its transaction and
// withdrawal roots) and the list's hash against the header are checked on
// another goroutine, started before the list is decoded: the decoding is
// the one part of the block that keeps a single core busy, and the checks
// fill the other core then instead of taking it from the execution (on
// blocks of 100M gas, about a millisecond of each). run waits for them. The
// verdict is the one of checking in order: header, body, the list's
// decoding, hash and rules, then execution.
func (e *Executor) check(block *types.Block, parent *types.Header, raw []byte) (*checked, error) {
	h := &block.Header
	if err := ValidateHeader(e.cfg, parent, h); err != nil {
		return nil, fmt.Errorf("block %d: %w", h.Number, err)
	}
	if raw == nil || e.par == nil || len(block.Transactions) < e.minPar || !e.cfg.IsAmsterdam(h.Time) {
		if err := ValidateBody(e.cfg, block); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
		if raw == nil {
			return &checked{}, nil
		}
		t0 := time.Now()
		list, err := CheckAccessList(e.cfg, h, len(block.Transactions), raw)
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
		return &checked{list: list, listCheck: time.Since(t0)}, nil
	}
	t0 := time.Now()
	late := make(chan lateChecks, 1)
	go func() {
		var r lateChecks
		if err := ValidateBody(e.cfg, block); err != nil {
			r.body = fmt.Errorf("block %d: %w", h.Number, err)
		} else if err := checkListHash(h, raw); err != nil {
			r.hash = fmt.Errorf("block %d: %w", h.Number, err)
		}
		late <- r
	}()
	c := &checked{late: late}
	list, err := bal.Decode(raw)
	if err != nil {
		// The hash comes after the decoding in the order of the checks.
		return nil, cmp.Or(c.lateResult().body, fmt.Errorf("block %d: %w: %w: %w", h.Number, ErrBadSidecar, ErrInvalidBAL, err))
	}
	if err := list.Validate(h.GasLimit, len(block.Transactions)); err != nil {
		return nil, cmp.Or(c.wait(), fmt.Errorf("block %d: %w: %w: %w", h.Number, ErrBadSidecar, ErrInvalidBAL, err))
	}
	c.list, c.listCheck = list, time.Since(t0)
	return c, nil
}

// run executes a checked block on pre: in parallel when the list is given,
// the parallel path is on and the block has enough transactions, else
// sequentially, then merkleized; and validates the result against the
// header. The checks that ran beside execution decide first.
func (e *Executor) run(ctx context.Context, block *types.Block, c *checked,
	pre state.Reader, getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, error) {
	res, err := e.execute(ctx, block, c, pre, getHash, merkleize)
	if lerr := c.wait(); lerr != nil {
		return nil, lerr
	}
	return res, err
}

func (e *Executor) execute(ctx context.Context, block *types.Block, c *checked,
	pre state.Reader, getHash func(uint64) types.Hash, merkleize Merkleizer) (*Result, error) {
	h := &block.Header
	list := c.list
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		res *Result
		err error
	)
	if list != nil && e.par != nil && len(block.Transactions) >= e.minPar {
		if res, err = e.par.process(ctx, block, list, pre, getHash, merkleize, c.wait); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
	} else {
		if res, err = e.proc.Process(ctx, block, pre, getHash); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
		t0 := time.Now()
		if res.Root, res.Nodes, err = merkleize(ctx, res.Updates); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("block %d: %w: state root: %w", h.Number, ErrState, err)
		}
		res.Timings.Root = time.Since(t0)
		res.Timings.Total += res.Timings.Root
	}
	res.Timings.ListCheck = c.listCheck
	res.Timings.Total += c.listCheck
	// The list given with the block was checked against the header before
	// execution (on the parallel path by the checks beside it, whose verdict
	// comes first).
	if err := validate(h, res, res.Root, list); err != nil {
		return nil, fmt.Errorf("block %d: %w", h.Number, err)
	}
	return res, nil
}

// CheckAccessList decodes and checks the block access list that came with
// a block (the engine API's blockAccessList, a fixture's sidecar) before
// execution, as go-ethereum's body validation does: Amsterdam only
// (ErrBALBeforeAmsterdam), strict decoding and the rules of bal.Validate
// for the header's gas limit and txCount transactions (ErrInvalidBAL), and
// the header's block access list hash (ErrBALHashMismatch). Every failure
// also matches ErrBadSidecar: the list itself is bad, whatever the block
// does. A list that passes is the one the header commits to; executing the
// block then decides whether it is true.
func CheckAccessList(cfg *chainspec.Config, h *types.Header, txCount int, raw []byte) (*bal.BlockAccessList, error) {
	if !cfg.IsAmsterdam(h.Time) {
		return nil, fmt.Errorf("%w: %w", ErrBadSidecar, ErrBALBeforeAmsterdam)
	}
	list, err := bal.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %w", ErrBadSidecar, ErrInvalidBAL, err)
	}
	if err := checkListHash(h, raw); err != nil {
		return nil, err
	}
	if err := list.Validate(h.GasLimit, txCount); err != nil {
		return nil, fmt.Errorf("%w: %w: %w", ErrBadSidecar, ErrInvalidBAL, err)
	}
	return list, nil
}

// checkListHash checks the encoding of a list, which bal.Decode accepted,
// against the header's block access list hash. Decode accepts only the
// canonical encoding (FuzzDecode checks that what it accepts re-encodes to
// the same bytes), so the hash of raw is the list's hash, without encoding
// it again.
func checkListHash(h *types.Header, raw []byte) error {
	if got := types.Keccak256One(raw); !h.Has(types.FieldBlockAccessListHash) || got != h.BlockAccessListHash {
		return fmt.Errorf("%w: %w: computed %s, header %s", ErrBadSidecar, ErrBALHashMismatch, got, h.BlockAccessListHash)
	}
	return nil
}

// BlockHashes returns the BLOCKHASH function for a child of parent: the
// hash of the ancestor with a given number, for parent and the 255 blocks
// before it, found by walking parent hashes back through header (which
// returns false for a block it does not have: the walk stops there). The
// ancestors are collected first, so the function only reads and parallel
// workers may call it at once; an error of header is returned.
func BlockHashes(parent *types.Header, header func(types.Hash) (*types.Header, bool, error)) (func(uint64) types.Hash, error) {
	hashes := make([]types.Hash, 0, historyLen) // hashes[i]: block parent.Number-i
	for h, hash := parent, parent.Hash(); len(hashes) < historyLen; {
		hashes = append(hashes, hash)
		if h.Number == 0 || len(hashes) == historyLen {
			break
		}
		hash = h.ParentHash
		next, ok, err := header(hash)
		if err != nil {
			return nil, fmt.Errorf("ancestor %d %s: %w", h.Number-1, hash, err)
		}
		if !ok {
			break
		}
		h = next
	}
	pn := parent.Number
	return func(n uint64) types.Hash {
		if n > pn || pn-n >= uint64(len(hashes)) {
			return types.Hash{}
		}
		return hashes[pn-n]
	}, nil
}
