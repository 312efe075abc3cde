package cache

import (
	"errors"
	"sync"
	"testing"
	"unsafe"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

func TestPadding(t *testing.T) {
	for name, size := range map[string]uintptr{
		"shard":          unsafe.Sizeof(shard{}),
		"Worker":         unsafe.Sizeof(Worker{}),
		"paddedCounters": unsafe.Sizeof(paddedCounters{}),
	} {
		if size == 0 || size%cacheLineSize != 0 {
			t.Errorf("%s is %d bytes, not a multiple of %d", name, size, cacheLineSize)
		}
	}
	// The padding must not double a shard that fits in two lines.
	if got := unsafe.Sizeof(shard{}); got > 2*cacheLineSize {
		t.Errorf("shard is %d bytes", got)
	}
}

func TestDefaultShards(t *testing.T) {
	for _, tc := range []struct{ procs, want int }{
		{1, 16}, {2, 16}, {3, 32}, {4, 32}, {5, 64}, {8, 64}, {64, 512}, {512, 4096}, {100000, 4096},
	} {
		if got := defaultShards(tc.procs); got != tc.want {
			t.Errorf("defaultShards(%d) = %d, want %d", tc.procs, got, tc.want)
		}
	}
	c := New(state.NewMemory(), Options{Shards: 1})
	if c.Shards() != 1 {
		t.Fatal(c.Shards())
	}
	// With one shard the multiply-shift must select it for any hash.
	for _, h := range []uint64{0, 1, 1 << 63, ^uint64(0)} {
		if c.shardOf(h) != &c.shards[0] {
			t.Fatalf("hash %x", h)
		}
	}
}

// Every shard must be used by a spread of keys, for every shard count.
func TestShardSpread(t *testing.T) {
	for _, n := range []int{2, 16, 256} {
		c := New(state.NewMemory(), Options{Shards: n, Seed: 1})
		seen := make(map[*shard]int)
		for i := range 64 * n {
			a := addrN(i)
			seen[c.shardOf(c.hashAddr(&a))]++
		}
		if len(seen) != n {
			t.Fatalf("%d shards: %d used", n, len(seen))
		}
		for _, cnt := range seen {
			if cnt < 16 || cnt > 160 {
				t.Fatalf("%d shards: a shard got %d of %d keys", n, cnt, 64*n)
			}
		}
	}
	// Keys that differ only in their first byte (geth buckets on addr[0])
	// or only in the slot must spread too.
	c := New(state.NewMemory(), Options{Shards: 16, Seed: 2})
	seen := make(map[*shard]bool)
	for i := range 256 {
		var a types.Address
		a[0] = byte(i)
		seen[c.shardOf(c.hashAddr(&a))] = true
		slot := u256(uint64(i))
		seen[c.shardOf(c.hashSlot(&types.Address{}, &slot))] = true
	}
	if len(seen) != 16 {
		t.Fatalf("%d shards used", len(seen))
	}
}

func TestNewPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"nil backing":  func() { New(nil, Options{}) },
		"shards 3":     func() { New(state.NewMemory(), Options{Shards: 3}) },
		"negative":     func() { New(state.NewMemory(), Options{MaxEntries: -1}) },
		"nil advance":  func() { New(state.NewMemory(), Options{}).Advance(nil, nil) },
		"warm workers": func() { New(state.NewMemory(), Options{WarmWorkers: -2}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// Reads return what the backing reader returns, load each key once, and
// count hits and misses.
func TestReadThrough(t *testing.T) {
	mem, alloc := testState(8)
	back := newCounting(mem)
	for _, shards := range []int{1, 16} {
		back.calls, back.total = make(map[readKey]int), 0
		c := New(back, Options{Shards: shards})
		for round := range 3 {
			for i := range 10 { // 8 and 9 do not exist
				addr := addrN(i)
				acct, ok, err := c.Account(addr)
				wantAcct, wantOK, _ := mem.Account(addr)
				if err != nil || ok != wantOK || acct != wantAcct {
					t.Fatalf("account %d: %v %v %v", i, acct, ok, err)
				}
				for s := range 10 {
					v, err := c.Storage(addr, u256(uint64(s)))
					want, _ := mem.Storage(addr, u256(uint64(s)))
					if err != nil || v != want {
						t.Fatalf("slot %d/%d: %v %v, want %v", i, s, v, err, want)
					}
				}
				if ok {
					code, err := c.Code(addr, acct.CodeHash)
					if err != nil || string(code) != string(alloc[addr].Code) {
						t.Fatalf("code %d: %x %v", i, code, err)
					}
				}
			}
			// 10 accounts, 100 slots, 4 distinct non-empty codes.
			if back.totalCalls() != 114 {
				t.Fatalf("round %d: %d backing calls", round, back.totalCalls())
			}
		}
		st := c.Stats()
		if st.Misses != 114 || st.Waits != 0 || st.Errors != 0 || st.Reads() != 3*(10+100+8) {
			t.Fatalf("stats %+v", st)
		}
		if a, s, k := c.Len(); a != 10 || s != 100 || k != 4 {
			t.Fatalf("len %d %d %d", a, s, k)
		}
	}
}

// A Worker counts its own reads; the Cache counts only its own.
func TestWorkerStats(t *testing.T) {
	mem, _ := testState(4)
	c := New(mem, Options{})
	w1, w2 := c.NewWorker(), c.NewWorker()
	w1.Account(addrN(1))
	w1.Account(addrN(1))
	w2.Account(addrN(1))
	w2.Storage(addrN(2), u256(0))
	c.Storage(addrN(2), u256(0))
	if s := w1.Stats(); s.Misses != 1 || s.Hits != 1 || s.LoadTime <= 0 {
		t.Fatalf("w1 %+v", s)
	}
	if s := w2.Stats(); s.Misses != 1 || s.Hits != 1 {
		t.Fatalf("w2 %+v", s)
	}
	if s := c.Stats(); s.Misses != 0 || s.Hits != 1 {
		t.Fatalf("cache %+v", s)
	}
	if s := w1.Stats().Add(w2.Stats()).Add(c.Stats()); s.Reads() != 5 || s.Misses != 2 {
		t.Fatalf("sum %+v", s)
	}
	if code, err := w1.Code(addrN(0), types.EmptyCodeHash); code != nil || err != nil {
		t.Fatal(code, err)
	}
}

// PeekStorage answers a cached slot from the cache; otherwise it reads the
// backing reader every time and stores nothing (Advance will store the
// block's value). PeekAccount does the same for accounts. Its misses, hits, load time and errors are counted, in a
// Worker's statistics for a Worker's peeks, and a backing error comes back
// unchanged.
func TestPeekStorage(t *testing.T) {
	mem, _ := testState(4)
	back := newCounting(mem)
	c := New(back, Options{})
	key := readKey{kind: kindStorage, addr: addrN(2), slot: u256(1)}
	for i := range 3 {
		if v, err := c.PeekStorage(addrN(2), u256(1)); err != nil || v != u256(202) {
			t.Fatalf("peek %d: %v %v", i, v, err)
		}
	}
	if n := back.count(key); n != 3 {
		t.Fatalf("3 peeks of an uncached slot made %d backing calls", n)
	}
	if _, s, _ := c.Len(); s != 0 {
		t.Fatal("a peek stored its slot")
	}
	if st := c.Stats(); st.Misses != 3 || st.Hits != 0 || st.LoadTime <= 0 {
		t.Fatalf("stats after peeks %+v", st)
	}
	// Once a read has cached the slot, a peek hits.
	if v, err := c.Storage(addrN(2), u256(1)); err != nil || v != u256(202) {
		t.Fatal(v, err)
	}
	w := c.NewWorker()
	if v, err := w.PeekStorage(addrN(2), u256(1)); err != nil || v != u256(202) {
		t.Fatal(v, err)
	}
	if n := back.count(key); n != 4 {
		t.Fatalf("a peek of a cached slot reached the backing reader (%d calls)", n)
	}
	if st := w.Stats(); st.Hits != 1 || st.Misses != 0 {
		t.Fatalf("worker stats %+v", st)
	}
	// A missing slot peeks as zero.
	if v, err := w.PeekStorage(addrN(9), u256(5)); err != nil || !v.IsZero() {
		t.Fatal(v, err)
	}
	if st := w.Stats(); st.Misses != 1 {
		t.Fatalf("worker stats %+v", st)
	}
	// Accounts: the same.
	acctKey := readKey{kind: kindAccount, addr: addrN(1)}
	want, _, _ := mem.Account(addrN(1))
	for i := range 2 {
		if a, ok, err := c.PeekAccount(addrN(1)); err != nil || !ok || a != want {
			t.Fatalf("account peek %d: %+v %v %v", i, a, ok, err)
		}
	}
	if n := back.count(acctKey); n != 2 {
		t.Fatalf("2 peeks of an uncached account made %d backing calls", n)
	}
	if a, _, _ := c.Len(); a != 0 {
		t.Fatal("a peek stored its account")
	}
	if _, ok, err := w.PeekAccount(addrN(9)); ok || err != nil {
		t.Fatal("a missing account peeked as existing", err)
	}
	c.Account(addrN(1))
	if a, ok, err := w.PeekAccount(addrN(1)); err != nil || !ok || a != want || back.count(acctKey) != 3 {
		t.Fatalf("a peek of a cached account: %+v %v %v, %d backing calls", a, ok, err, back.count(acctKey))
	}
	back.hook = func(readKey) error { return errPoison }
	if _, _, err := c.PeekAccount(addrN(3)); err != errPoison {
		t.Fatalf("account error %v, want the backing reader's unchanged", err)
	}
	if _, err := c.PeekStorage(addrN(3), u256(1)); err != errPoison {
		t.Fatalf("error %v, want the backing reader's unchanged", err)
	}
	if st := c.Stats(); st.Errors != 2 {
		t.Fatalf("stats after two failed peeks %+v", st)
	}
}

// Errors are returned, not cached, and retried by the next read.
func TestErrorNotCached(t *testing.T) {
	mem, _ := testState(4)
	back := newCounting(mem)
	fail := true
	back.hook = func(readKey) error {
		if fail {
			return errPoison
		}
		return nil
	}
	c := New(back, Options{})
	if _, _, err := c.Account(addrN(1)); !errors.Is(err, errPoison) {
		t.Fatal(err)
	}
	if _, err := c.Storage(addrN(2), u256(1)); !errors.Is(err, errPoison) {
		t.Fatal(err)
	}
	acct, _, _ := mem.Account(addrN(3))
	if _, err := c.Code(addrN(3), acct.CodeHash); !errors.Is(err, errPoison) {
		t.Fatal(err)
	}
	if a, s, k := c.Len(); a+s+k != 0 {
		t.Fatal("an error was cached")
	}
	fail = false
	if got, ok, err := c.Account(addrN(1)); err != nil || !ok || got.Nonce != 1 {
		t.Fatal(got, ok, err)
	}
	if v, err := c.Storage(addrN(2), u256(1)); err != nil || v != u256(202) {
		t.Fatal(v, err)
	}
	if code, err := c.Code(addrN(3), acct.CodeHash); err != nil || len(code) != 2 {
		t.Fatal(code, err)
	}
	if back.totalCalls() != 6 {
		t.Fatalf("%d calls", back.totalCalls())
	}
	if st := c.Stats(); st.Errors != 3 || st.Misses != 6 {
		t.Fatalf("%+v", st)
	}
	// A missing code is an error of the backing reader, passed through.
	if _, err := c.Code(addrN(3), types.Hash{1}); !errors.Is(err, state.ErrMissingCode) {
		t.Fatal(err)
	}
}

// gate blocks the backing calls until released.
type gate struct {
	entered chan readKey
	release chan struct{}
}

func newGate() *gate { return &gate{entered: make(chan readKey, 1024), release: make(chan struct{})} }

func (g *gate) hook(k readKey) error {
	g.entered <- k
	<-g.release
	return nil
}

// N goroutines missing on one key make one backing call; they all get its
// value or its error, and an error is then retried.
func TestDedup(t *testing.T) {
	const n = 16
	mem, _ := testState(4)
	acct3, _, _ := mem.Account(addrN(3))
	reads := map[string]func(r state.Reader) (any, error){
		"account": func(r state.Reader) (any, error) { a, _, err := r.Account(addrN(3)); return a, err },
		"storage": func(r state.Reader) (any, error) { return r.Storage(addrN(3), u256(2)) },
		"code":    func(r state.Reader) (any, error) { return r.Code(addrN(3), acct3.CodeHash) },
	}
	for name, read := range reads {
		for _, failing := range []bool{false, true} {
			back := newCounting(mem)
			g := newGate()
			back.hook = func(k readKey) error {
				g.hook(k)
				if failing {
					return errPoison
				}
				return nil
			}
			c := New(back, Options{})
			want, _ := read(mem)
			var wg sync.WaitGroup
			results := make([]any, n)
			errs := make([]error, n)
			workers := make([]*Worker, n)
			for i := range n {
				workers[i] = c.NewWorker()
				wg.Go(func() { results[i], errs[i] = read(workers[i]) })
			}
			<-g.entered
			waitFor(t, "waiters", func() bool {
				var s Stats
				for _, w := range workers {
					s = s.Add(w.Stats())
				}
				return s.Waits == n-1
			})
			close(g.release)
			wg.Wait()
			if got := back.totalCalls(); got != 1 {
				t.Fatalf("%s failing=%v: %d backing calls", name, failing, got)
			}
			for i := range n {
				if failing {
					if !errors.Is(errs[i], errPoison) {
						t.Fatalf("%s: waiter %d: %v", name, i, errs[i])
					}
					continue
				}
				if errs[i] != nil || !equalValue(results[i], want) {
					t.Fatalf("%s: waiter %d: %v %v", name, i, results[i], errs[i])
				}
			}
			if failing {
				back.hook = nil
				if got, err := read(c); err != nil || !equalValue(got, want) {
					t.Fatalf("%s: retry %v %v", name, got, err)
				}
				if back.totalCalls() != 2 {
					t.Fatalf("%s: retry made %d calls", name, back.totalCalls())
				}
			}
		}
	}
}

func equalValue(a, b any) bool {
	if x, ok := a.([]byte); ok {
		return string(x) == string(b.([]byte))
	}
	return a == b
}

// A panicking backing reader releases the waiters with ErrBackingPanic and
// leaves the key loadable.
func TestPanicReleasesWaiters(t *testing.T) {
	mem, _ := testState(4)
	g := newGate()
	back := newCounting(mem)
	panicking := true
	back.hook = func(k readKey) error {
		g.hook(k)
		if panicking {
			panic("backing exploded")
		}
		return nil
	}
	c := New(back, Options{})
	loaderPanicked := make(chan any, 1)
	go func() {
		defer func() { loaderPanicked <- recover() }()
		c.Storage(addrN(2), u256(0))
	}()
	<-g.entered
	var waitErr error
	var wg sync.WaitGroup
	w := c.NewWorker()
	wg.Go(func() { _, waitErr = w.Storage(addrN(2), u256(0)) })
	waitFor(t, "waiter", func() bool { return w.Stats().Waits == 1 })
	close(g.release)
	wg.Wait()
	if r := <-loaderPanicked; r != "backing exploded" {
		t.Fatalf("loader recovered %v", r)
	}
	if !errors.Is(waitErr, ErrBackingPanic) {
		t.Fatalf("waiter got %v", waitErr)
	}
	if st := c.Stats(); st.Errors != 1 || st.Misses != 1 {
		t.Fatalf("%+v", st)
	}
	// The key is free again.
	panicking = false
	if v, err := c.Storage(addrN(2), u256(0)); err != nil || v != u256(201) {
		t.Fatal(v, err)
	}
	if back.totalCalls() != 2 {
		t.Fatal(back.totalCalls())
	}
}
