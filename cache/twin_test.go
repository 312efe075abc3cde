package cache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// twin is the slow reference of Cache: one map per kind behind one mutex,
// no sharding, loads made under the mutex, and Advance that forgets
// everything and reads the new state from scratch.
type twin struct {
	mu       sync.Mutex
	backing  state.Reader
	accounts map[types.Address]accountEntry
	slots    map[slotKey]uint256.Int
	codes    map[types.Hash][]byte
}

func newTwin(backing state.Reader) *twin {
	t := &twin{backing: backing}
	t.reset()
	return t
}

func (t *twin) reset() {
	t.accounts = make(map[types.Address]accountEntry)
	t.slots = make(map[slotKey]uint256.Int)
	t.codes = make(map[types.Hash][]byte)
}

func (t *twin) Account(addr types.Address) (types.Account, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.accounts[addr]; ok {
		return e.acct, e.exists, nil
	}
	a, ok, err := t.backing.Account(addr)
	if err == nil {
		t.accounts[addr] = accountEntry{acct: a, exists: ok}
	}
	return a, ok, err
}

func (t *twin) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := slotKey{addr, slot}
	if v, ok := t.slots[k]; ok {
		return v, nil
	}
	v, err := t.backing.Storage(addr, slot)
	if err == nil {
		t.slots[k] = v
	}
	return v, err
}

func (t *twin) Code(addr types.Address, h types.Hash) ([]byte, error) {
	if h == types.EmptyCodeHash {
		return nil, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.codes[h]; ok {
		return v, nil
	}
	v, err := t.backing.Code(addr, h)
	if err == nil {
		t.codes[h] = v
	}
	return v, err
}

func (t *twin) Advance(next state.Reader, _ []state.AccountUpdate) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.backing = next
	t.reset()
}

// Warm reads every key of the list, in order, ignoring errors.
func (t *twin) Warm(ctx context.Context, l *bal.BlockAccessList) error {
	for _, a := range l.Accounts {
		if acct, ok, err := t.Account(a.Address); err == nil && ok {
			t.Code(a.Address, acct.CodeHash)
		}
		for _, s := range a.StorageChanges {
			t.Storage(a.Address, s.Slot)
		}
		for _, s := range a.StorageReads {
			t.Storage(a.Address, s)
		}
	}
	return ctx.Err()
}

// ---------------------------------------------------------------------------
// The differential world: a few addresses (one whose account reads are
// poisoned), 20 slots (slot 13 poisoned), a pool of codes and a hash no
// reader knows.

const (
	worldAddrs = 8
	worldSlots = 20
)

var poisonAddr = addrN(34) // addrN(34)[19] == 0xee

func worldAddr(i int) types.Address {
	if i == worldAddrs {
		return poisonAddr
	}
	return addrN(i)
}

var worldCodes = [][]byte{{0x60, 0x00}, {0x60, 0x01, 0x00}, {0x5b}}

func worldCodeHash(i int) types.Hash {
	switch {
	case i < len(worldCodes):
		return types.Keccak256One(worldCodes[i])
	case i == len(worldCodes):
		return types.EmptyCodeHash
	default:
		return types.Hash{0xde, 0xad}
	}
}

// source draws choices from fuzz bytes, then zeros.
type source struct{ b []byte }

func (s *source) byte() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *source) intn(n int) int { return int(s.byte()) % n }

func (s *source) u256() uint256.Int {
	if s.intn(3) == 0 {
		return uint256.Int{}
	}
	return u256(uint64(s.byte()) + 1)
}

func genAlloc(src *source) chainspec.Alloc {
	alloc := make(chainspec.Alloc)
	for i := range worldAddrs + 1 {
		if src.intn(4) == 0 {
			continue
		}
		g := chainspec.GenesisAccount{Nonce: uint64(src.byte()), Balance: src.u256()}
		if c := src.intn(len(worldCodes) + 1); c < len(worldCodes) {
			g.Code = worldCodes[c]
		}
		// Storage density varies, so that empty storage (the empty root)
		// is common and writes can empty a storage.
		density := src.intn(3)
		for s := range worldSlots {
			if density > 0 && src.intn(2*density+2) == 0 {
				if g.Storage == nil {
					g.Storage = make(map[uint256.Int]uint256.Int)
				}
				g.Storage[u256(uint64(s))] = u256(uint64(src.byte()) + 1)
			}
		}
		alloc[worldAddr(i)] = g
	}
	return alloc
}

