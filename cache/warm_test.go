package cache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// testList names accounts 0..n-1 and 500 (absent): account i writes its even
// slots below i+2 and reads its odd ones, so the list names slots that exist
// and slots that do not.
func testList(n int) *bal.BlockAccessList {
	l := &bal.BlockAccessList{}
	for _, i := range append(seq(n), 500) {
		a := bal.AccountAccess{Address: addrN(i)}
		for s := range i%(n+2) + 2 {
			if s%2 == 0 {
				a.StorageChanges = append(a.StorageChanges, bal.SlotChanges{
					Slot: u256(uint64(s)), Writes: []bal.StorageWrite{{Index: 1, Value: u256(1)}},
				})
			} else {
				a.StorageReads = append(a.StorageReads, u256(uint64(s)))
			}
		}
		l.Accounts = append(l.Accounts, a)
	}
	return l
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// listKeys returns every key a warm of l loads.
func listKeys(mem state.Reader, l *bal.BlockAccessList) []readKey {
	var keys []readKey
	for _, a := range l.Accounts {
		keys = append(keys, readKey{kind: kindAccount, addr: a.Address})
		if acct, ok, _ := mem.Account(a.Address); ok && acct.CodeHash != types.EmptyCodeHash {
			keys = append(keys, readKey{kind: kindCode, hash: acct.CodeHash})
		}
		for _, s := range a.StorageChanges {
			keys = append(keys, readKey{kind: kindStorage, addr: a.Address, slot: s.Slot})
		}
		for _, s := range a.StorageReads {
			keys = append(keys, readKey{kind: kindStorage, addr: a.Address, slot: s})
		}
	}
	return keys
}

func TestWarmPlan(t *testing.T) {
	l := &bal.BlockAccessList{Accounts: []bal.AccountAccess{
		{Address: addrN(1)},
		{Address: addrN(2),
			StorageChanges: []bal.SlotChanges{{Slot: u256(1)}, {Slot: u256(4)}, {Slot: u256(9)}},
			StorageReads:   []uint256.Int{u256(0), u256(4), u256(5), u256(10)}},
	}}
	p := newWarmPlan(l)
	want := []uint64{0, 1, 4, 5, 9, 10}
	if len(p.items) != 2+len(want)+2 || p.items[0] != (warmItem{warmAccount, 0, 0}) || p.items[1] != (warmItem{warmAccount, 1, 0}) {
		t.Fatalf("%+v", p.items)
	}
	for i, w := range want {
		it := p.items[2+i]
		if it.kind != warmSlot || it.acct != 1 || p.slots[it.slot].Uint64() != w {
			t.Fatalf("item %d: %+v slot %v, want %d", i, it, p.slots[it.slot], w)
		}
	}
	if p.items[8] != (warmItem{warmCode, 0, 0}) || p.items[9] != (warmItem{warmCode, 1, 0}) {
		t.Fatalf("code items %+v", p.items[8:])
	}
	if !slices.Equal(p.batches, []warmSpan{{0, 2}, {2, 8}, {8, 10}}) {
		t.Fatalf("batches %v", p.batches)
	}
	// Batches never mix kinds and hold at most warmBatch items.
	p = newWarmPlan(testList(100))
	next := int32(0)
	for _, b := range p.batches {
		if b.start != next || b.end-b.start > warmBatch || b.end <= b.start {
			t.Fatalf("batch %v after %d", b, next)
		}
		for _, it := range p.items[b.start:b.end] {
			if it.kind != p.items[b.start].kind {
				t.Fatalf("batch %v mixes kinds", b)
			}
		}
		next = b.end
	}
	if int(next) != len(p.items) {
		t.Fatalf("batches end at %d of %d items", next, len(p.items))
	}
	// The unsorted order is a permutation of each kind, the code following
	// the accounts.
	sorted := slices.Clone(p.items)
	p.shuffle(1)
	if slices.Equal(sorted, p.items) {
		t.Fatal("shuffle changed nothing")
	}
	for _, k := range []uint8{warmAccount, warmSlot, warmCode} {
		var a, b []warmItem
		for i := range sorted {
			if sorted[i].kind == k {
				a = append(a, sorted[i])
			}
			if p.items[i].kind == k {
				b = append(b, p.items[i])
			}
		}
		cmp := func(x, y warmItem) int { return int(x.acct-y.acct)*1<<20 + int(x.slot-y.slot) }
		slices.SortFunc(b, cmp)
		if !slices.Equal(a, b) {
			t.Fatalf("kind %d: shuffled items are not a permutation", k)
		}
	}
	for i := 0; i < 101; i++ {
		if p.items[len(p.items)-101+i].acct != p.items[i].acct {
			t.Fatalf("code item %d does not follow the accounts' order", i)
		}
	}
}

// warmBackings are the two ways Warm reads: point reads, and batched reads
// when the backing reader is a BatchReader.
var warmBackings = []struct {
	name string
	wrap func(*countingReader) state.Reader
}{
	{"point", func(r *countingReader) state.Reader { return r }},
	{"batched", func(r *countingReader) state.Reader { return &batchingReader{countingReader: r} }},
}

// Warm loads every key the list names exactly once, on any number of
// goroutines, and execution reads then all hit.
func TestWarm(t *testing.T) {
	mem, _ := testState(40)
	l := testList(40)
	keys := listKeys(mem, l)
	for _, bk := range warmBackings {
		for _, mode := range []WarmMode{WarmBatched, WarmSorted, WarmUnsorted} {
			for _, workers := range []int{1, 2, 7} {
				t.Run(fmt.Sprintf("%s/%s/workers=%d", bk.name, mode, workers), func(t *testing.T) {
					testWarm(t, mem, l, keys, bk.wrap, mode, workers)
				})
			}
		}
	}
	// Off: nothing is read.
	back := newCounting(mem)
	c := New(back, Options{Warm: WarmOff})
	if err := c.Warm(context.Background(), l); err != nil || back.totalCalls() != 0 {
		t.Fatalf("warm off: %v, %d reads", err, back.totalCalls())
	}
}

func testWarm(t *testing.T, mem state.Reader, l *bal.BlockAccessList, keys []readKey, wrap func(*countingReader) state.Reader, mode WarmMode, workers int) {
	{
		back := newCounting(mem)
		backing := wrap(back)
		c := New(backing, Options{WarmWorkers: workers, Warm: mode})
		if err := c.Warm(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if back.totalCalls() != len(keys) {
			t.Fatalf("workers %d: %d backing calls for %d keys", workers, back.totalCalls(), len(keys))
		}
		for _, k := range keys {
			if back.count(k) != 1 {
				t.Fatalf("key %+v loaded %d times", k, back.count(k))
			}
		}
		// Every load is a miss. With one goroutine nothing else is counted;
		// with more, a code batch can read its account (waiting for or
		// loading it) before the account batch reaches it, which then
		// counts a hit or a wait.
		ws := c.WarmStats()
		if ws.Misses != uint64(len(keys)) || ws.Errors != 0 {
			t.Fatalf("warm stats %+v", ws)
		}
		if workers == 1 && ws.Hits+ws.Waits != 0 {
			t.Fatalf("one goroutine: warm stats %+v", ws)
		}
		w := c.NewWorker()
		for _, k := range keys {
			switch k.kind {
			case kindAccount:
				got, ok, err := w.Account(k.addr)
				want, wantOK, _ := mem.Account(k.addr)
				if got != want || ok != wantOK || err != nil {
					t.Fatal(k)
				}
			case kindStorage:
				got, err := w.Storage(k.addr, k.slot)
				want, _ := mem.Storage(k.addr, k.slot)
				if got != want || err != nil {
					t.Fatal(k)
				}
			case kindCode:
				if _, err := w.Code(k.addr, k.hash); err != nil {
					t.Fatal(err)
				}
			}
		}
		if s := w.Stats(); s.Hits != uint64(len(keys)) || s.Misses != 0 {
			t.Fatalf("after warm: %+v", s)
		}
		// A second warm is all hits.
		if err := c.Warm(context.Background(), l); err != nil || back.totalCalls() != len(keys) {
			t.Fatal(err, back.totalCalls())
		}
		// Batched: one call per batch of accounts or slots, point reads
		// for code only.
		br, batched := backing.(*batchingReader)
		p := newWarmPlan(l)
		nb := 0
		for _, b := range p.batches {
			if p.items[b.start].kind != warmCode {
				nb++
			}
		}
		switch got := br.batchCalls(); {
		case batched && mode == WarmBatched && got != nb:
			t.Fatalf("%d batched calls for %d batches", got, nb)
		case (!batched || mode != WarmBatched) && got != 0:
			t.Fatalf("%d batched calls in mode %s", got, mode)
		}
	}
}

// Readers racing the warmer (and two warms racing each other) never load a
// key twice.
func TestWarmWithReaders(t *testing.T) {
	mem, _ := testState(60)
	l := testList(60)
	keys := listKeys(mem, l)
	for round := range 10 {
		seed := uint64(round)
		t.Logf("seed: %d", seed)
		back := newCounting(mem)
		bk := warmBackings[round%2]
		c := New(bk.wrap(back), Options{WarmWorkers: 3, Shards: 4 << (round / 2)})
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if err := c.Warm(context.Background(), l); err != nil {
					t.Error(err)
				}
			})
		}
		for r := range 4 {
			w := c.NewWorker()
			order := rand.New(rand.NewPCG(seed, uint64(r))).Perm(len(keys))
			wg.Go(func() {
				for _, i := range order {
					k := keys[i]
					switch k.kind {
					case kindAccount:
						w.Account(k.addr)
					case kindStorage:
						w.Storage(k.addr, k.slot)
					case kindCode:
						w.Code(k.addr, k.hash)
					}
				}
			})
		}
		wg.Wait()
		if k, n := back.maxPerKey(); n != 1 {
			t.Fatalf("key %+v loaded %d times", k, n)
		}
		if back.totalCalls() != len(keys) {
			t.Fatalf("%d calls for %d keys", back.totalCalls(), len(keys))
		}
	}
}

