package cache

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
	"github.com/puzpuzpuz/xsync/v3"
)

// shardedXsync is the other in-shard design, measured against the maps:
// the same explicit shards and xxhash, with an xsync.MapOf per shard whose
// hasher reuses the shard hash (carried in the key), so reads are lock-free
// and hash once. Its miss path simply holds the shard mutex across the load
// (enough for the hit benchmarks); no Advance.
type hkey[K comparable] struct {
	h uint64
	k K
}

type xshard struct {
	mu       sync.Mutex
	accounts *xsync.MapOf[hkey[types.Address], accountEntry]
	slots    *xsync.MapOf[hkey[slotKey], uint256.Int]
	_        [cacheLineSize - 32]byte
}

type shardedXsync struct {
	c       *Cache // for hashing
	shards  []xshard
	backing state.Reader
}

func hkeyHash[K comparable](k hkey[K], seed uint64) uint64 { return k.h ^ seed }

func newShardedXsync(back state.Reader) *shardedXsync {
	p := &shardedXsync{c: New(back, Options{}), backing: back}
	p.shards = make([]xshard, len(p.c.shards))
	for i := range p.shards {
		p.shards[i].accounts = xsync.NewMapOfWithHasher[hkey[types.Address], accountEntry](hkeyHash[types.Address])
		p.shards[i].slots = xsync.NewMapOfWithHasher[hkey[slotKey], uint256.Int](hkeyHash[slotKey])
	}
	return p
}

func (p *shardedXsync) shard(h uint64) *xshard { return &p.shards[(h*fibonacci)>>p.c.shift] }

type shardedXsyncWorker struct {
	p   *shardedXsync
	ctr counters
}

func (w *shardedXsyncWorker) Account(addr types.Address) (types.Account, bool, error) {
	h := w.p.c.hashAddr(&addr)
	s := w.p.shard(h)
	if e, ok := s.accounts.Load(hkey[types.Address]{h, addr}); ok {
		w.ctr.hits.Add(1)
		return e.acct, e.exists, nil
	}
	s.mu.Lock()
	if e, ok := s.accounts.Load(hkey[types.Address]{h, addr}); ok {
		s.mu.Unlock()
		return e.acct, e.exists, nil
	}
	a, ok, err := w.p.backing.Account(addr)
	if err == nil {
		s.accounts.Store(hkey[types.Address]{h, addr}, accountEntry{a, ok})
	}
	s.mu.Unlock()
	w.ctr.misses.Add(1)
	return a, ok, err
}

func (w *shardedXsyncWorker) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	h := w.p.c.hashSlot(&addr, &slot)
	s := w.p.shard(h)
	k := hkey[slotKey]{h, slotKey{addr, slot}}
	if v, ok := s.slots.Load(k); ok {
		w.ctr.hits.Add(1)
		return v, nil
	}
	s.mu.Lock()
	if v, ok := s.slots.Load(k); ok {
		s.mu.Unlock()
		return v, nil
	}
	v, err := w.p.backing.Storage(addr, slot)
	if err == nil {
		s.slots.Store(k, v)
	}
	s.mu.Unlock()
	w.ctr.misses.Add(1)
	return v, err
}

func (w *shardedXsyncWorker) Code(addr types.Address, h types.Hash) ([]byte, error) {
	return w.p.backing.Code(addr, h)
}

// BenchmarkGCMark measures what a cached population costs every garbage
// collection: the pointer-free maps of the sharded cache against
// xsync.MapOf entries (one heap object per entry, reachable through the
// buckets' pointers). ms/gc is the duration of a forced collection with
// nothing else live.
func BenchmarkGCMark(b *testing.B) {
	const n = 1 << 20
	for _, name := range []string{"sharded", "sharded-xsync"} {
		b.Run(fmt.Sprintf("entries=1M/impl=%s", name), func(b *testing.B) {
			var keep any
			switch name {
			case "sharded":
				c := New(synthReader{}, Options{MaxEntries: 2 * n})
				for i := range n {
					c.Storage(addrN(i>>8), u256(uint64(i)))
				}
				keep = c
			default:
				p := newShardedXsync(synthReader{})
				w := &shardedXsyncWorker{p: p}
				for i := range n {
					w.Storage(addrN(i>>8), u256(uint64(i)))
				}
				keep = p
			}
			runtime.GC()
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				runtime.GC()
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/gc")
			runtime.KeepAlive(keep)
		})
	}
}