// genUpdates draws a block's updates. They never write a poisoned key: the
// cache would then know its value while the backing reader keeps failing,
// a disagreement no real reader has.
func genUpdates(src *source) []state.AccountUpdate {
	var out []state.AccountUpdate
	for i := range worldAddrs {
		if src.intn(3) != 0 {
			continue
		}
		u := state.AccountUpdate{Address: worldAddr(i)}
		switch r := src.intn(10); {
		case r < 2:
			u.Deleted = true
			out = append(out, u)
			continue
		case r < 4:
			u.Wiped = true
		}
		u.Nonce, u.Balance = uint64(src.byte()), src.u256()
		c := src.intn(len(worldCodes) + 1)
		u.CodeHash = worldCodeHash(c)
		if c < len(worldCodes) {
			u.Code = worldCodes[c]
		}
		for s := range worldSlots {
			slot := u256(uint64(s))
			if src.intn(4) == 0 && !poisoned(u.Address, &slot) {
				u.Storage = append(u.Storage, state.SlotUpdate{Key: u256(uint64(s)), Value: src.u256()})
			}
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	return out
}

func genList(src *source) *bal.BlockAccessList {
	l := &bal.BlockAccessList{}
	var addrs []types.Address
	for i := range worldAddrs + 1 {
		if src.intn(2) == 0 {
			addrs = append(addrs, worldAddr(i))
		}
	}
	slices.SortFunc(addrs, func(a, b types.Address) int { return a.Compare(&b) })
	for _, a := range addrs {
		acc := bal.AccountAccess{Address: a}
		for s := range worldSlots {
			switch src.intn(5) {
			case 0:
				acc.StorageChanges = append(acc.StorageChanges, bal.SlotChanges{
					Slot: u256(uint64(s)), Writes: []bal.StorageWrite{{Index: 1, Value: u256(9)}}})
			case 1:
				acc.StorageReads = append(acc.StorageReads, u256(uint64(s)))
			}
		}
		l.Accounts = append(l.Accounts, acc)
	}
	return l
}

// op is one read (or warm) of a goroutine's program.
type op struct {
	kind   int // 0 account, 1 storage, 2 code, 3 warm, 4 warm with a cancelled context
	addr   types.Address
	slot   uint256.Int
	hash   types.Hash
	list   *bal.BlockAccessList
	worker bool // through a Worker rather than the Cache
}

func genOps(src *source, n int) []op {
	ops := make([]op, n)
	for i := range ops {
		o := &ops[i]
		o.kind = src.intn(12)
		if o.kind > 4 {
			o.kind %= 3 // reads are most of the program
		}
		o.addr = worldAddr(src.intn(worldAddrs + 2)) // includes one never in any state
		if src.intn(worldAddrs+2) == worldAddrs+1 {
			o.addr = addrN(999)
		}
		o.slot = u256(uint64(src.intn(worldSlots + 2)))
		o.hash = worldCodeHash(src.intn(len(worldCodes) + 2))
		o.worker = src.intn(2) == 0
		if o.kind >= 3 {
			o.list = genList(src)
		}
	}
	return ops
}

// result is what a read returned, in comparable form.
type result struct {
	acct   types.Account
	exists bool
	word   uint256.Int
	code   string
	err    string // the error class, not its text
}

func classify(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errPoison):
		return "poison"
	case errors.Is(err, state.ErrMissingCode):
		return "missing code"
	default:
		return "other: " + err.Error()
	}
}

func doOp(r state.Reader, o *op) result {
	switch o.kind {
	case 0:
		a, ok, err := r.Account(o.addr)
		return result{acct: a, exists: ok, err: classify(err)}
	case 1:
		v, err := r.Storage(o.addr, o.slot)
		return result{word: v, err: classify(err)}
	default:
		c, err := r.Code(o.addr, o.hash)
		return result{code: string(c), err: classify(err)}
	}
}

// eraBacking returns the reader of the state after the first k update
// batches: a fresh Memory per era, so that no reader is mutated while in
// use.
func eraBacking(alloc chainspec.Alloc, batches [][]state.AccountUpdate) (*state.Memory, state.Reader) {
	mem := alloc.Memory()
	for _, b := range batches {
		mem.Apply(b)
	}
	return mem, poisonReader{mem}
}

