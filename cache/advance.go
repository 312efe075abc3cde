package cache

import (
	"github.com/balexec/balexec/internal/invariants"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Advance moves the cache to the next block's pre-state: next is a reader of
// the state after the block whose account updates are given (the block's
// post-state, as state.BlockState.Updates or the executor's result gives
// them), and the cached entries are brought up to date from the updates
// instead of being dropped, so that an importing client keeps its hot set
// warm from block to block.
//
// For each update:
//   - a deleted account becomes a cached absence, and every non-zero slot of
//     it that is cached becomes zero;
//   - a wiped account's cached non-zero slots become zero before its writes
//     are applied;
//   - the slots written are stored with their new values (cached or not);
//   - the account is stored with its new nonce, balance and code hash when
//     its storage root is known: the update's Root (set by the state root's
//     computation), or without the trie, for unchanged storage of a cached
//     account or storage known to be empty (wiped or newly created, with
//     only zero writes). Otherwise its entry is dropped and the next read
//     loads it, with its new root, from next;
//   - new code is stored by hash (code by hash never changes).
//
// Keys that are not cached fall through to next, which already reflects the
// block: a slot of a deleted account that was never cached reads zero there,
// not the stale value of the old backing reader.
//
// Loads in flight when Advance runs finish for the callers waiting on them
// but store nothing. After the updates, shards holding more than their share
// of Options.MaxEntries or MaxCodeBytes drop arbitrary entries (Go's map
// iteration order) down to three quarters of it; a dropped entry is simply
// loaded again from next.
//
// Advance holds every shard's write lock while it runs, so reads that
// overlap it see all of the old or all of the new state. It panics if next
// is nil. updates are not retained, except code slices, which must not be
// modified afterwards.
func (c *Cache) Advance(next state.Reader, updates []state.AccountUpdate) {
	if next == nil {
		panic("cache: Advance with a nil reader")
	}
	// NB: always lock in index order, so that concurrent Advances (and
	// anything else that takes several shard locks) cannot deadlock.
	for i := range c.shards {
		c.shards[i].mu.Lock()
	}
	defer func() {
		for i := range c.shards {
			c.shards[i].mu.Unlock()
		}
	}()

	c.backing = next
	for i := range c.shards {
		m := &c.shards[i].mu
		clear(m.accounts.pending)
		clear(m.slots.pending)
		clear(m.codes.pending)
	}

	var wiped map[types.Address]struct{}
	for i := range updates {
		u := &updates[i]
		if (u.Deleted || u.Wiped) && c.mayHaveNonzero(&u.Address) {
			if wiped == nil {
				wiped = make(map[types.Address]struct{})
			}
			wiped[u.Address] = struct{}{}
		}
	}
	if wiped != nil {
		c.zeroSlots(wiped)
	}
	for i := range updates {
		c.applyUpdate(&updates[i])
	}
	if invariants.Enabled {
		c.checkAdvanced(updates)
	}
	for i := range c.shards {
		c.evict(&c.shards[i])
	}
}

// checkAdvanced verifies, in invariant builds, what Advance promises before
// eviction: every updated account is absent or holds its new fields, every
// written slot holds its new value, every other cached slot of a deleted or
// wiped account is zero, no load is pending, and the non-zero filter covers
// every cached non-zero slot.
// REQUIRES: all shard locks held.
func (c *Cache) checkAdvanced(updates []state.AccountUpdate) {
	cleared := make(map[types.Address]map[uint256.Int]bool)
	for i := range updates {
		u := &updates[i]
		e, cached := c.shardOf(c.hashAddr(&u.Address)).mu.accounts.values[u.Address]
		switch {
		case u.Deleted:
			if !cached || e.exists {
				invariants.AssertionFailedf("cache: deleted account %s is %+v after Advance (cached %v)", u.Address, e, cached)
			}
		case cached && (!e.exists || e.acct.Nonce != u.Nonce || e.acct.Balance != u.Balance || e.acct.CodeHash != u.CodeHash):
			invariants.AssertionFailedf("cache: account %s is %+v after Advance, update %+v", u.Address, e, u)
		}
		written := make(map[uint256.Int]bool, len(u.Storage))
		for _, w := range u.Storage {
			written[w.Key] = true
			v, ok := c.shardOf(c.hashSlot(&u.Address, &w.Key)).mu.slots.values[slotKey{addr: u.Address, slot: w.Key}]
			if !ok || v != w.Value {
				invariants.AssertionFailedf("cache: slot %s of %s is %s (cached %v) after Advance, written %s", w.Key.Hex(), u.Address, v.Hex(), ok, w.Value.Hex())
			}
		}
		if u.Deleted || u.Wiped {
			cleared[u.Address] = written
		}
	}
	for i := range c.shards {
		m := &c.shards[i].mu
		if len(m.accounts.pending)+len(m.slots.pending)+len(m.codes.pending) > 0 {
			invariants.AssertionFailedf("cache: shard %d has loads pending after Advance", i)
		}
		for k, v := range m.slots.values {
			if v.IsZero() {
				continue
			}
			if !c.mayHaveNonzero(&k.addr) {
				invariants.AssertionFailedf("cache: non-zero slot %s of %s outside the non-zero filter", k.slot.Hex(), k.addr)
			}
			if written, ok := cleared[k.addr]; ok && !written[k.slot] {
				invariants.AssertionFailedf("cache: slot %s of wiped account %s is still %s", k.slot.Hex(), k.addr, v.Hex())
			}
		}
	}
}

// zeroSlots sets every cached non-zero slot of the given accounts to zero
// and rebuilds the non-zero filter from what remains.
// REQUIRES: all shard locks held.
func (c *Cache) zeroSlots(wiped map[types.Address]struct{}) {
	for i := range c.nonzero {
		c.nonzero[i].Store(0)
	}
	for i := range c.shards {
		vals := c.shards[i].mu.slots.values
		for k, v := range vals {
			if v.IsZero() {
				continue
			}
			if _, ok := wiped[k.addr]; ok {
				vals[k] = uint256.Int{}
				continue
			}
			c.markNonzero(&k.addr)
		}
	}
}

// applyUpdate brings the entries of one account up to date.
// REQUIRES: all shard locks held.
func (c *Cache) applyUpdate(u *state.AccountUpdate) {
	s := c.shardOf(c.hashAddr(&u.Address))
	accounts := &s.mu.accounts
	if u.Deleted {
		accounts.put(u.Address, accountEntry{})
		return
	}
	allZero := true
	for i := range u.Storage {
		if !u.Storage[i].Value.IsZero() {
			allZero = false
			break
		}
	}
	old, cached := accounts.values[u.Address]
	var root types.Hash
	known := false
	switch {
	case u.Root != (types.Hash{}):
		// The state root's computation set it.
		root, known = u.Root, true
	case u.Wiped || (cached && !old.exists):
		// The storage starts empty: wiped now, or the account did not exist.
		root, known = types.EmptyRootHash, allZero
	case !cached:
		// Neither the old root nor the storage is known.
	case len(u.Storage) == 0:
		root, known = old.acct.Root, true
	case old.acct.Root == types.EmptyRootHash && allZero:
		root, known = types.EmptyRootHash, true
	}
	if known {
		accounts.put(u.Address, accountEntry{exists: true, acct: types.Account{
			Nonce: u.Nonce, Balance: u.Balance, Root: root, CodeHash: u.CodeHash,
		}})
	} else if cached {
		delete(accounts.values, u.Address)
	}

	for i := range u.Storage {
		w := &u.Storage[i]
		ss := c.shardOf(c.hashSlot(&u.Address, &w.Key))
		ss.mu.slots.put(slotKey{addr: u.Address, slot: w.Key}, w.Value)
		if !w.Value.IsZero() {
			c.markNonzero(&u.Address)
		}
	}

	if u.CodeHash != types.EmptyCodeHash && len(u.Code) > 0 {
		cs := c.shardOf(c.hashCode(&u.CodeHash))
		if _, ok := cs.mu.codes.values[u.CodeHash]; !ok {
			cs.mu.codes.put(u.CodeHash, u.Code)
			cs.mu.codeBytes += len(u.Code)
		}
	}
}

// evict trims a shard to three quarters of its budgets when it exceeds
// them, storage slots first (they are the bulk), then accounts.
// REQUIRES: s.mu held for writing.
func (c *Cache) evict(s *shard) {
	m := &s.mu
	if n := len(m.accounts.values) + len(m.slots.values); n > c.maxEntriesPerShard {
		target := c.maxEntriesPerShard * 3 / 4
		for k := range m.slots.values {
			if n <= target {
				break
			}
			delete(m.slots.values, k)
			n--
		}
		for k := range m.accounts.values {
			if n <= target {
				break
			}
			delete(m.accounts.values, k)
			n--
		}
	}
	if m.codeBytes > c.maxCodePerShard {
		target := c.maxCodePerShard * 3 / 4
		for k, v := range m.codes.values {
			if m.codeBytes <= target {
				break
			}
			delete(m.codes.values, k)
			m.codeBytes -= len(v)
		}
	}
}
