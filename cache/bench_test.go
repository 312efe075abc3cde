package cache

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// synthReader is a backing reader whose values are a function of the key:
// free of locks and allocation, so that benchmarks measure the cache.
type synthReader struct{}

func (synthReader) Account(addr types.Address) (types.Account, bool, error) {
	return types.Account{Nonce: uint64(addr[1]), Root: types.EmptyRootHash, CodeHash: types.EmptyCodeHash}, true, nil
}

func (synthReader) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return uint256.Int{slot[0] + uint64(addr[1]), 1}, nil
}

func (synthReader) Code(types.Address, types.Hash) ([]byte, error) { return nil, nil }

// slowReader is serialised and does trie-like work per call (two keccaks
// under a mutex, as trie.StateReader hashes the key and walks nodes), and
// counts its calls.
type slowReader struct {
	mu    sync.Mutex
	calls int
}

func (r *slowReader) work(addr types.Address, slot uint256.Int) uint256.Int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	b := slot.Bytes32()
	h := types.Keccak256(addr[:], b[:])
	h = types.Keccak256One(h[:])
	return uint256.Int{uint64(h[0])}
}

func (r *slowReader) Account(addr types.Address) (types.Account, bool, error) {
	r.work(addr, uint256.Int{})
	return types.Account{Root: types.EmptyRootHash, CodeHash: types.EmptyCodeHash}, true, nil
}

func (r *slowReader) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	return r.work(addr, slot), nil
}

func (r *slowReader) Code(types.Address, types.Hash) ([]byte, error) { return nil, nil }

// impl is a cache under benchmark: reader returns the reader one goroutine
// uses (a Worker for the sharded cache).
type impl struct {
	name string
	make func(back state.Reader) (reader func() state.Reader)
}

var impls = []impl{
	{"sharded", func(back state.Reader) func() state.Reader {
		c := New(back, Options{})
		return func() state.Reader { return c.NewWorker() }
	}},
	{"xsync", func(back state.Reader) func() state.Reader {
		x := newXsyncCache(back)
		return func() state.Reader { return x }
	}},
	{"sharded-xsync", func(back state.Reader) func() state.Reader {
		p := newShardedXsync(back)
		return func() state.Reader { return &shardedXsyncWorker{p: p} }
	}},
	{"mutex", func(back state.Reader) func() state.Reader {
		t := newTwin(back)
		return func() state.Reader { return t }
	}},
}

// Working set of the hit benchmarks: 64 accounts of 64 slots, about what a
// large block touches.
const (
	benchAccounts = 64
	benchSlots    = 64
)

// xorshift is a goroutine-local random source cheap enough not to dominate
// a cache hit.
type xorshift uint64

func (x *xorshift) next() uint64 {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	return uint64(*x)
}

// BenchmarkCache compares the sharded cache with the xsync-only design and
// the mutex twin. hit/hits=P%: P% of the reads hit the pre-loaded working
// set, the others miss on fresh keys (a lock-free backing reader, so the
// miss path's own cost shows). miss-dedup: every goroutine reads the same
// sequence of fresh keys from a serialised, slow backing reader; loads/key
// must be 1. Run with -cpu=1,2 (and more where there are more cores).
func BenchmarkCache(b *testing.B) {
	for _, kind := range []string{"storage", "account"} {
		for _, hits := range []int{100, 90} {
			for _, im := range impls {
				b.Run(fmt.Sprintf("hit/hits=%d%%/kind=%s/impl=%s", hits, kind, im.name), func(b *testing.B) {
					benchHits(b, im, kind == "account", hits)
				})
			}
		}
	}
	for _, im := range impls {
		b.Run("miss-dedup/impl="+im.name, func(b *testing.B) {
			back := &slowReader{}
			newReader := im.make(back)
			var maxKey atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r := newReader()
				i := 0
				for pb.Next() {
					r.Storage(addrN(i>>8), u256(uint64(i&255)))
					i++
				}
				for {
					m := maxKey.Load()
					if int64(i) <= m || maxKey.CompareAndSwap(m, int64(i)) {
						break
					}
				}
			})
			b.ReportMetric(float64(back.calls)/float64(maxKey.Load()), "loads/key")
		})
	}
}

func benchHits(b *testing.B, im impl, account bool, hits int) {
	newReader := im.make(synthReader{})
	pre := newReader()
	for a := range benchAccounts {
		pre.Account(addrN(a))
		for s := range benchSlots {
			pre.Storage(addrN(a), u256(uint64(s)))
		}
	}
	var seed, fresh atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := newReader()
		x := xorshift(seed.Add(1) * 0x9e3779b97f4a7c15)
		for pb.Next() {
			n := x.next()
			if hits < 100 && int(n%100) >= hits {
				f := fresh.Add(1)
				if account {
					r.Account(addrN(int(1000 + f)))
				} else {
					r.Storage(addrN(int(1000+f>>8)), u256(f&255))
				}
				continue
			}
			i := int(n>>8) % (benchAccounts * benchSlots)
			if account {
				r.Account(addrN(i % benchAccounts))
			} else {
				r.Storage(addrN(i/benchSlots), u256(uint64(i%benchSlots)))
			}
		}
	})
}

// BenchmarkHash measures the shard selection alone.
func BenchmarkHash(b *testing.B) {
	c := New(synthReader{}, Options{})
	addr := addrN(7)
	slot := u256(42)
	b.Run("account", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.shardOf(c.hashAddr(&addr))
		}
	})
	b.Run("slot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.shardOf(c.hashSlot(&addr, &slot))
		}
	})
}

// The xsync comparator must de-duplicate too, or the comparison is unfair.
func TestXsyncComparator(t *testing.T) {
	mem, _ := testState(16)
	back := newCounting(mem)
	x := newXsyncCache(back)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 16 {
				for s := range i {
					v, err := x.Storage(addrN(i), u256(uint64(s)))
					if err != nil || v != u256(uint64(100*i+s+1)) {
						t.Error(i, s, v, err)
					}
				}
				x.Account(addrN(i))
			}
		})
	}
	wg.Wait()
	if k, n := back.maxPerKey(); n != 1 {
		t.Fatalf("key %+v loaded %d times", k, n)
	}
}