// differential runs a program drawn from data on a Cache and on the twin:
// several eras separated by Advance, each with several goroutines reading
// and warming concurrently, every read compared with the twin's. It also
// checks that within an era no successfully loaded key reached the backing
// reader twice.
func differential(t *testing.T, data []byte) {
	src := &source{b: data}
	shards := []int{1, 2, 4, 64}[src.intn(4)]
	eras := 1 + src.intn(8)
	goroutines := 2 + src.intn(3)
	alloc := genAlloc(src)
	var batches [][]state.AccountUpdate
	_, back := eraBacking(alloc, nil)
	counting := newCounting(back)
	// Warm reads point by point or in batches, in any order.
	batched := src.intn(2) == 1
	wrap := func(r *countingReader) state.Reader {
		if batched {
			return &batchingReader{countingReader: r}
		}
		return r
	}
	mode := []WarmMode{WarmBatched, WarmSorted, WarmUnsorted}[src.intn(3)]
	// Small entry budgets make Advance evict most of what it keeps.
	maxEntries := []int{0, 8, 64}[src.intn(3)]
	c := New(wrap(counting), Options{Shards: shards, WarmWorkers: 1 + src.intn(3), MaxEntries: maxEntries, MaxCodeBytes: maxEntries, Warm: mode})
	tw := newTwin(back)
	for era := range eras {
		progs := make([][]op, goroutines)
		for g := range progs {
			progs[g] = genOps(src, 1+src.intn(40))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for g, prog := range progs {
			w := c.NewWorker()
			wg.Go(func() {
				for i := range prog {
					o := &prog[i]
					switch o.kind {
					case 3:
						err := c.Warm(context.Background(), o.list)
						if err != nil && !errors.Is(err, ErrWarm) {
							mu.Lock()
							failures = append(failures, fmt.Sprintf("era %d g %d op %d: warm: %v", era, g, i, err))
							mu.Unlock()
						}
						tw.Warm(context.Background(), o.list)
						continue
					case 4:
						ctx, cancel := context.WithCancel(context.Background())
						cancel()
						if err := c.Warm(ctx, o.list); !errors.Is(err, context.Canceled) {
							mu.Lock()
							failures = append(failures, fmt.Sprintf("era %d g %d op %d: cancelled warm: %v", era, g, i, err))
							mu.Unlock()
						}
						continue
					}
					var r state.Reader = c
					if o.worker {
						r = w
					}
					got, want := doOp(r, o), doOp(tw, o)
					if got != want {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("era %d g %d op %d (%+v): cache %+v, twin %+v", era, g, i, *o, got, want))
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d mismatches, first: %s", len(failures), failures[0])
		}
		counting.mu.Lock()
		for k, n := range counting.calls {
			if n > 1 && !failing(back, k) {
				counting.mu.Unlock()
				t.Fatalf("era %d: key %+v loaded %d times", era, k, n)
			}
		}
		counting.mu.Unlock()

		up := genUpdates(src)
		batches = append(batches, up)
		_, back = eraBacking(alloc, batches)
		counting = newCounting(back)
		c.Advance(wrap(counting), up)
		tw.Advance(back, up)
	}
}

// failing reports whether loads of k from r fail (and so may repeat).
func failing(r state.Reader, k readKey) bool {
	var err error
	switch k.kind {
	case kindAccount:
		_, _, err = r.Account(k.addr)
	case kindStorage:
		_, err = r.Storage(k.addr, k.slot)
	default:
		_, err = r.Code(k.addr, k.hash)
	}
	return err != nil
}

func TestDifferential(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	n := 300
	if testing.Short() {
		n = 30
	}
	for i := range n {
		data := make([]byte, 2048)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { differential(t, data) })
	}
}

func FuzzDifferential(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		data := make([]byte, 512)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8192 {
			data = data[:8192]
		}
		differential(t, data)
	})
}

// Reads that overlap an Advance return the old or the new value, and once a
// goroutine has seen a value only the new state has, it never again sees
// one only the old state has (Advance switches all shards at once).
func TestAdvanceConcurrent(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	randomBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for round := range 20 {
		src := &source{b: randomBytes(4096)}
		alloc := genAlloc(src)
		var batches [][]state.AccountUpdate
		_, back := eraBacking(alloc, nil)
		c := New(back, Options{Shards: []int{1, 4, 64}[round%3]})
		for range 4 {
			up := genUpdates(src)
			_, oldR := eraBacking(alloc, batches)
			batches = append(batches, up)
			_, newR := eraBacking(alloc, batches)
			progs := make([][]op, 3)
			for g := range progs {
				progs[g] = genOps(src, 200)
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan string, len(progs))
			for _, prog := range progs {
				wg.Go(func() {
					<-start
					seenNew := false
					for i := range prog {
						o := &prog[i]
						if o.kind > 2 {
							continue
						}
						got, old, nw := doOp(c, o), doOp(oldR, o), doOp(newR, o)
						switch {
						case got != old && got != nw:
							errs <- fmt.Sprintf("op %+v: %+v is neither old %+v nor new %+v", *o, got, old, nw)
							return
						case got == nw && got != old:
							seenNew = true
						case got == old && got != nw && seenNew:
							errs <- fmt.Sprintf("op %+v: old value %+v after a new one", *o, got)
							return
						}
					}
				})
			}
			close(start)
			c.Advance(newR, up)
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Fatalf("round %d: %s", round, e)
			}
			// After Advance every read is new.
			for _, prog := range progs {
				for i := range prog {
					if o := &prog[i]; o.kind <= 2 {
						if got, want := doOp(c, o), doOp(newR, o); got != want {
							t.Fatalf("round %d: after Advance %+v: %+v, want %+v", round, *o, got, want)
						}
					}
				}
			}
		}
	}
}
