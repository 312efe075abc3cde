package exec

import (
	"context"
	"fmt"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// historyLen is how many ancestors BLOCKHASH can see.
const historyLen = 256

// Chain imports blocks in memory: it keeps every imported header and the
// state trie nodes and code of every imported state (behind the trie
// node-store and code-reader interfaces), so a block can extend any imported
// block, not only the head. The head is the last block imported
// successfully, as after the merge a block becomes the head when the
// consensus layer says so and the tests and replays here say so by importing
// it.
//
// A block that fails any check is rejected with an error naming the check
// (and the transaction index when a transaction is at fault), and the chain
// is left as it was.
//
// A Chain belongs to one goroutine.
type Chain struct {
	cfg    *chainspec.Config
	proc   *Processor
	par    *ParallelProcessor // nil: every block runs sequentially
	minPar int                // fewest transactions for the parallel path
	store  *trie.MemStore
	codes  *trie.CodeStore
	blocks map[types.Hash]*types.Header
	head   *types.Header

	// The state cache in front of the trie, kept warm from block to block:
	// it holds the state with root cacheRoot (the last imported block's).
	cache     *cache.Cache
	cacheRoot types.Hash
}

// EnableParallel makes blocks that come with their access list (and have at
// least minTxs transactions) run on the parallel processor with the given
// number of workers (0: GOMAXPROCS). Smaller blocks, blocks without a list
// and blocks before Amsterdam keep the sequential path.
func (c *Chain) EnableParallel(workers, minTxs int) {
	c.par = NewParallelProcessor(c.cfg, c.proc.analyses, workers)
	c.minPar = minTxs
}

// ParallelStats returns how many blocks the parallel processor ran, and how
// many it handed to the sequential one after a speculative failure.
func (c *Chain) ParallelStats() ParallelStats {
	if c.par == nil {
		return ParallelStats{}
	}
	return c.par.Stats
}

// NewChain returns a chain holding the genesis block with header genesis and
// state alloc. The allocation's root must be the header's state root.
func NewChain(cfg *chainspec.Config, genesis *types.Header, alloc chainspec.Alloc) (*Chain, error) {
	c := &Chain{
		cfg:    cfg,
		proc:   NewProcessor(cfg, nil),
		store:  trie.NewMemStore(),
		codes:  trie.NewCodeStore(),
		blocks: make(map[types.Hash]*types.Header),
	}
	updates := alloc.Updates()
	root, nodes, err := trie.UpdateState(types.EmptyRootHash, c.store, updates)
	if err != nil {
		return nil, err
	}
	if root != genesis.Root {
		return nil, fmt.Errorf("%w: allocation gives %s, header has %s", ErrGenesisMismatch, root, genesis.Root)
	}
	c.store.Add(nodes)
	c.codes.AddUpdates(updates)
	h := *genesis
	c.blocks[h.Hash()] = &h
	c.head = &h
	return c, nil
}

// Head returns the header of the current head block.
func (c *Chain) Head() *types.Header { return c.head }

// Header returns the imported header with the given hash.
func (c *Chain) Header(hash types.Hash) (*types.Header, bool) {
	h, ok := c.blocks[hash]
	return h, ok
}

// State returns a reader of the state after the block with the given hash.
func (c *Chain) State(hash types.Hash) (state.Reader, error) {
	h, ok := c.blocks[hash]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownParent, hash)
	}
	return trie.NewStateReader(h.Root, c.store, c.codes)
}

// Insert validates and executes block on top of its parent, and makes it the
// head. It returns the execution result. From Amsterdam the block access
// list execution builds must hash to the header's (a block that arrived
// without its list, as over devp2p).
func (c *Chain) Insert(block *types.Block) (*Result, error) {
	return c.InsertWithAccessList(block, nil)
}

