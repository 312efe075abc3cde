package exec

import (
	"cmp"
	"context"
	"fmt"
	"sync"

	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// historyLen is how many ancestors BLOCKHASH can see.
const historyLen = 256

// recentHeaders is how many headers the chain keeps in memory by hash: the
// BLOCKHASH window of the head plus as many again for its recent forks, so
// that executing a block reads no header from the database.
const recentHeaders = 2 * historyLen

// Chain imports blocks into a [Database]: it validates each block against
// its parent, checks the access list that came with it, executes it (in
// parallel from the list when EnableParallel is on and the block
// qualifies), computes the new state root, checks the result against the
// header and commits the block, which becomes the head. The head is the
// last block imported successfully, as after the merge a block becomes the
// head when the consensus layer says so and the tests and replays here say
// so by importing it; a block may extend any committed block the database
// can serve the state of.
//
// Between blocks the chain keeps, for the head only: a state cache over the
// database's reader of the head state (cache.Cache, moved to each new
// block with its updates, so the hot set stays warm), the state trie of the
// head with its upper levels decoded (the next root does not decode them
// again), and the last few hundred headers (BLOCKHASH reads no header from
// the database). A block on another parent gets a fresh cache over the
// database's reader of that state. Everything else stays in the database,
// so over an on-disk database the chain's memory does not grow with the
// chain.
//
// A block that fails any check is rejected with an error naming the check
// (and the transaction index when a transaction is at fault), and the chain
// is left as it was. A bad access list is ErrBadSidecar; a failure of the
// database is ErrDatabase wrapping its error (a store.ErrCorrupt record
// never becomes a wrong root).
//
// A Chain belongs to one goroutine.
type Chain struct {
	cfg  *chainspec.Config
	db   Database
	exe  *Executor
	head *types.Header

	// The most recent headers committed or read, by hash, oldest first in
	// order (a ring of recentHeaders).
	recent      map[types.Hash]*types.Header
	recentOrder []types.Hash
	recentNext  int

	// The tries of the last merkleization, kept open with their upper
	// levels decoded for the next block's (trie.Live): used only when the
	// next block's parent root is theirs.
	live trie.Live

	// The state cache in front of the database's reader of the state after
	// block cacheBlock, kept warm from block to block.
	cache      *cache.Cache
	cacheBlock types.Hash
	cacheOpts  cache.Options
}

// NewChain returns a chain in memory (over a new MemoryDatabase) holding the
// genesis block with header genesis and state alloc. The allocation's root
// must be the header's state root.
func NewChain(cfg *chainspec.Config, genesis *types.Header, alloc chainspec.Alloc) (*Chain, error) {
	c, err := OpenChain(cfg, NewMemoryDatabase(), genesis, alloc)
	if err != nil {
		return nil, err
	}
	// Reading a state held in memory costs about what the warmer's own
	// bookkeeping does: prefetching it only takes CPU from the steps
	// (measured: 4-10% slower blocks with it on; BenchmarkImport). A chain
	// over a disk store warms (OpenChain's default, cache.WarmBatched).
	c.cacheOpts.Warm = cache.WarmOff
	return c, nil
}

// OpenChain returns a chain over db. An empty db is given the genesis
// block (header genesis, state alloc, whose root must be the header's);
// a db that holds blocks must hold genesis (else ErrGenesisMismatch) and
// the chain continues from its head, alloc unused (it may be nil).
func OpenChain(cfg *chainspec.Config, db Database, genesis *types.Header, alloc chainspec.Alloc) (*Chain, error) {
	c := &Chain{
		cfg:    cfg,
		db:     db,
		exe:    NewExecutor(cfg),
		recent: make(map[types.Hash]*types.Header, recentHeaders),
	}
	head, err := db.Head()
	if err != nil {
		return nil, fmt.Errorf("%w: head: %w", ErrDatabase, err)
	}
	if head != nil {
		if _, ok, err := db.Header(genesis.Hash()); err != nil {
			return nil, fmt.Errorf("%w: genesis: %w", ErrDatabase, err)
		} else if !ok {
			return nil, fmt.Errorf("%w: the database's chain (head %d %s) has no block %s", ErrGenesisMismatch, head.Number, head.Hash(), genesis.Hash())
		}
		c.head = head
		c.remember(head)
		return c, nil
	}
	updates := alloc.Updates()
	root, nodes, err := trie.UpdateState(types.EmptyRootHash, db.Nodes(), updates)
	if err != nil {
		return nil, err
	}
	if root != genesis.Root {
		return nil, fmt.Errorf("%w: allocation gives %s, header has %s", ErrGenesisMismatch, root, genesis.Root)
	}
	h := *genesis
	if err := db.Commit(&BlockCommit{Header: &h, Nodes: nodes, Updates: updates}); err != nil {
		return nil, fmt.Errorf("%w: genesis: %w", ErrDatabase, err)
	}
	c.head = &h
	c.remember(&h)
	return c, nil
}

// EnableParallel makes blocks that come with their access list (and have at
// least minTxs transactions) run on the parallel processor with the given
// number of workers (0: GOMAXPROCS). Smaller blocks, blocks without a list
// and blocks before Amsterdam keep the sequential path.
func (c *Chain) EnableParallel(workers, minTxs int) { c.exe.EnableParallel(workers, minTxs) }

// ParallelStats returns how many blocks the parallel processor ran, and how
// many it handed to the sequential one after a speculative failure.
func (c *Chain) ParallelStats() ParallelStats { return c.exe.ParallelStats() }

// SetCacheOptions sets the options of the state caches the chain creates
// from now on (the current one is dropped): their bounds, warm workers and
// warm mode.
func (c *Chain) SetCacheOptions(opts cache.Options) {
	c.cacheOpts = opts
	c.cache = nil
}

// CacheStats returns the statistics of the current state cache (zero when
// there is none).
func (c *Chain) CacheStats() (reads, warm cache.Stats) {
	if c.cache == nil {
		return cache.Stats{}, cache.Stats{}
	}
	return c.cache.Stats(), c.cache.WarmStats()
}

// Config returns the chain's configuration.
func (c *Chain) Config() *chainspec.Config { return c.cfg }

// Database returns the chain's database.
func (c *Chain) Database() Database { return c.db }

// Head returns the header of the current head block.
func (c *Chain) Head() *types.Header { return c.head }

// Header returns the committed header with the given hash.
func (c *Chain) Header(hash types.Hash) (*types.Header, bool, error) {
	h, ok, err := c.header(hash)
	if err != nil {
		err = fmt.Errorf("%w: header %s: %w", ErrDatabase, hash, err)
	}
	return h, ok, err
}

// State returns a reader of the state after the block with the given hash,
// through its trie.
func (c *Chain) State(hash types.Hash) (state.Reader, error) {
	h, ok, err := c.Header(hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownParent, hash)
	}
	r, err := c.db.StateAt(h.Root)
	if err != nil {
		return nil, fmt.Errorf("%w: state %s: %w", ErrDatabase, h.Root, err)
	}
	return r, nil
}

