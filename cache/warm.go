package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// BatchReader is an optional interface of a Cache's backing reader: it
// reads many accounts, or many slots, in one call. A store on disk reads
// keys given in key order with one forward iterator, several times faster
// than as many point reads (package store's View implements it). Warm uses
// it when the backing reader implements it and Options.Warm is WarmBatched.
//
// Both methods are called with reads sorted in key order (by address; by
// address then slot), each key once, and must be safe to call from several
// goroutines at once on disjoint slices. They fill in the values: an absent
// account is Exists false, an unset slot zero. An error fails every key of
// the call.
type BatchReader interface {
	ReadAccounts(reads []AccountRead) error
	ReadStorage(reads []SlotRead) error
}

// AccountRead is one account of a batched read: the caller sets Address,
// the reader fills Account and Exists.
type AccountRead struct {
	Address types.Address
	Account types.Account
	Exists  bool
}

// SlotRead is one storage slot of a batched read: the caller sets Address
// and Slot, the reader fills Value (zero when unset).
type SlotRead struct {
	Address types.Address
	Slot    uint256.Int
	Value   uint256.Int
}

// WarmMode says how Warm reads the keys of a block access list.
type WarmMode uint8

const (
	// WarmBatched, the default: through the backing reader's BatchReader
	// methods when it has them, in key order, warmBatch keys a call; else
	// as WarmSorted.
	WarmBatched WarmMode = iota
	// WarmSorted: point reads in key order.
	WarmSorted
	// WarmUnsorted: point reads in a pseudo-random order, the order in
	// which execution would meet the keys; a baseline for measurements.
	WarmUnsorted
	// WarmOff: Warm does nothing.
	WarmOff
)

// String names the mode.
func (m WarmMode) String() string {
	switch m {
	case WarmBatched:
		return "batched"
	case WarmSorted:
		return "sorted"
	case WarmUnsorted:
		return "unsorted"
	case WarmOff:
		return "off"
	}
	return fmt.Sprintf("WarmMode(%d)", m)
}

// warmBatch is the number of keys one warm goroutine takes at a time (and
// reads in one batched call): large enough that the shared cursor is
// touched, and a batch read's iterator opened, once per many keys; small
// enough that a reader waiting for one key of a batch waits for few others,
// and that the goroutines share a block's few hot accounts' slots evenly.
const warmBatch = 64

// Kinds of warm items, in the order Warm reads them.
const (
	warmAccount = iota
	warmSlot
	warmCode
)

// warmItem is one key to prefetch: account acct of the list (warmAccount),
// its code (warmCode), or slot slot of the plan's slot list (warmSlot).
type warmItem struct {
	kind uint8
	acct int32
	slot int32
}

// warmSpan is a batch of items of one kind: items[start:end].
type warmSpan struct{ start, end int32 }

// warmPlan is the work of one Warm call: every account of the list in its
// order (by address), then every slot written or read (by address, then
// slot: the union of each account's two ascending lists), then the code of
// every account, cut into batches that never mix kinds.
type warmPlan struct {
	list    *bal.BlockAccessList
	slots   []uint256.Int
	items   []warmItem
	batches []warmSpan
}

func newWarmPlan(list *bal.BlockAccessList) *warmPlan {
	p := &warmPlan{list: list}
	nSlots := 0
	for i := range list.Accounts {
		a := &list.Accounts[i]
		nSlots += len(a.StorageChanges) + len(a.StorageReads)
	}
	n := len(list.Accounts)
	p.slots = make([]uint256.Int, 0, nSlots)
	p.items = make([]warmItem, 0, 2*n+nSlots)
	for i := range n {
		p.items = append(p.items, warmItem{kind: warmAccount, acct: int32(i)})
	}
	slotsAt := len(p.items)
	for i := range list.Accounts {
		a := &list.Accounts[i]
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
			p.items = append(p.items, warmItem{kind: warmSlot, acct: int32(i), slot: int32(len(p.slots))})
			p.slots = append(p.slots, s)
		}
	}
	codesAt := len(p.items)
	for i := range n {
		p.items = append(p.items, warmItem{kind: warmCode, acct: int32(i)})
	}
	for _, k := range [][2]int{{0, slotsAt}, {slotsAt, codesAt}, {codesAt, len(p.items)}} {
		for s := k[0]; s < k[1]; s += warmBatch {
			p.batches = append(p.batches, warmSpan{int32(s), int32(min(s+warmBatch, k[1]))})
		}
	}
	return p
}

