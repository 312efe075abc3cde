package cache

import (
	"fmt"
	"time"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// caller says who reads a key, and so what it does when a load of the key
// is in flight.
type caller uint8

const (
	// byReader: an execution reader; it waits for the load.
	byReader caller = iota
	// byWarmer: the warmer; it leaves the key to the load in flight
	// (errSkipped) rather than wait for it.
	byWarmer
	// byWarmerFollow: the warmer reading what it needs to go on (an
	// account whose code it warms); it waits for the warmer's own loads,
	// not for a reader's.
	byWarmerFollow
	// byPeeker: an execution reader of an account or slot the block
	// changes (PeekAccount, PeekStorage); on a miss it reads the backing
	// reader itself and stores nothing (peek), so it never reaches load.
	byPeeker
)

// load is the miss path shared by the three kinds of entry: under the
// shard's write lock it either finds the value (stored since the read-locked
// probe), joins the load in flight, or registers a new load; the load itself
// runs without any lock held.
//
// The load publishes its value only if its call is still the key's pending
// entry: Advance drops every pending entry, so a load that started against
// the previous backing reader never stores a stale value (its own waiters,
// who started before Advance, still get it).
//
// If fetch panics, the waiters get ErrBackingPanic, the key is released, and
// the panic continues in the loading goroutine.
func load[K comparable, V any](
	c *Cache, s *shard, t *table[K, V], addr types.Address, key K, ctr *counters, w caller,
	fetch func(state.Reader, types.Address, K) (V, error),
	stored func(*Cache, *shard, *K, *V),
) (V, error) {
	s.mu.Lock()
	if v, ok := t.values[key]; ok {
		s.mu.Unlock()
		ctr.hits.Add(1)
		return v, nil
	}
	if cl, ok := t.pending[key]; ok {
		s.mu.Unlock()
		ctr.waits.Add(1)
		if w == byWarmer || (w == byWarmerFollow && !cl.warm) {
			var zero V
			return zero, errSkipped
		}
		cl.wg.Wait()
		return cl.val, cl.err
	}
	cl := &call[V]{warm: w != byReader}
	cl.wg.Add(1)
	t.addPending(key, cl)
	backing := c.backing
	s.mu.Unlock()

	ctr.misses.Add(1)
	finished := false
	defer func() {
		if finished {
			return
		}
		// fetch panicked: release the key and the waiters, then let the
		// panic go on.
		cl.err = fmt.Errorf("%w: loading from %T", ErrBackingPanic, backing)
		s.mu.Lock()
		if t.pending[key] == cl {
			delete(t.pending, key)
		}
		s.mu.Unlock()
		ctr.errors.Add(1)
		cl.wg.Done()
	}()
	start := time.Now()
	v, err := fetch(backing, addr, key)
	ctr.loadNanos.Add(int64(time.Since(start)))
	cl.val, cl.err = v, err
	s.mu.Lock()
	if t.pending[key] == cl {
		delete(t.pending, key)
		if err == nil {
			t.put(key, v)
			if stored != nil {
				stored(c, s, &key, &v)
			}
		}
	}
	s.mu.Unlock()
	finished = true
	if err != nil {
		ctr.errors.Add(1)
	}
	cl.wg.Done()
	return v, err
}

// peek is the miss path of a byPeeker read: the backing reader of the
// read's era, timed and counted as a miss; nothing is stored and no load in
// flight is joined. Errors are returned unchanged, as a load's.
func peek[K comparable, V any](ctr *counters, backing state.Reader, addr types.Address, key K,
	fetch func(state.Reader, types.Address, K) (V, error)) (V, error) {
	ctr.misses.Add(1)
	start := time.Now()
	v, err := fetch(backing, addr, key)
	ctr.loadNanos.Add(int64(time.Since(start)))
	if err != nil {
		ctr.errors.Add(1)
	}
	return v, err
}