// Insert validates and executes block on top of its parent, and makes it the
// head. It returns the execution result. From Amsterdam the block access
// list execution builds must hash to the header's (a block that arrived
// without its list, as over devp2p). When ctx ends, the import stops with
// ctx.Err() and the chain is left as it was.
func (c *Chain) Insert(ctx context.Context, block *types.Block) (*Result, error) {
	return c.InsertWithAccessList(ctx, block, nil)
}

// InsertWithAccessList is Insert for a block that came with its block
// access list as raw RLP (the engine API's blockAccessList). Before
// execution, as go-ethereum's body validation does, the list must decode
// strictly, hash to the header's block access list hash and pass
// bal.Validate (CheckAccessList; a failure is ErrBadSidecar); execution then
// rebuilds the list, which must hash to the header's too. A list before
// Amsterdam is an error. nil raw means no list. The list is stored with the
// block.
func (c *Chain) InsertWithAccessList(ctx context.Context, block *types.Block, raw []byte) (*Result, error) {
	if block == nil {
		return nil, ErrNilBlock
	}
	h := &block.Header
	parent, ok, err := c.header(h.ParentHash)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w: parent %s: %w", h.Number, ErrDatabase, h.ParentHash, err)
	}
	if !ok {
		return nil, fmt.Errorf("block %d: %w: %s", h.Number, ErrUnknownParent, h.ParentHash)
	}
	chk, err := c.exe.check(block, parent, raw)
	if err != nil {
		return nil, err
	}
	pre, err := c.stateCache(parent)
	if err != nil {
		return nil, cmp.Or(chk.wait(), fmt.Errorf("block %d: %w: parent state: %w", h.Number, ErrDatabase, err))
	}
	getHash, err := BlockHashes(parent, c.header)
	if err != nil {
		return nil, cmp.Or(chk.wait(), fmt.Errorf("block %d: %w: BLOCKHASH history: %w", h.Number, ErrDatabase, err))
	}
	nodes := c.db.Nodes()
	merkleize := func(ctx context.Context, updates []state.AccountUpdate) (types.Hash, trie.NodeSet, error) {
		return c.live.Update(ctx, nodes, parent.Root, updates)
	}
	res, err := c.exe.run(ctx, block, chk, pre, getHash, merkleize)
	if err != nil {
		return nil, err
	}
	hc := *h
	// The cache moves to the block's post-state while the database stores
	// it: both only read the updates, and the cache reads nothing from its
	// next reader until the next block, by which time it is set.
	next := new(laterReader)
	var advance sync.WaitGroup
	cc := c.cache
	advance.Go(func() { cc.Advance(next, res.Updates) })
	err = c.db.Commit(&BlockCommit{Header: &hc, AccessList: raw, Nodes: res.Nodes, Updates: res.Updates})
	advance.Wait()
	if err != nil {
		// What the database holds now is unknown to the chain: start the
		// next block afresh (the kept tries are at a root no block has).
		c.cache = nil
		return nil, fmt.Errorf("block %d: %w: commit: %w", h.Number, ErrDatabase, err)
	}
	hash := hc.Hash()
	if r, err := c.db.State(&hc); err == nil {
		next.r = r
		c.cacheBlock = hash
	} else {
		c.cache = nil // the next block reads the state afresh
	}
	c.head = &hc
	c.remember(&hc)
	return res, nil
}

