package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// warmBatch is the number of keys one warm goroutine takes at a time: large
// enough that the shared cursor is touched once per batch rather than per
// key, small enough that the goroutines share a block's few hot accounts'
// slots evenly.
const warmBatch = 64

// warmItem is one key to prefetch: the account acct of the list when slot is
// -1 (and then its code), otherwise slot slot of the plan's slot list.
type warmItem struct {
	acct int32
	slot int32
}

// warmPlan is the work of one Warm call in list order: each account followed
// by the union of its written and read slots in ascending order, so that one
// goroutine loads an account's slots together (one storage trie opened, its
// upper nodes hot).
type warmPlan struct {
	list  *bal.BlockAccessList
	slots []uint256.Int
	items []warmItem
}

func newWarmPlan(list *bal.BlockAccessList) *warmPlan {
	p := &warmPlan{list: list}
	nItems, nSlots := 0, 0
	for i := range list.Accounts {
		a := &list.Accounts[i]
		nSlots += len(a.StorageChanges) + len(a.StorageReads)
	}
	nItems = len(list.Accounts) + nSlots
	p.slots = make([]uint256.Int, 0, nSlots)
	p.items = make([]warmItem, 0, nItems)
	for i := range list.Accounts {
		a := &list.Accounts[i]
		p.items = append(p.items, warmItem{acct: int32(i), slot: -1})
		// Merge the written and the read slots, both ascending in a valid
		// list; an unvalidated list only loses ordering, never keys.
		w, r := a.StorageChanges, a.StorageReads
		for len(w) > 0 || len(r) > 0 {
			var s uint256.Int
			switch {
			case len(r) == 0 || (len(w) > 0 && w[0].Slot.Lt(&r[0])):
				s, w = w[0].Slot, w[1:]
			case len(w) == 0 || r[0].Lt(&w[0].Slot):
				s, r = r[0], r[1:]
			default: // equal: an invalid list, load once
				s, w, r = r[0], w[1:], r[1:]
			}
			p.items = append(p.items, warmItem{acct: int32(i), slot: int32(len(p.slots))})
			p.slots = append(p.slots, s)
		}
	}
	return p
}

// warmFailure is the first failure of one warm goroutine, by item position.
type warmFailure struct {
	pos int
	err error
}

// Warm prefetches into the cache everything list names: every account, the
// code of every account that has code (its pre-block code hash), and every
// slot written or read (the pre-block values are the originals execution
// needs). It runs in the list's order (accounts by address, each followed
// by its slots in ascending order), in batches of warmBatch keys taken by at
// most Options.WarmWorkers goroutines, and returns when everything is loaded
// or ctx is done; every goroutine it starts has exited when it returns.
//
// Warm runs concurrently with execution: a reader that misses on a key the
// warmer is loading waits for that load, and the warmer neither reloads what
// a reader loaded nor waits for what a reader is loading (it moves on). A
// backing call cannot be interrupted, so after ctx is done Warm still waits
// for its own calls in flight (at most one per goroutine).
//
// Warm returns ctx.Err() if ctx ended before the work was done; otherwise
// the first failure in list order, wrapped with ErrWarm (failed keys are not
// cached; the keys after them are still loaded), or nil.
func (c *Cache) Warm(ctx context.Context, list *bal.BlockAccessList) error {
	if list == nil || len(list.Accounts) == 0 {
		return ctx.Err()
	}
	p := newWarmPlan(list)
	batches := (len(p.items) + warmBatch - 1) / warmBatch
	n := min(c.warmWorkers, batches)
	var (
		cursor   atomic.Int64
		wg       sync.WaitGroup
		failures = make([]warmFailure, n)
		ctrs     = make([]paddedCounters, n)
	)
	done := ctx.Done()
	for g := range n {
		failures[g].pos = -1
		wg.Go(func() {
			c.warmLoop(p, &cursor, batches, done, &ctrs[g].counters, &failures[g])
		})
	}
	wg.Wait()

	var total Stats
	for g := range ctrs {
		total = total.Add(ctrs[g].snapshot())
	}
	c.warm.Lock()
	c.warm.stats = c.warm.stats.Add(total)
	c.warm.Unlock()

	if err := ctx.Err(); err != nil {
		return err
	}
	first := warmFailure{pos: -1}
	for _, f := range failures {
		if f.pos >= 0 && (first.pos < 0 || f.pos < first.pos) {
			first = f
		}
	}
	if first.pos >= 0 {
		return first.err
	}
	return nil
}

// paddedCounters keeps the counters of concurrent warm goroutines on
// separate cache lines.
type paddedCounters struct {
	counters
	_ [(cacheLineSize - unsafe.Sizeof(counters{})%cacheLineSize) % cacheLineSize]byte
}

// warmLoop runs batches until there are none left or done is closed. A
// panic of the backing reader ends this goroutine's work with a failure
// instead of the process.
func (c *Cache) warmLoop(p *warmPlan, cursor *atomic.Int64, batches int, done <-chan struct{}, ctr *counters, fail *warmFailure) {
	pos := -1
	defer func() {
		if r := recover(); r != nil && fail.pos < 0 {
			fail.pos, fail.err = pos, fmt.Errorf("%w: %w: %v", ErrWarm, ErrBackingPanic, r)
		}
	}()
	for {
		b := int(cursor.Add(1) - 1)
		if b >= batches {
			return
		}
		end := min((b+1)*warmBatch, len(p.items))
		for pos = b * warmBatch; pos < end; pos++ {
			select {
			case <-done:
				return
			default:
			}
			err := c.warmItem(p, p.items[pos], ctr)
			if err != nil && !errors.Is(err, errSkipped) && fail.pos < 0 {
				fail.pos, fail.err = pos, err
			}
		}
	}
}

// warmItem loads one item of the plan.
// A key that another caller is loading is skipped: that load will cache it,
// and waiting would only delay the warmer (and, for an account, its code is
// then left to whoever reads it).
func (c *Cache) warmItem(p *warmPlan, it warmItem, ctr *counters) error {
	addr := &p.list.Accounts[it.acct].Address
	if it.slot >= 0 {
		slot := &p.slots[it.slot]
		if _, err := c.storage(addr, slot, ctr, true); err != nil {
			return fmt.Errorf("%w: storage %s slot %#x: %w", ErrWarm, addr, slot, err)
		}
		return nil
	}
	acct, exists, err := c.account(addr, ctr, true)
	if err != nil {
		return fmt.Errorf("%w: account %s: %w", ErrWarm, addr, err)
	}
	if !exists || acct.CodeHash == types.EmptyCodeHash {
		return nil
	}
	if _, err := c.code(addr, &acct.CodeHash, ctr, true); err != nil {
		return fmt.Errorf("%w: code %s of %s: %w", ErrWarm, acct.CodeHash, addr, err)
	}
	return nil
}