// Cancelling a warm stops it, joins its goroutines and returns ctx's error,
// also while a warm goroutine waits for a reader's load.
func TestWarmCancel(t *testing.T) {
	mem, _ := testState(40)
	l := testList(40)
	baseline := runtime.NumGoroutine()

	for _, bk := range warmBackings {
		g := newGate()
		back := newCounting(mem)
		back.hook = g.hook
		c := New(bk.wrap(back), Options{WarmWorkers: 4})
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan error, 1)
		go func() { res <- c.Warm(ctx, l) }()
		<-g.entered
		cancel()
		close(g.release)
		if err := <-res; !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: Warm returned %v", bk.name, err)
		}
		// At most the call each goroutine had in flight: one key, or one
		// batch.
		limit := 4
		if bk.name == "batched" {
			limit *= warmBatch
		}
		if n := back.totalCalls(); n > limit {
			t.Fatalf("%s: %d loads after cancellation", bk.name, n)
		}
		checkNoLeak(t, baseline)
	}

	// The warmer does not wait for a key a reader is loading.
	g := newGate()
	back := newCounting(mem)
	back.hook = func(k readKey) error {
		if k.kind == kindAccount && k.addr == addrN(0) {
			return g.hook(k)
		}
		return nil
	}
	c := New(&batchingReader{countingReader: back}, Options{WarmWorkers: 1})
	readerDone := make(chan struct{})
	go func() {
		c.Account(addrN(0))
		close(readerDone)
	}()
	<-g.entered
	if err := c.Warm(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	select {
	case <-readerDone:
		t.Fatal("the reader's load finished before release")
	default:
	}
	// Only account 0 is skipped (it has no code: testState gives code to
	// odd accounts).
	if ws := c.WarmStats(); ws.Waits != 1 || ws.Misses != uint64(len(listKeys(mem, l))-1) {
		t.Fatalf("warm stats %+v, keys %d", ws, len(listKeys(mem, l)))
	}
	close(g.release)
	<-readerDone
	if back.count(readKey{kind: kindAccount, addr: addrN(0)}) != 1 {
		t.Fatal("account 0 loaded twice")
	}
	checkNoLeak(t, baseline)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	// An already cancelled context.
	if err := c.Warm(ctx, l); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := c.Warm(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := c.Warm(context.Background(), &bal.BlockAccessList{}); err != nil {
		t.Fatal(err)
	}
}

// Backing errors do not stop the warm; the first in the plan's order is
// returned, and every other key is cached, with point and batched reads.
func TestWarmError(t *testing.T) {
	mem, _ := testState(40)
	l := testList(40)
	for _, bk := range warmBackings {
		for _, workers := range []int{1, 4} {
			back := newCounting(poisonReader{mem})
			c := New(bk.wrap(back), Options{WarmWorkers: workers})
			err := c.Warm(context.Background(), l)
			if !errors.Is(err, ErrWarm) || !errors.Is(err, errPoison) {
				t.Fatalf("%s: Warm returned %v", bk.name, err)
			}
			// The accounts come first, and account 34's address ends in
			// 0xee: poisoned.
			if !strings.Contains(err.Error(), "account "+addrN(34).String()) {
				t.Fatalf("%s: not the first failure: %v", bk.name, err)
			}
			// Everything else is cached.
			w := c.NewWorker()
			for _, k := range listKeys(mem, l) {
				switch {
				case k.kind == kindStorage && !poisoned(k.addr, &k.slot):
					w.Storage(k.addr, k.slot)
				case k.kind == kindAccount && !poisoned(k.addr, nil):
					w.Account(k.addr)
				}
			}
			if s := w.Stats(); s.Misses != 0 {
				t.Fatalf("%s: %+v", bk.name, s)
			}
		}
	}
}

// A panicking backing reader fails the warm instead of crashing it.
func TestWarmPanic(t *testing.T) {
	mem, _ := testState(10)
	baseline := runtime.NumGoroutine()
	back := newCounting(mem)
	back.hook = func(k readKey) error {
		if k.kind == kindStorage && k.slot.Uint64() == 3 {
			panic("boom")
		}
		return nil
	}
	for _, bk := range warmBackings {
		c := New(bk.wrap(back), Options{WarmWorkers: 2})
		err := c.Warm(context.Background(), testList(10))
		if !errors.Is(err, ErrBackingPanic) || !strings.Contains(err.Error(), "boom") {
			t.Fatalf("%s: Warm returned %v", bk.name, err)
		}
		// The keys of the panicking batch are released: a reader loads
		// them (and panics too), it does not hang.
		func() {
			defer func() { _ = recover() }()
			c.Storage(addrN(3), u256(3))
		}()
		checkNoLeak(t, baseline)
	}
}
