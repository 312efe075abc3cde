package cache

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/cespare/xxhash/v2"
	"github.com/holiman/uint256"
)

// cacheLineSize is the unit shards and per-caller counters are padded to, so
// that two of them never share a line. 64 bytes is the line of every x86-64
// and of most arm64 cores; on cores with 128-byte lines (Apple M-series) an
// adjacent-line prefetcher may still pair two shards, which costs a little
// bandwidth but never correctness. xsync makes the same choice.
const cacheLineSize = 64

// Defaults of [Options].
const (
	// DefaultMaxEntries bounds the accounts and slots kept across blocks: about
	// 100 MiB at ~100 bytes per entry with map overhead, an order of magnitude
	// more than the keys a full mainnet block touches.
	DefaultMaxEntries = 1 << 20
	// DefaultMaxCodeBytes bounds the code kept across blocks.
	DefaultMaxCodeBytes = 64 << 20
)

// Shard count bounds for the default, see defaultShards.
const (
	shardsPerProc = 8
	minShards     = 16
	maxShards     = 4096
)

// defaultShards returns the shard count for procs goroutines running at once:
// shardsPerProc per P, rounded up to a power of two, within
// [minShards, maxShards].
//
// Why 8 per P (the birthday problem, as pebble reasons about its block
// cache): when P goroutines are inside the cache at the same instant, the
// chance that a given one shares its shard with at least one other is
// 1-(1-1/S)^(P-1) ≈ (P-1)/S, below 1/8 with S = 8P, and workers spend most of
// their time executing EVM code rather than inside the cache, which divides
// that by the fraction of time spent there. A shared shard costs little:
// readers never block each other (RWMutex), they only move the shard's
// cache line between cores; only a miss takes the write lock, and misses are
// rare once the warmer has run. With S = 4P (pebble's choice) the
// probability doubles; with 32P it halves again while Advance locks four
// times as many shards and the shards' fixed memory grows. The minimum of 16
// keeps small machines from concentrating a hot contract's slots in a couple
// of maps, and bounds each shard map's share of the cache.
func defaultShards(procs int) int {
	n := max(shardsPerProc*procs, minShards)
	n = 1 << bits.Len(uint(n-1))
	return min(n, maxShards)
}

// Options configure a [Cache]. The zero value gives the defaults.
type Options struct {
	// Shards is the number of shards, a power of two; 0 picks one from
	// GOMAXPROCS (see the package documentation).
	Shards int
	// MaxEntries bounds the accounts and storage slots kept across Advance
	// (0: DefaultMaxEntries). It is enforced only by Advance, never during a
	// block, so that every key of a block is loaded at most once.
	MaxEntries int
	// MaxCodeBytes bounds the code bytes kept across Advance
	// (0: DefaultMaxCodeBytes).
	MaxCodeBytes int
	// WarmWorkers bounds the goroutines of one Warm call (0: GOMAXPROCS).
	// Goroutines blocked on a disk read do not hold a core, so over a store
	// on disk more of them than cores keep more reads in flight.
	WarmWorkers int
	// Warm says how Warm reads (WarmBatched by default).
	Warm WarmMode
	// Seed keys the shard hash (0: a random seed), so that nobody can grind
	// addresses or slots that all land in one shard.
	Seed uint64
}

// accountEntry is a cached account or a cached absence. It holds no
// pointers, so the maps of accounts are never scanned by the GC.
type accountEntry struct {
	acct   types.Account
	exists bool
}

// slotKey names one storage slot. It holds no pointers.
type slotKey struct {
	addr types.Address
	slot uint256.Int
}

// table is one kind of entry in one shard: the loaded values and the loads in
// flight. Both maps are allocated on first write (reading a nil map is
// fine), so that a new Cache costs a few allocations, not six per shard.
type table[K comparable, V any] struct {
	values  map[K]V
	pending map[K]*call[V]
}

// put stores a value. REQUIRES: the shard's lock held for writing.
func (t *table[K, V]) put(k K, v V) {
	if t.values == nil {
		t.values = make(map[K]V)
	}
	t.values[k] = v
}

// addPending registers a load. REQUIRES: the shard's lock held for writing.
func (t *table[K, V]) addPending(k K, cl *call[V]) {
	if t.pending == nil {
		t.pending = make(map[K]*call[V])
	}
	t.pending[k] = cl
}