// shuffle puts the accounts and the slots in a pseudo-random order (the
// codes follow the accounts'), for WarmUnsorted.
func (p *warmPlan) shuffle(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, uint64(len(p.items))))
	var ends [3]int // end of each kind's items
	for i, it := range p.items {
		ends[it.kind] = i + 1
	}
	shuffle := func(s []warmItem) { rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] }) }
	shuffle(p.items[:ends[warmAccount]])
	shuffle(p.items[ends[warmAccount]:ends[warmSlot]])
	codes := p.items[ends[warmSlot]:]
	for i := range codes {
		codes[i].acct = p.items[i].acct
	}
}

// warmFailure is the first failure of one warm goroutine, by item position.
type warmFailure struct {
	pos int
	err error
}

// Warm prefetches into the cache everything list names: every account,
// every slot written or read (the pre-block values are the originals
// execution needs), and the code of every account that has code (its
// pre-block code hash). It reads the accounts first, then the slots, then
// the code, each in key order (Options.Warm can change that), in batches of
// warmBatch keys taken by at most Options.WarmWorkers goroutines; a batch
// of accounts or slots is one call to the backing reader's BatchReader
// methods when it has them. It returns when everything is loaded or ctx is
// done; every goroutine it starts has exited when it returns.
//
// Warm runs concurrently with execution: a reader that misses on a key the
// warmer is loading waits for that load (the warmer registers a batch's
// keys as loads in flight before it reads them), and the warmer neither
// reloads what a reader loaded nor waits for what a reader is loading (it
// leaves that key out). A backing call cannot be interrupted, so after ctx
// is done Warm still waits for its own calls in flight (at most one per
// goroutine).
//
// Warm returns ctx.Err() if ctx ended before the work was done; otherwise
// the first failure in the plan's order, wrapped with ErrWarm (failed keys
// are not cached; the keys after them are still loaded), or nil.
func (c *Cache) Warm(ctx context.Context, list *bal.BlockAccessList) error {
	if c.warmMode == WarmOff || list == nil || len(list.Accounts) == 0 {
		return ctx.Err()
	}
	p := newWarmPlan(list)
	if c.warmMode == WarmUnsorted {
		p.shuffle(c.seed)
	}
	n := min(c.warmWorkers, len(p.batches))
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
			c.warmLoop(p, &cursor, done, &ctrs[g].counters, &failures[g])
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
func (c *Cache) warmLoop(p *warmPlan, cursor *atomic.Int64, done <-chan struct{}, ctr *counters, fail *warmFailure) {
	pos := -1
	defer func() {
		if r := recover(); r != nil && fail.pos < 0 {
			fail.pos, fail.err = pos, fmt.Errorf("%w: %w: %v", ErrWarm, ErrBackingPanic, r)
		}
	}()
	var scratch warmScratch
	for {
		b := int(cursor.Add(1) - 1)
		if b >= len(p.batches) {
			return
		}
		select {
		case <-done:
			return
		default:
		}
		span := p.batches[b]
		pos = int(span.start)
		items := p.items[span.start:span.end]
		if c.warmMode == WarmBatched {
			backing := c.currentBacking()
			if br, ok := backing.(BatchReader); ok && items[0].kind != warmCode {
				var at int
				var err error
				if items[0].kind == warmAccount {
					at, err = c.warmAccounts(backing, br, p, items, ctr, &scratch)
				} else {
					at, err = c.warmSlots(backing, br, p, items, ctr, &scratch)
				}
				if err != nil && fail.pos < 0 {
					fail.pos, fail.err = pos+at, err
				}
				continue
			}
		}
		if items[0].kind == warmCode && c.warmMode != WarmUnsorted {
			// Code is keyed by its hash: read a batch's code in hash order.
			c.sortCodes(p, items)
		}
		for i, it := range items {
			select {
			case <-done:
				return
			default:
			}
			pos = int(span.start) + i
			err := c.warmItem(p, it, ctr)
			if err != nil && !errors.Is(err, errSkipped) && fail.pos < 0 {
				fail.pos, fail.err = pos, err
			}
		}
	}
}

// sortCodes orders a batch of code items by the code hash of their
// accounts, as cached (accounts not cached yet keep their place at the
// end).
func (c *Cache) sortCodes(p *warmPlan, items []warmItem) {
	type keyed struct {
		hash types.Hash
		it   warmItem
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i].it = it
		addr := &p.list.Accounts[it.acct].Address
		s := c.shardOf(c.hashAddr(addr))
		s.mu.RLock()
		e, ok := s.mu.accounts.values[*addr]
		s.mu.RUnlock()
		if ok && e.exists {
			ks[i].hash = e.acct.CodeHash
		} else {
			ks[i].hash = types.Hash{0xff, 0xff, 0xff, 0xff}
		}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	for i := range ks {
		items[i] = ks[i].it
	}
}

// warmItem loads one item of the plan with a point read. A key that another
// caller is loading is skipped: that load will cache it, and waiting would
// only delay the warmer.
func (c *Cache) warmItem(p *warmPlan, it warmItem, ctr *counters) error {
	addr := &p.list.Accounts[it.acct].Address
	switch it.kind {
	case warmSlot:
		slot := &p.slots[it.slot]
		if _, err := c.storage(addr, slot, ctr, byWarmer); err != nil {
			return fmt.Errorf("%w: storage %s slot %#x: %w", ErrWarm, addr, slot, err)
		}
	case warmAccount:
		if _, _, err := c.account(addr, ctr, byWarmer); err != nil {
			return fmt.Errorf("%w: account %s: %w", ErrWarm, addr, err)
		}
	case warmCode:
		// The account was read in the first phase; this waits for the
		// warmer's load if it is still in flight (and loads it again if
		// that failed), but not for a reader's: the reader will read the
		// code too. Only a new load counts in the statistics.
		var follow counters
		acct, exists, err := c.account(addr, &follow, byWarmerFollow)
		ctr.misses.Add(follow.misses.Load())
		ctr.errors.Add(follow.errors.Load())
		ctr.loadNanos.Add(follow.loadNanos.Load())
		if err != nil {
			return fmt.Errorf("%w: account %s: %w", ErrWarm, addr, err)
		}
		if !exists || acct.CodeHash == types.EmptyCodeHash {
			return nil
		}
		if _, err := c.code(addr, &acct.CodeHash, ctr, byWarmer); err != nil {
			return fmt.Errorf("%w: code %s of %s: %w", ErrWarm, acct.CodeHash, addr, err)
		}
	}
	return nil
}

// warmScratch is one warm goroutine's reused buffers for batched reads.
type warmScratch struct {
	accts     []AccountRead
	slots     []SlotRead
	acctCalls []*call[accountEntry]
	slotCalls []*call[uint256.Int]
	at        []int
}

// claim registers a load of key in its shard unless the key is cached or
// in flight (counted as a hit or a wait), and returns the load's call.
// Only loads against backing are registered: after an Advance (a new
// backing reader) it returns nil and the key is left to its readers.
func claim[K comparable, V any](c *Cache, s *shard, t *table[K, V], key K, backing state.Reader, ctr *counters) *call[V] {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := t.values[key]; ok {
		ctr.hits.Add(1)
		return nil
	}
	if _, ok := t.pending[key]; ok {
		ctr.waits.Add(1)
		return nil
	}
	if c.backing != backing {
		return nil
	}
	cl := &call[V]{warm: true}
	cl.wg.Add(1)
	t.addPending(key, cl)
	ctr.misses.Add(1)
	return cl
}

// publish completes a claimed load: the value is stored if the load is
// still the key's pending one (no Advance came in between) and succeeded,
// and the waiters are released.
func publish[K comparable, V any](c *Cache, s *shard, t *table[K, V], key K, cl *call[V], v V, err error,
	stored func(*Cache, *shard, *K, *V)) {
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
	cl.wg.Done()
}

// currentBacking returns the backing reader, read under a shard lock (it
// changes only under all of them).
func (c *Cache) currentBacking() state.Reader {
	s := &c.shards[0]
	s.mu.RLock()
	defer s.mu.RUnlock()
	return c.backing
}

// warmAccounts claims the accounts of a batch of items and reads them with
// one batched call; if that fails, it reads them one by one. It returns the
// first failure and the offset of its item in the batch.
// backing is the backing reader (br is its batch interface); keys are
// claimed only while it is current.
func (c *Cache) warmAccounts(backing state.Reader, br BatchReader, p *warmPlan, items []warmItem, ctr *counters, sc *warmScratch) (int, error) {
	sc.accts, sc.acctCalls, sc.at = sc.accts[:0], sc.acctCalls[:0], sc.at[:0]
	for i, it := range items {
		addr := p.list.Accounts[it.acct].Address
		s := c.shardOf(c.hashAddr(&addr))
		if cl := claim(c, s, &s.mu.accounts, addr, backing, ctr); cl != nil {
			sc.accts = append(sc.accts, AccountRead{Address: addr})
			sc.acctCalls = append(sc.acctCalls, cl)
			sc.at = append(sc.at, i)
		}
	}
	if len(sc.accts) == 0 {
		return 0, nil
	}
	if !slices.IsSortedFunc(sc.accts, func(a, b AccountRead) int { return bytes.Compare(a.Address[:], b.Address[:]) }) {
		// An unvalidated list: sort the reads and their calls together.
		sortTogether(sc.accts, sc.acctCalls, func(a, b AccountRead) int { return bytes.Compare(a.Address[:], b.Address[:]) })
	}
	finished := 0
	defer func() {
		// The reader panicked: release the keys and their waiters, and let
		// the panic go on.
		for i := finished; i < len(sc.accts); i++ {
			s := c.shardOf(c.hashAddr(&sc.accts[i].Address))
			publish(c, s, &s.mu.accounts, sc.accts[i].Address, sc.acctCalls[i], accountEntry{},
				fmt.Errorf("%w: loading from %T", ErrBackingPanic, backing), nil)
		}
	}()
	start := time.Now()
	err := br.ReadAccounts(sc.accts)
	ctr.loadNanos.Add(int64(time.Since(start)))
	var first error
	firstAt := 0
	for i := range sc.accts {
		r := &sc.accts[i]
		e, kerr := accountEntry{acct: r.Account, exists: r.Exists}, error(nil)
		if err != nil {
			// The batch failed: read its keys one by one, so that one bad
			// key fails alone, as with point reads.
			e, kerr = fetchAccount(backing, r.Address, r.Address)
			if kerr != nil {
				ctr.errors.Add(1)
				if first == nil {
					first, firstAt = fmt.Errorf("%w: account %s: %w", ErrWarm, r.Address, kerr), sc.at[i]
				}
			}
		}
		s := c.shardOf(c.hashAddr(&r.Address))
		publish(c, s, &s.mu.accounts, r.Address, sc.acctCalls[i], e, kerr, nil)
		finished = i + 1
	}
	clear(sc.acctCalls)
	return firstAt, first
}

// warmSlots is warmAccounts for a batch of slots.
func (c *Cache) warmSlots(backing state.Reader, br BatchReader, p *warmPlan, items []warmItem, ctr *counters, sc *warmScratch) (int, error) {
	sc.slots, sc.slotCalls, sc.at = sc.slots[:0], sc.slotCalls[:0], sc.at[:0]
	for i, it := range items {
		k := slotKey{addr: p.list.Accounts[it.acct].Address, slot: p.slots[it.slot]}
		s := c.shardOf(c.hashSlot(&k.addr, &k.slot))
		if cl := claim(c, s, &s.mu.slots, k, backing, ctr); cl != nil {
			sc.slots = append(sc.slots, SlotRead{Address: k.addr, Slot: k.slot})
			sc.slotCalls = append(sc.slotCalls, cl)
			sc.at = append(sc.at, i)
		}
	}
	if len(sc.slots) == 0 {
		return 0, nil
	}
	if !slices.IsSortedFunc(sc.slots, compareSlotReads) {
		sortTogether(sc.slots, sc.slotCalls, compareSlotReads)
	}
	finished := 0
	defer func() {
		for i := finished; i < len(sc.slots); i++ {
			r := &sc.slots[i]
			s := c.shardOf(c.hashSlot(&r.Address, &r.Slot))
			publish(c, s, &s.mu.slots, slotKey{addr: r.Address, slot: r.Slot}, sc.slotCalls[i], uint256.Int{},
				fmt.Errorf("%w: loading from %T", ErrBackingPanic, backing), storedSlot)
		}
	}()
	start := time.Now()
	err := br.ReadStorage(sc.slots)
	ctr.loadNanos.Add(int64(time.Since(start)))
	var first error
	firstAt := 0
	for i := range sc.slots {
		r := &sc.slots[i]
		k := slotKey{addr: r.Address, slot: r.Slot}
		v, kerr := r.Value, error(nil)
		if err != nil {
			v, kerr = fetchSlot(backing, r.Address, k)
			if kerr != nil {
				ctr.errors.Add(1)
				if first == nil {
					first, firstAt = fmt.Errorf("%w: storage %s slot %#x: %w", ErrWarm, r.Address, &r.Slot, kerr), sc.at[i]
				}
			}
		}
		s := c.shardOf(c.hashSlot(&r.Address, &r.Slot))
		publish(c, s, &s.mu.slots, k, sc.slotCalls[i], v, kerr, storedSlot)
		finished = i + 1
	}
	clear(sc.slotCalls)
	return firstAt, first
}

func compareSlotReads(a, b SlotRead) int {
	if c := bytes.Compare(a.Address[:], b.Address[:]); c != 0 {
		return c
	}
	return a.Slot.Cmp(&b.Slot)
}

// sortTogether sorts reads by cmp and permutes calls the same way.
func sortTogether[R any, C any](reads []R, calls []C, cmp func(a, b R) int) {
	idx := make([]int, len(reads))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp(reads[a], reads[b]) })
	r2, c2 := slices.Clone(reads), slices.Clone(calls)
	for i, j := range idx {
		reads[i], calls[i] = r2[j], c2[j]
	}
}
