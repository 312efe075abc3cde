package cache

import (
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Stats counts the reads of one caller (a [Worker], or the Cache's own
// methods, or Warm).
type Stats struct {
	// Hits are reads answered from the cache, including reads that found
	// the value stored between their probe and their miss path.
	Hits uint64
	// Misses are reads that loaded their key from the backing reader.
	Misses uint64
	// Waits are de-duplicated misses: reads that waited for another
	// caller's load of the same key instead of issuing their own. For Warm,
	// keys it left to another caller's load in flight (it does not wait).
	Waits uint64
	// Errors are loads that failed (the backing reader returned an error or
	// panicked); failed loads are also counted in Misses.
	Errors uint64
	// LoadTime is the time spent in the backing reader by the loads counted
	// in Misses.
	LoadTime time.Duration
}

// Add returns the sum of s and o.
func (s Stats) Add(o Stats) Stats {
	return Stats{
		Hits:     s.Hits + o.Hits,
		Misses:   s.Misses + o.Misses,
		Waits:    s.Waits + o.Waits,
		Errors:   s.Errors + o.Errors,
		LoadTime: s.LoadTime + o.LoadTime,
	}
}

// Reads returns the number of reads counted: hits, misses and waits.
func (s Stats) Reads() uint64 { return s.Hits + s.Misses + s.Waits }

// counters are the live form of Stats. Each set is written by the reads of
// one shard or one caller, so a hit costs one uncontended atomic add on a
// line that read already owns (the shard's) or that only its goroutine
// writes (a Worker's).
type counters struct {
	hits, misses, waits, errors atomic.Uint64
	loadNanos                   atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Hits:     c.hits.Load(),
		Misses:   c.misses.Load(),
		Waits:    c.waits.Load(),
		Errors:   c.errors.Load(),
		LoadTime: time.Duration(c.loadNanos.Load()),
	}
}

// Stats returns the statistics of the reads made through the Cache's own
// methods (kept per shard and summed here) and through Warm. Reads made
// through a [Worker] are counted only in that Worker: add them with
// [Stats.Add].
func (c *Cache) Stats() Stats {
	var out Stats
	for i := range c.shards {
		out = out.Add(c.shards[i].ctr.snapshot())
	}
	c.warm.Lock()
	out = out.Add(c.warm.stats)
	c.warm.Unlock()
	return out
}

// WarmStats returns the statistics of the reads made by Warm calls so far.
func (c *Cache) WarmStats() Stats {
	c.warm.Lock()
	defer c.warm.Unlock()
	return c.warm.stats
}

// workerData is a Worker without its padding.
type workerData struct {
	c   *Cache
	ctr counters
}

// Worker is a [state.Reader] over a Cache that counts its reads in its own
// counters: give one to each goroutine that executes transactions, so that
// statistics are per worker and a hit touches no counter shared with other
// goroutines. A Worker is safe for concurrent use (its counters are
// atomic), but sharing one between goroutines defeats its purpose. It stays
// valid across Advance.
type Worker struct {
	workerData
	_ [(cacheLineSize - unsafe.Sizeof(workerData{})%cacheLineSize) % cacheLineSize]byte
}

var _ state.Reader = (*Worker)(nil)

// NewWorker returns a reader over c with its own statistics.
func (c *Cache) NewWorker() *Worker {
	w := new(Worker)
	w.c = c
	return w
}

// Account implements state.Reader.
func (w *Worker) Account(addr types.Address) (types.Account, bool, error) {
	return w.c.account(&addr, &w.ctr, byReader)
}

// Storage implements state.Reader.
func (w *Worker) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return w.c.storage(&addr, &slot, &w.ctr, byReader)
}

// PeekAccount implements state.AccountPeeker (see Cache.PeekAccount).
func (w *Worker) PeekAccount(addr types.Address) (types.Account, bool, error) {
	return w.c.account(&addr, &w.ctr, byPeeker)
}

// PeekStorage implements state.StoragePeeker (see Cache.PeekStorage).
func (w *Worker) PeekStorage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return w.c.storage(&addr, &slot, &w.ctr, byPeeker)
}

// Code implements state.Reader. The returned slice is shared and must not be
// modified.
func (w *Worker) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	return w.c.code(&addr, &codeHash, &w.ctr, byReader)
}

// Stats returns the statistics of w's reads so far.
func (w *Worker) Stats() Stats { return w.ctr.snapshot() }