// call is one load from the backing reader; every caller that misses on its
// key while it is in flight waits for it. val and err are written before
// the load's wg.Done and only read after wg.Wait. (A WaitGroup rather than a
// channel: one allocation per miss instead of two.)
type call[V any] struct {
	wg  sync.WaitGroup
	val V
	err error
	// warm marks a load the warmer issued; set before the call is
	// registered, never changed.
	warm bool
}

// shardData is a shard without its padding.
type shardData struct {
	mu struct {
		sync.RWMutex
		accounts table[types.Address, accountEntry]
		slots    table[slotKey, uint256.Int]
		codes    table[types.Hash, []byte]
		// codeBytes is the total length of the values of codes.
		codeBytes int
	}
	// ctr counts the reads made through the Cache's own methods whose key
	// lives in this shard.
	ctr counters
}

// shard is padded to a multiple of the cache line (asserted by a test).
type shard struct {
	shardData
	_ [(cacheLineSize - unsafe.Sizeof(shardData{})%cacheLineSize) % cacheLineSize]byte
}

// filterWords sizes the nonzero-slot filter: 2^18 bits (32 KiB). With one
// bit per address, 10,000 addresses with cached non-zero slots leave a
// deleted address a 4% chance of a false positive (a needless scan).
const filterWords = 1 << 12

// Cache is a concurrent read-through cache over a [state.Reader]: accounts
// (and their absence), storage slots, and code by hash. It implements
// state.Reader itself; [Cache.NewWorker] gives each executing goroutine a
// reader that keeps its own statistics.
//
// Values are returned by value. Code slices are shared by every caller and
// by the backing reader: they are immutable, and callers must not modify
// them.
//
// # Invariants
//
//   - Every cached value equals what the current backing reader returns for
//     its key. Advance keeps this true when it swaps the backing reader.
//   - Within one block (between two Advance calls) each key reaches the
//     backing reader at most once while the loads succeed: concurrent misses
//     on a key wait for a single load. Nothing is evicted during a block.
//     PeekAccount and PeekStorage are the exception: they store nothing, so
//     each of their misses reads the backing reader.
//   - Errors are not cached: the next read of the key loads again. Callers
//     waiting on a failing load all get its error.
//
// # Concurrency
//
// All methods are safe for concurrent use, including Advance and Warm. A
// read that overlaps an Advance returns the value before or after it; once a
// read has returned a value from after it, every later read (on any
// goroutine that synchronises with that one) does too. A Cache must not be
// copied after first use.
type Cache struct {
	_ noCopy

	shards []shard
	shift  uint8 // 64 - log2(len(shards)), for the multiply-shift
	seed   uint64

	// backing is the reader loads go to. NB: it is written by Advance only
	// while every shard's lock is held, and read under one shard's lock, so
	// a load started under a shard lock always reads the backing of its era.
	backing state.Reader

	maxEntriesPerShard int
	maxCodePerShard    int
	warmWorkers        int
	warmMode           WarmMode

	// nonzero is a one-bit-per-address filter of the addresses that may
	// have a non-zero slot cached, so that Advance scans the slot maps for
	// a deleted or wiped account only when it has to. Bits are set with the
	// storing shard's lock held and read or rebuilt by Advance with all
	// locks held.
	nonzero [filterWords]atomic.Uint64

	warm struct {
		sync.Mutex
		stats Stats
	}
}

// noCopy makes go vet's copylocks check flag copies of a Cache.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

var _ state.Reader = (*Cache)(nil)