// InsertWithAccessList is Insert for a block that came with its block
// access list as raw RLP (the engine API's blockAccessList). Before
// execution, as go-ethereum's body validation does, the list must decode
// strictly, hash to the header's block access list hash and pass
// bal.Validate; execution then rebuilds the list, which must hash to the
// header's too. A list before Amsterdam is an error. nil raw means no list.
func (c *Chain) InsertWithAccessList(block *types.Block, raw []byte) (*Result, error) {
	h := &block.Header
	parent, ok := c.blocks[h.ParentHash]
	if !ok {
		return nil, fmt.Errorf("block %d: %w: %s", h.Number, ErrUnknownParent, h.ParentHash)
	}
	if err := ValidateHeader(c.cfg, parent, h); err != nil {
		return nil, fmt.Errorf("block %d: %w", h.Number, err)
	}
	if err := ValidateBody(c.cfg, block); err != nil {
		return nil, fmt.Errorf("block %d: %w", h.Number, err)
	}
	var list *bal.BlockAccessList
	if raw != nil {
		var err error
		if list, err = checkSuppliedAccessList(c.cfg, h, len(block.Transactions), raw); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
	}
	pre, err := c.stateCache(parent.Root)
	if err != nil {
		return nil, fmt.Errorf("block %d: parent state: %w", h.Number, err)
	}
	var (
		res   *Result
		root  types.Hash
		nodes trie.NodeSet
	)
	merkleize := func(updates []state.AccountUpdate) (r types.Hash, err error) {
		r, nodes, err = trie.UpdateState(parent.Root, c.store, updates)
		return r, err
	}
	if list != nil && c.par != nil && len(block.Transactions) >= c.minPar {
		// Prefetch what the list names while the block executes.
		ctx, cancel := context.WithCancel(context.Background())
		warmed := make(chan struct{})
		go func() {
			defer close(warmed)
			_ = pre.Warm(ctx, list) // a failed load is retried by its reader
		}()
		res, root, err = c.par.Process(ctx, block, list, pre, c.hashGetter(parent), merkleize)
		cancel()
		<-warmed
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
	} else {
		if res, err = c.proc.Process(block, pre, c.hashGetter(parent)); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
		if root, err = merkleize(res.Updates); err != nil {
			return nil, fmt.Errorf("block %d: state root: %w", h.Number, err)
		}
	}
	if err := Validate(h, res, root); err != nil {
		return nil, fmt.Errorf("block %d: %w", h.Number, err)
	}
	c.store.Add(nodes)
	c.codes.AddUpdates(res.Updates)
	if next, err := trie.NewStateReader(root, c.store, c.codes); err == nil {
		c.cache.Advance(next, res.Updates)
		c.cacheRoot = root
	} else {
		c.cache = nil // cannot happen: the nodes of root were just added
	}
	hc := *h
	c.blocks[hc.Hash()] = &hc
	c.head = &hc
	return res, nil
}

// stateCache returns the cache over the state with the given root: the
// kept cache when it holds that state (the common case, a block on the last
// one), else a fresh one.
func (c *Chain) stateCache(root types.Hash) (*cache.Cache, error) {
	if c.cache != nil && c.cacheRoot == root {
		return c.cache, nil
	}
	r, err := trie.NewStateReader(root, c.store, c.codes)
	if err != nil {
		return nil, err
	}
	c.cache, c.cacheRoot = cache.New(r, cache.Options{}), root
	return c.cache, nil
}

// hashGetter returns the BLOCKHASH function for a child of parent: the hash
// of an ancestor by number. The (at most 256) ancestors are collected first,
// so the function only reads and parallel workers may call it at once.
func (c *Chain) hashGetter(parent *types.Header) func(uint64) types.Hash {
	hashes := make([]types.Hash, 0, historyLen) // hashes[i]: block parent.Number-i
	for h, hash := parent, parent.Hash(); len(hashes) < historyLen; {
		hashes = append(hashes, hash)
		if h.Number == 0 {
			break
		}
		hash = h.ParentHash
		next, ok := c.blocks[hash]
		if !ok {
			break
		}
		h = next
	}
	return func(n uint64) types.Hash {
		if n > parent.Number || parent.Number-n >= uint64(len(hashes)) {
			return types.Hash{}
		}
		return hashes[parent.Number-n]
	}
}

// checkSuppliedAccessList decodes and checks a block access list that came
// with a block: Amsterdam only, strict decoding, the header's hash, and the
// rules of bal.Validate.
func checkSuppliedAccessList(cfg *chainspec.Config, h *types.Header, txCount int, raw []byte) (*bal.BlockAccessList, error) {
	if !cfg.IsAmsterdam(h.Time) {
		return nil, ErrBALBeforeAmsterdam
	}
	list, err := bal.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidBAL, err)
	}
	if got := list.Hash(); !h.Has(types.FieldBlockAccessListHash) || got != h.BlockAccessListHash {
		return nil, fmt.Errorf("%w: computed %s, header %s", ErrBALHashMismatch, got, h.BlockAccessListHash)
	}
	if err := list.Validate(h.GasLimit, txCount); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidBAL, err)
	}
	return list, nil
}
