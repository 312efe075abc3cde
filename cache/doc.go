// Package cache is the concurrent state cache between the parallel block
// executor and the client's state: every account, storage slot and code read
// of a block goes through one [Cache] over the block's pre-state reader, from
// all execution workers and from the BAL-driven warmer at once, and each
// distinct key reaches the backing reader at most once per block.
//
// # Reads
//
// A [Cache] implements [state.Reader]. Accounts are cached with their
// absence, slots by (address, slot), code by hash (code by hash never
// changes; the empty code hash is answered without a load). Values are
// returned by value; code slices are shared and immutable. [Cache.NewWorker]
// gives each executing goroutine its own reader with its own [Stats].
//
// A miss registers a pending load for its key under the shard's write lock
// and calls the backing reader without any lock held; every reader that
// misses on the key meanwhile waits for that load (a de-duplicated miss,
// counted in Stats.Waits). A failed load is returned to its caller and its
// waiters and is not cached, so the next read retries. If the backing reader
// panics, the waiters get [ErrBackingPanic] and the panic goes on in the
// loading goroutine.
//
// # Sharding
//
// Keys are spread over a power-of-two number of shards, each padded to a
// multiple of the 64-byte cache line. The shard is the top bits of
// h*0x9e3779b97f4a7c15 (multiply-shift), where h is xxhash over a per-cache
// random seed followed by the key: an address, an address and slot, or a
// code hash. The seed keeps anyone from grinding addresses or slots into one
// shard (geth's state cache buckets on addr[0], which is free to grind); slots
// are hashed with their address, so one hot contract's slots spread over all
// shards. The default count is 8 per GOMAXPROCS, rounded up to a power of two,
// at least 16 and at most 4096; defaultShards gives the birthday-problem
// reasoning.
//
// Within a shard, values live in plain Go maps whose keys and values hold no
// pointers, behind a sync.RWMutex: a hit takes the read lock, so readers of
// one shard never block each other. The alternative, an xsync.MapOf per
// shard (lock-free reads, hashing once by carrying the shard hash in the
// key), is in the tests as the "sharded-xsync" benchmark. Measured on the 2-core machine this was written
// on (shared with other jobs, so ns/op at -cpu=2 equals -cpu=1 for every
// design: no contention could be produced there), a hit costs:
//
//	                        storage slot   account
//	sharded (this package)      74 ns        56 ns
//	sharded-xsync               64 ns        48 ns
//	xsync only (no shards)      50 ns        33 ns
//	one mutex (the twin)        53 ns        33 ns
//
// About 20 ns of the sharded designs' cost is xxhash over 60 (or 28) bytes,
// which the single-map designs do not pay; the map designs then differ by
// about 10 ns per hit. But xsync.MapOf allocates one heap object per entry,
// reachable through pointers, and a collection must visit them all: with one
// million cached slots a forced GC took 38-41 ms against 1.5-4.2 ms for the
// pointer-free maps (BenchmarkGCMark, several runs). A client that keeps its hot set across
// blocks (up to Options.MaxEntries, one million by default) would pay that
// at every GC cycle, more than the ~10 ns per hit saves on a block's tens of
// thousands of reads; so the pointer-free maps are kept. The single-mutex
// design is as fast as any on one core but serialises every reader, which
// is what the shards exist to avoid.
//
// # Scaling past two cores
//
// Readers of different shards share nothing. Readers of one shard do not
// wait for each other but move the shard's cache line between cores with
// their read-lock counter: with S = 8P shards and P workers the chance that a
// read meets another worker in its shard is below (P-1)/S < 1/8 even if all
// workers read all the time, and workers spend most of their time in the EVM.
// Misses take the write lock only to register and publish a load, never
// during it. Statistics are per shard or per Worker, so a hit adds no write
// to a line shared by all workers. The warmer's goroutines share one atomic
// cursor, touched once per batch of 64 keys. What remains shared is the
// backing reader: a serialised one (trie.StateReader takes a mutex per call)
// caps the load rate at one core however many warm goroutines run; the
// warmer's gain is taking loads off the workers' critical path, not
// parallelising a serial store.
//
// # Advance
//
// [Cache.Advance] moves the cache to the next block: it takes the reader of
// the block's post-state and the block's account updates, rewrites the
// cached entries the updates touch (deleted accounts become cached absences,
// slots of deleted and wiped accounts become zero, written slots take their
// new values, new code is added) and keeps everything else, so an importing
// client keeps its hot set warm. Keys it does not hold read from the new
// reader, never from the stale one. Updated accounts are stored with the
// storage root the state root's computation set on their updates
// (state.AccountUpdate.Root); an account whose root the updates do not
// determine (updates not merkleized) is dropped and reloaded. Because
// Advance stores the block's values, the parallel executor reads the
// accounts and slots the access list changes with PeekAccount and
// PeekStorage, which keep nothing. Loads in flight across
// an Advance serve their callers but store nothing. A one-bit-per-address
// filter of addresses with cached non-zero slots lets Advance skip the scan
// of the slot maps when a deleted account has none (the common case: EIP-161
// deletions of empty accounts). Advance also enforces Options.MaxEntries and
// MaxCodeBytes, dropping arbitrary entries of shards over budget; nothing is
// evicted during a block.
//
// # Warm
//
// [Cache.Warm] prefetches everything a block access list names: accounts,
// every slot written or read (their pre-block values are what execution
// needs as originals), and the code of accounts with code. It reads the
// accounts first, then the slots, then the code, each in key order (the
// list's order: accounts by address, slots by address and slot), in
// batches of 64 keys over at most Options.WarmWorkers goroutines, and
// returns when done or when its context ends, with every goroutine joined.
// When the backing reader is a [BatchReader] (an on-disk store, which walks
// sorted keys with one forward iterator), a batch of accounts or slots is
// one call to it; otherwise, and for code, each key is a point read.
// Options.Warm selects point reads in key order or in a shuffled order
// instead, or no warming, for measurements.
//
// It runs while the block executes, and neither side reads a key twice: the
// warmer registers a batch's keys as loads in flight before it reads them,
// so a reader that misses on one waits for the batch instead of reading it
// again, and the warmer leaves out keys a reader is loading. A batch that
// fails is read again key by key, so one bad key fails alone.
//
// # Concurrency
//
// Every method of Cache and Worker is safe for concurrent use, and there is
// no global mutable state. Advance holds every shard's write lock while it
// runs (always taken in index order), so a read overlapping it returns the
// state before or after it, and reads after one new-state read are all
// new-state. Statistics are read with atomic loads and may be slightly
// behind reads in progress.
//
// # Testing
//
// The tests hold a slow twin, one map per kind behind one mutex with an
// Advance that forgets everything, and a differential test and fuzz target
// (FuzzDifferential) that run random programs of reads, warms and Advances
// from several goroutines on both, over several shard counts, and compare
// every result; TestAdvanceConcurrent checks reads racing an Advance. Hits
// allocate nothing (TestAllocations). The hive chain's access lists are
// warmed over a real trie reader in TestWarmHive and BenchmarkWarmHive.
package cache
