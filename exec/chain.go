package exec

import (
	"context"
	"fmt"
	"time"

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

	// The head state, flat in memory for O(1) reads (see flatState).
	flat *flatState

	// The state trie at liveRoot (the last imported block's), its upper
	// levels decoded, for the next block's merkleization: every path goes
	// through them, so keeping them saves decoding them per block. nil when
	// a merkleization took it and failed.
	live     *trie.SecureTrie
	liveRoot types.Hash

	// The state cache in front of the flat state (or of the trie, for a
	// block whose parent the flat state cannot reach), kept warm from block
	// to block: it holds the state after block cacheBlock.
	cache      *cache.Cache
	cacheBlock types.Hash
	cacheFlat  bool // the cache reads the flat state
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
	return c.par.Stats()
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
	mem := state.NewMemory()
	mem.Apply(updates)
	c.flat = newFlatState(mem, h.Hash())
	return c, nil
}

// Config returns the chain's configuration.
func (c *Chain) Config() *chainspec.Config { return c.cfg }

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
	var (
		list      *bal.BlockAccessList
		listCheck time.Duration
	)
	if raw != nil {
		t0 := time.Now()
		var err error
		if list, err = CheckAccessList(c.cfg, h, len(block.Transactions), raw); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
		listCheck = time.Since(t0)
	}
	pre, err := c.stateCache(h.ParentHash, parent.Root)
	if err != nil {
		return nil, fmt.Errorf("block %d: parent state: %w", h.Number, err)
	}
	// The state trie kept from the last block, if this block extends it,
	// goes to the first merkleization; a later one (the parallel path's
	// second pass, the sequential verdict) opens the parent's root afresh.
	// The trie of the last successful one is kept for the next block.
	live := c.takeLiveTrie(parent.Root)
	var kept *trie.SecureTrie
	merkleize := func(ctx context.Context, updates []state.AccountUpdate) (types.Hash, trie.NodeSet, error) {
		t := live
		live = nil
		if t == nil {
			var err error
			if t, err = trie.NewSecure(parent.Root, c.store); err != nil {
				return types.Hash{}, nil, err
			}
		}
		root, nodes, err := trie.UpdateStateOn(ctx, t, c.store, updates)
		if err == nil {
			kept = t
		}
		return root, nodes, err
	}
	var res *Result
	if list != nil && c.par != nil && len(block.Transactions) >= c.minPar {
		if res, err = c.par.Process(context.Background(), block, list, pre, c.hashGetter(parent), merkleize); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
	} else {
		if res, err = c.proc.Process(block, pre, c.hashGetter(parent)); err != nil {
			return nil, fmt.Errorf("block %d: %w", h.Number, err)
		}
		t0 := time.Now()
		if res.Root, res.Nodes, err = merkleize(context.Background(), res.Updates); err != nil {
			return nil, fmt.Errorf("block %d: state root: %w", h.Number, err)
		}
		res.Timings.Root = time.Since(t0)
		res.Timings.Total += res.Timings.Root
	}
	res.Timings.ListCheck = listCheck
	res.Timings.Total += listCheck
	root, nodes := res.Root, res.Nodes
	if err := Validate(h, res, root); err != nil {
		return nil, fmt.Errorf("block %d: %w", h.Number, err)
	}
	c.store.Add(nodes)
	c.codes.AddUpdates(res.Updates)
	if kept != nil {
		kept.Unload(liveTrieDepth)
		c.live, c.liveRoot = kept, root
	}
	hash := h.Hash()
	if c.cacheFlat {
		c.flat.apply(hash, res.Updates)
		c.cache.Advance(c.flat.mem, res.Updates)
		c.cacheBlock = hash
	} else if next, err := trie.NewStateReader(root, c.store, c.codes); err == nil {
		c.cache.Advance(next, res.Updates)
		c.cacheBlock = hash
	} else {
		c.cache = nil // cannot happen: the nodes of root were just added
	}
	hc := *h
	c.blocks[hash] = &hc
	c.head = &hc
	return res, nil
}

// liveTrieDepth is how many nibble levels of the state trie stay decoded
// between blocks: at most 16^3 branches (a few megabytes), which covers the
// shared upper part of every path in a state of millions of accounts.
const liveTrieDepth = 3

// takeLiveTrie hands out the kept state trie if it is at root; the caller
// owns it (it is modified in place) and the chain keeps none until a block
// succeeds.
func (c *Chain) takeLiveTrie(root types.Hash) *trie.SecureTrie {
	t := c.live
	c.live = nil
	if t == nil || c.liveRoot != root {
		return nil
	}
	return t
}

// stateCache returns the cache over the state after block parent (whose
// state root is root): the kept cache when it holds that state (the common
// case, a block on the last one); else a fresh one over the flat state moved
// to parent when it can reach it, else over the trie.
func (c *Chain) stateCache(parent, root types.Hash) (*cache.Cache, error) {
	if c.cache != nil && c.cacheBlock == parent {
		return c.cache, nil
	}
	if c.flat.moveTo(parent) {
		c.cache, c.cacheBlock, c.cacheFlat = cache.New(c.flat.mem, cache.Options{}), parent, true
		return c.cache, nil
	}
	r, err := trie.NewStateReader(root, c.store, c.codes)
	if err != nil {
		return nil, err
	}
	c.cache, c.cacheBlock, c.cacheFlat = cache.New(r, cache.Options{}), parent, false
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

// CheckAccessList decodes and checks the block access list that came with a
// block (the engine API's blockAccessList, a fixture's sidecar) before
// execution, as go-ethereum's body validation does: Amsterdam only
// (ErrBALBeforeAmsterdam), strict decoding and the rules of bal.Validate
// for the header's gas limit and txCount transactions (ErrInvalidBAL), and
// the header's block access list hash (ErrBALHashMismatch). A list that
// passes is the one the header commits to; executing the block then decides
// whether it is true.
func CheckAccessList(cfg *chainspec.Config, h *types.Header, txCount int, raw []byte) (*bal.BlockAccessList, error) {
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