// New returns an empty cache over backing. It panics if backing is nil or
// the options are invalid (a negative bound, or a shard count that is not a
// power of two): both are programming errors.
func New(backing state.Reader, opts Options) *Cache {
	if backing == nil {
		panic("cache: New with a nil backing reader")
	}
	if opts.Shards < 0 || opts.MaxEntries < 0 || opts.MaxCodeBytes < 0 || opts.WarmWorkers < 0 {
		panic("cache: negative option")
	}
	if opts.Warm > WarmOff {
		panic("cache: unknown warm mode")
	}
	n := opts.Shards
	if n == 0 {
		n = defaultShards(runtime.GOMAXPROCS(0))
	}
	if n&(n-1) != 0 {
		panic("cache: shard count is not a power of two")
	}
	if opts.MaxEntries == 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.MaxCodeBytes == 0 {
		opts.MaxCodeBytes = DefaultMaxCodeBytes
	}
	if opts.WarmWorkers == 0 {
		opts.WarmWorkers = runtime.GOMAXPROCS(0)
	}
	if opts.Seed == 0 {
		opts.Seed = rand.Uint64()
	}
	c := &Cache{
		shards:             make([]shard, n),
		shift:              uint8(64 - bits.TrailingZeros(uint(n))),
		seed:               opts.Seed,
		backing:            backing,
		maxEntriesPerShard: max(1, opts.MaxEntries/n),
		maxCodePerShard:    max(1, opts.MaxCodeBytes/n),
		warmWorkers:        opts.WarmWorkers,
		warmMode:           opts.Warm,
	}
	return c
}

// Shards returns the number of shards.
func (c *Cache) Shards() int { return len(c.shards) }

// Len returns the number of cached accounts (including cached absences),
// storage slots and codes.
func (c *Cache) Len() (accounts, slots, codes int) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		accounts += len(s.mu.accounts.values)
		slots += len(s.mu.slots.values)
		codes += len(s.mu.codes.values)
		s.mu.RUnlock()
	}
	return
}

// ---------------------------------------------------------------------------
// Hashing and shard selection

// fibonacci is 2^64 divided by the golden ratio, the multiplier of
// multiply-shift hashing: the top bits of h*fibonacci depend on every bit
// of h.
const fibonacci = 0x9e3779b97f4a7c15

// shardOf picks the shard of a key hash by multiply-shift.
func (c *Cache) shardOf(h uint64) *shard {
	return &c.shards[(h*fibonacci)>>c.shift]
}

// The key hashes are xxhash over the seed followed by the key bytes, built
// in a stack buffer (xxhash.Sum64 does not retain its argument).

func (c *Cache) hashAddr(a *types.Address) uint64 {
	var b [8 + types.AddressLength]byte
	binary.LittleEndian.PutUint64(b[:8], c.seed)
	copy(b[8:], a[:])
	return xxhash.Sum64(b[:])
}

func (c *Cache) hashSlot(a *types.Address, slot *uint256.Int) uint64 {
	var b [8 + types.AddressLength + 32]byte
	binary.LittleEndian.PutUint64(b[:8], c.seed)
	copy(b[8:], a[:])
	const o = 8 + types.AddressLength
	binary.LittleEndian.PutUint64(b[o:], slot[0])
	binary.LittleEndian.PutUint64(b[o+8:], slot[1])
	binary.LittleEndian.PutUint64(b[o+16:], slot[2])
	binary.LittleEndian.PutUint64(b[o+24:], slot[3])
	return xxhash.Sum64(b[:])
}

func (c *Cache) hashCode(h *types.Hash) uint64 {
	var b [8 + types.HashLength]byte
	binary.LittleEndian.PutUint64(b[:8], c.seed)
	copy(b[8:], h[:])
	return xxhash.Sum64(b[:])
}

// markNonzero records that addr may have a non-zero slot cached.
// REQUIRES: the lock of the shard storing the slot is held.
func (c *Cache) markNonzero(addr *types.Address) {
	h := c.hashAddr(addr)
	c.nonzero[(h>>6)&(filterWords-1)].Or(1 << (h & 63))
}

// mayHaveNonzero reports whether addr may have a non-zero slot cached.
// REQUIRES: all shard locks held.
func (c *Cache) mayHaveNonzero(addr *types.Address) bool {
	h := c.hashAddr(addr)
	return c.nonzero[(h>>6)&(filterWords-1)].Load()&(1<<(h&63)) != 0
}

// ---------------------------------------------------------------------------
// Reads

// Account implements state.Reader. The read is counted in the statistics of
// the account's shard.
func (c *Cache) Account(addr types.Address) (types.Account, bool, error) {
	return c.account(&addr, nil, byReader)
}

// Storage implements state.Reader.
func (c *Cache) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return c.storage(&addr, &slot, nil, byReader)
}

// Code implements state.Reader. The returned slice is shared and must not be
// modified. The empty code hash yields nil without a load.
func (c *Cache) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	return c.code(&addr, &codeHash, nil, byReader)
}