// stateCache returns the cache over the state after block parent: the kept
// cache when it holds that state (the common case, a block on the head),
// else a fresh one over the database's reader of it.
func (c *Chain) stateCache(parent *types.Header) (*cache.Cache, error) {
	hash := parent.Hash()
	if c.cache != nil && c.cacheBlock == hash {
		return c.cache, nil
	}
	c.cache = nil // a database reader may move: the old cache is stale now
	r, err := c.db.State(parent)
	if err != nil {
		return nil, err
	}
	c.cache, c.cacheBlock = cache.New(r, c.cacheOpts), hash
	return c.cache, nil
}

// header returns a committed header, from the recent ones or the database.
func (c *Chain) header(hash types.Hash) (*types.Header, bool, error) {
	if h, ok := c.recent[hash]; ok {
		return h, true, nil
	}
	h, ok, err := c.db.Header(hash)
	if ok {
		c.remember(h)
	}
	return h, ok, err
}

// remember keeps h among the recent headers, forgetting the oldest.
func (c *Chain) remember(h *types.Header) {
	hash := h.Hash()
	if _, ok := c.recent[hash]; ok {
		return
	}
	if len(c.recentOrder) < recentHeaders {
		c.recentOrder = append(c.recentOrder, hash)
	} else {
		delete(c.recent, c.recentOrder[c.recentNext])
		c.recentOrder[c.recentNext] = hash
		c.recentNext = (c.recentNext + 1) % recentHeaders
	}
	c.recent[hash] = h
}

// laterReader is the reader of a block's post-state, handed to the cache
// before the database has stored the block and set once it has; nothing
// reads it before.
type laterReader struct{ r state.Reader }

func (l *laterReader) Account(addr types.Address) (types.Account, bool, error) {
	return l.r.Account(addr)
}

func (l *laterReader) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return l.r.Storage(addr, slot)
}

func (l *laterReader) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	return l.r.Code(addr, codeHash)
}
