package cache

import (
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// blockUpdates is a block's post-state updates over testState(6).
func blockUpdates() []state.AccountUpdate {
	code := []byte{0x60, 0x42}
	return []state.AccountUpdate{
		// 0 had no storage and gets a slot: its root is no longer empty.
		{Address: addrN(0), Nonce: 0, Balance: u256(1000), CodeHash: types.EmptyCodeHash,
			Storage: []state.SlotUpdate{{Key: u256(9), Value: u256(5)}}},
		// 1 self-destructs (it had slot 0 = 101).
		{Address: addrN(1), Deleted: true},
		// 2 is deleted and recreated with one slot: its old slots are gone.
		{Address: addrN(2), Wiped: true, Nonce: 1, Balance: u256(5), CodeHash: types.EmptyCodeHash,
			Storage: []state.SlotUpdate{{Key: u256(5), Value: u256(7)}}},
		// 3 only changes balance: its storage root is unchanged.
		{Address: addrN(3), Nonce: 3, Balance: u256(1), CodeHash: types.Keccak256One([]byte{0x60, 3})},
		// 4 clears slot 0 and sets slot 1: its root is unknown.
		{Address: addrN(4), Nonce: 4, Balance: u256(1004), CodeHash: types.EmptyCodeHash,
			Storage: []state.SlotUpdate{{Key: u256(0), Value: u256(0)}, {Key: u256(1), Value: u256(999)}}},
		// 5 is wiped and written only with zero: its storage is empty.
		{Address: addrN(5), Wiped: true, Nonce: 9, Balance: u256(9), CodeHash: types.EmptyCodeHash,
			Storage: []state.SlotUpdate{{Key: u256(3), Value: u256(0)}}},
		// 100 is created with code.
		{Address: addrN(100), Nonce: 1, CodeHash: types.Keccak256One(code), Code: code},
	}
}

func postState(updates []state.AccountUpdate) *state.Memory {
	mem, _ := testState(6)
	mem.Apply(updates)
	return mem
}

// Advance brings cached entries up to date without reading, and what it
// cannot know (or never cached) reads from the new backing reader, never
// from the stale old one.
func TestAdvance(t *testing.T) {
	for _, shards := range []int{1, 2, 16} {
		pre, _ := testState(6)
		c := New(pre, Options{Shards: shards})
		// Cache every account and slots 0..1 (so slots 2.. of 5 stay
		// uncached).
		for _, i := range []int{0, 1, 2, 3, 4, 5, 100} {
			c.Account(addrN(i))
			for s := range 2 {
				c.Storage(addrN(i), u256(uint64(s)))
			}
		}
		updates := blockUpdates()
		post := postState(updates)
		back := newCounting(post)
		c.Advance(back, updates)

		// No read of these goes to the backing reader.
		for _, i := range []int{1, 3, 5, 100} {
			got, ok, err := c.Account(addrN(i))
			want, wantOK, _ := post.Account(addrN(i))
			if err != nil || ok != wantOK || got != want {
				t.Fatalf("shards %d: account %d: %+v %v %v, want %+v %v", shards, i, got, ok, err, want, wantOK)
			}
		}
		for _, k := range []struct{ a, s int }{{1, 0}, {2, 0}, {2, 1}, {2, 5}, {4, 0}, {4, 1}, {5, 0}, {5, 3}, {3, 1}} {
			got, err := c.Storage(addrN(k.a), u256(uint64(k.s)))
			want, _ := post.Storage(addrN(k.a), u256(uint64(k.s)))
			if err != nil || got != want {
				t.Fatalf("shards %d: slot %v: %v %v, want %v", shards, k, got, err, want)
			}
		}
		acct100, _, _ := c.Account(addrN(100))
		if code, err := c.Code(addrN(100), acct100.CodeHash); err != nil || string(code) != "\x60\x42" {
			t.Fatal(code, err)
		}
		if n := back.totalCalls(); n != 0 {
			t.Fatalf("shards %d: %d backing calls for entries Advance knew", shards, n)
		}

		// These read the new backing reader: accounts whose storage root
		// changed, and slots never cached (slot 4 of 5 is 504 in the stale
		// pre-state, zero after the wipe).
		for _, i := range []int{0, 2, 4} {
			got, ok, err := c.Account(addrN(i))
			want, wantOK, _ := post.Account(addrN(i))
			if err != nil || ok != wantOK || got != want {
				t.Fatalf("account %d: %+v, want %+v", i, got, want)
			}
			if back.count(readKey{kind: kindAccount, addr: addrN(i)}) != 1 {
				t.Fatalf("account %d not reloaded", i)
			}
		}
		if v, err := c.Storage(addrN(5), u256(4)); err != nil || !v.IsZero() {
			t.Fatalf("uncached slot of a wiped account: %v %v", v, err)
		}
		if v, _ := pre.Storage(addrN(5), u256(4)); v.IsZero() {
			t.Fatal("test is vacuous: the stale value is zero")
		}
		if back.totalCalls() != 4 {
			t.Fatalf("%d backing calls", back.totalCalls())
		}
	}
}

// With the storage roots the state root's computation sets on the updates,
// Advance stores every updated account, cached before or not, changed
// storage or not, and no read of one reaches the backing reader.
func TestAdvanceWithRoots(t *testing.T) {
	pre, _ := testState(6)
	c := New(pre, Options{})
	c.Account(addrN(4)) // one cached, the others not
	updates := blockUpdates()
	post := postState(updates)
	for i := range updates {
		if !updates[i].Deleted {
			a, _, _ := post.Account(updates[i].Address)
			updates[i].Root = a.Root
		}
	}
	back := newCounting(post)
	c.Advance(back, updates)
	for _, i := range []int{0, 1, 2, 3, 4, 5, 100} {
		got, ok, err := c.Account(addrN(i))
		want, wantOK, _ := post.Account(addrN(i))
		if err != nil || ok != wantOK || got != want {
			t.Fatalf("account %d: %+v %v %v, want %+v %v", i, got, ok, err, want, wantOK)
		}
	}
	if n := back.totalCalls(); n != 0 {
		t.Fatalf("%d backing calls for accounts whose roots the updates carried", n)
	}
}

// The non-zero filter lets Advance skip the slot scan for deleted accounts
// with no cached non-zero slot, and the scan finds every one that has.
func TestAdvanceFilter(t *testing.T) {
	pre, _ := testState(6)
	c := New(pre, Options{Shards: 4})
	for s := range 4 {
		c.Storage(addrN(4), u256(uint64(s)))
		c.Storage(addrN(3), u256(uint64(s)))
	}
	c.Storage(addrN(1), u256(7)) // zero: no mark
	for i := range c.shards {
		c.shards[i].mu.Lock()
	}
	if !c.mayHaveNonzero(ap(4)) || !c.mayHaveNonzero(ap(3)) {
		t.Fatal("filter misses an address with non-zero slots")
	}
	none := 0
	for i := 200; i < 300; i++ {
		if !c.mayHaveNonzero(ap(i)) {
			none++
		}
	}
	for i := range c.shards {
		c.shards[i].mu.Unlock()
	}
	if none < 95 {
		t.Fatalf("filter: %d of 100 unrelated addresses pass", 100-none)
	}
	up := []state.AccountUpdate{{Address: addrN(4), Deleted: true}}
	c.Advance(postOf(pre, up), up)
	for s := range 4 {
		if v, _ := c.Storage(addrN(4), u256(uint64(s))); !v.IsZero() {
			t.Fatalf("slot %d of a deleted account: %v", s, v)
		}
		want := u256(uint64(300 + s + 1))
		if s == 3 {
			want = u256(0) // 3 has slots 0..2
		}
		if v, _ := c.Storage(addrN(3), u256(uint64(s))); v != want {
			t.Fatalf("slot %d of 3: %v", s, v)
		}
	}
	// The rebuilt filter still covers 3 and no longer 4.
	for i := range c.shards {
		c.shards[i].mu.Lock()
	}
	has3, has4 := c.mayHaveNonzero(ap(3)), c.mayHaveNonzero(ap(4))
	for i := range c.shards {
		c.shards[i].mu.Unlock()
	}
	if !has3 || has4 {
		t.Fatalf("rebuilt filter: 3 %v, 4 %v", has3, has4)
	}
}

func postOf(pre *state.Memory, updates []state.AccountUpdate) *state.Memory {
	post, _ := testState(pre.Len())
	post.Apply(updates)
	return post
}

// A load in flight during Advance finishes for its caller but stores
// nothing, and the next read goes to the new reader.
func TestAdvanceInFlight(t *testing.T) {
	pre, _ := testState(6)
	g := newGate()
	old := newCounting(pre)
	old.hook = g.hook
	c := New(old, Options{})
	got := make(chan uint64, 1)
	go func() {
		v, _ := c.Storage(addrN(2), u256(0))
		got <- v.Uint64()
	}()
	<-g.entered
	updates := blockUpdates()
	post := newCounting(postState(updates))
	c.Advance(post, updates) // must not wait for the load
	close(g.release)
	if v := <-got; v != 201 {
		t.Fatalf("in-flight load returned %d", v)
	}
	// Only the five slots the updates wrote are cached, not the stale one.
	if _, s, _ := c.Len(); s != 5 {
		t.Fatalf("%d slots cached", s)
	}
	k := slotKey{addr: addrN(2), slot: u256(0)}
	sh := c.shardOf(c.hashSlot(&k.addr, &k.slot))
	sh.mu.RLock()
	_, stale := sh.mu.slots.values[k]
	sh.mu.RUnlock()
	if stale {
		t.Fatal("the in-flight load stored its stale value")
	}
	if v, err := c.Storage(addrN(2), u256(0)); err != nil || !v.IsZero() {
		t.Fatalf("after Advance: %v %v", v, err)
	}
	if post.totalCalls() != 1 || old.totalCalls() != 1 {
		t.Fatalf("calls: old %d new %d", old.totalCalls(), post.totalCalls())
	}
}

// Advance trims shards over budget, and what it drops reads again
// correctly.
func TestEviction(t *testing.T) {
	mem, _ := testState(40)
	c := New(mem, Options{Shards: 2, MaxEntries: 64, MaxCodeBytes: 8})
	for i := range 40 {
		a, _, _ := c.Account(addrN(i))
		c.Code(addrN(i), a.CodeHash)
		for s := range i {
			c.Storage(addrN(i), u256(uint64(s)))
		}
	}
	if a, s, _ := c.Len(); a+s != 40+780 {
		t.Fatalf("evicted during a block: %d", a+s)
	}
	c.Advance(mem, nil)
	a, s, k := c.Len()
	if a+s > 2*24 || a+s < 2 {
		t.Fatalf("%d entries after eviction", a+s)
	}
	if k > 2 {
		t.Fatalf("%d codes after eviction", k)
	}
	for i := range 40 {
		got, _, _ := c.Account(addrN(i))
		want, _, _ := mem.Account(addrN(i))
		if got != want {
			t.Fatal(i)
		}
		for s := range i {
			v, _ := c.Storage(addrN(i), u256(uint64(s)))
			if v != u256(uint64(100*i+s+1)) {
				t.Fatal(i, s)
			}
		}
	}
}

func ap(i int) *types.Address {
	a := addrN(i)
	return &a
}

// A slot that Advance wrote (never read, so never marked by a load) is
// found by the wipe of a later Advance.
func TestAdvanceWriteThenDelete(t *testing.T) {
	mem0, _ := testState(3)
	c := New(mem0, Options{Shards: 4})
	b1 := []state.AccountUpdate{{Address: addrN(2), Nonce: 2, Balance: u256(3), CodeHash: types.EmptyCodeHash,
		Storage: []state.SlotUpdate{{Key: u256(7), Value: u256(70)}}}}
	mem1, _ := testState(3)
	mem1.Apply(b1)
	c.Advance(mem1, b1)
	if v, _ := c.Storage(addrN(2), u256(7)); v != u256(70) {
		t.Fatal(v)
	}
	b2 := []state.AccountUpdate{{Address: addrN(2), Deleted: true}}
	mem2, _ := testState(3)
	mem2.Apply(b1)
	mem2.Apply(b2)
	c.Advance(mem2, b2)
	if v, _ := c.Storage(addrN(2), u256(7)); !v.IsZero() {
		t.Fatalf("slot of a deleted account: %v", v)
	}
	if _, ok, _ := c.Account(addrN(2)); ok {
		t.Fatal("deleted account exists")
	}
}