// account reads an account, counting into ctr (the shard's counters when
// nil). w says who reads, and so whether to wait for a load of the key in
// flight (see caller).
func (c *Cache) account(addr *types.Address, ctr *counters, w caller) (types.Account, bool, error) {
	s := c.shardOf(c.hashAddr(addr))
	if ctr == nil {
		ctr = &s.ctr
	}
	s.mu.RLock()
	e, ok := s.mu.accounts.values[*addr]
	backing := c.backing // of this era: Advance swaps it under every shard's lock
	s.mu.RUnlock()
	if ok {
		ctr.hits.Add(1)
		return e.acct, e.exists, nil
	}
	if w == byPeeker {
		e, err := peek(ctr, backing, *addr, *addr, fetchAccount)
		return e.acct, e.exists, err
	}
	e, err := load(c, s, &s.mu.accounts, *addr, *addr, ctr, w, fetchAccount, nil)
	return e.acct, e.exists, err
}

// storage reads a slot (as account reads an account): w is byReader,
// byPeeker (on a miss the backing reader is read and nothing is stored) or
// one of the warmer's.
func (c *Cache) storage(addr *types.Address, slot *uint256.Int, ctr *counters, w caller) (uint256.Int, error) {
	s := c.shardOf(c.hashSlot(addr, slot))
	if ctr == nil {
		ctr = &s.ctr
	}
	k := slotKey{addr: *addr, slot: *slot}
	s.mu.RLock()
	v, ok := s.mu.slots.values[k]
	backing := c.backing // of this era: Advance swaps it under every shard's lock
	s.mu.RUnlock()
	if ok {
		ctr.hits.Add(1)
		return v, nil
	}
	if w == byPeeker {
		return peek(ctr, backing, *addr, k, fetchSlot)
	}
	return load(c, s, &s.mu.slots, *addr, k, ctr, w, fetchSlot, storedSlot)
}

// PeekAccount implements state.AccountPeeker: Account for an account the
// block changes, which Advance stores with its post-state value. A hit
// answers from the cache; a miss reads the backing reader and keeps
// nothing, as PeekStorage does.
func (c *Cache) PeekAccount(addr types.Address) (types.Account, bool, error) {
	return c.account(&addr, nil, byPeeker)
}

// PeekStorage implements state.StoragePeeker: Storage for a slot the block
// writes. A hit answers from the cache; a miss reads the backing reader and
// keeps nothing, without joining or registering a load of the key (so two
// peeks of a key both read it: the exception to one load per key and
// block), counted as a miss. The read is counted in the statistics of the
// slot's shard.
func (c *Cache) PeekStorage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return c.storage(&addr, &slot, nil, byPeeker)
}

func (c *Cache) code(addr *types.Address, codeHash *types.Hash, ctr *counters, w caller) ([]byte, error) {
	if *codeHash == types.EmptyCodeHash {
		if ctr == nil {
			ctr = &c.shardOf(c.hashCode(codeHash)).ctr
		}
		ctr.hits.Add(1)
		return nil, nil
	}
	s := c.shardOf(c.hashCode(codeHash))
	if ctr == nil {
		ctr = &s.ctr
	}
	s.mu.RLock()
	v, ok := s.mu.codes.values[*codeHash]
	s.mu.RUnlock()
	if ok {
		ctr.hits.Add(1)
		return v, nil
	}
	return load(c, s, &s.mu.codes, *addr, *codeHash, ctr, w, fetchCode, storedCode)
}

func fetchAccount(r state.Reader, addr types.Address, _ types.Address) (accountEntry, error) {
	a, ok, err := r.Account(addr)
	return accountEntry{acct: a, exists: ok}, err
}

func fetchSlot(r state.Reader, addr types.Address, k slotKey) (uint256.Int, error) {
	return r.Storage(addr, k.slot)
}

func fetchCode(r state.Reader, addr types.Address, h types.Hash) ([]byte, error) {
	return r.Code(addr, h)
}

// storedSlot and storedCode keep the bookkeeping of a newly stored value.
// REQUIRES: s.mu held for writing.
func storedSlot(c *Cache, _ *shard, k *slotKey, v *uint256.Int) {
	if !v.IsZero() {
		c.markNonzero(&k.addr)
	}
}

func storedCode(_ *Cache, s *shard, _ *types.Hash, v *[]byte) {
	s.mu.codeBytes += len(*v)
}
