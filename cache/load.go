package cache

import (
	"fmt"
	"time"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
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
	c *Cache, s *shard, t *table[K, V], addr types.Address, key K, ctr *counters, skip bool,
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
		if skip {
			var zero V
			return zero, errSkipped
		}
		cl.wg.Wait()
		return cl.val, cl.err
	}
	cl := new(call[V])
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
