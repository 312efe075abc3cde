package cache

import (
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
	"github.com/puzpuzpuz/xsync/v3"
)

// xsyncCache is the design the sharded Cache was measured against: one
// xsync.MapOf per kind (lock-free reads, internally striped writes) and a
// second MapOf of loads in flight for the de-duplication. It has no
// Advance; benchmarks only.
type xsyncCache struct {
	backing  state.Reader
	accounts *xsync.MapOf[types.Address, accountEntry]
	slots    *xsync.MapOf[slotKey, uint256.Int]
	pAcct    *xsync.MapOf[types.Address, *call[accountEntry]]
	pSlots   *xsync.MapOf[slotKey, *call[uint256.Int]]
}

func newXsyncCache(backing state.Reader) *xsyncCache {
	return &xsyncCache{
		backing:  backing,
		accounts: xsync.NewMapOf[types.Address, accountEntry](),
		slots:    xsync.NewMapOf[slotKey, uint256.Int](),
		pAcct:    xsync.NewMapOf[types.Address, *call[accountEntry]](),
		pSlots:   xsync.NewMapOf[slotKey, *call[uint256.Int]](),
	}
}

// xload is the miss path: register a call (or join one), re-check the
// values (a load may have finished between the probe and the
// registration), load, store, release.
func xload[K comparable, V any](values *xsync.MapOf[K, V], pending *xsync.MapOf[K, *call[V]], key K, fetch func() (V, error)) (V, error) {
	cl, joined := pending.LoadOrCompute(key, func() *call[V] {
		cl := new(call[V])
		cl.wg.Add(1)
		return cl
	})
	if joined {
		cl.wg.Wait()
		return cl.val, cl.err
	}
	if v, ok := values.Load(key); ok {
		cl.val = v
	} else {
		cl.val, cl.err = fetch()
		if cl.err == nil {
			values.Store(key, cl.val)
		}
	}
	pending.Delete(key)
	cl.wg.Done()
	return cl.val, cl.err
}

func (x *xsyncCache) Account(addr types.Address) (types.Account, bool, error) {
	if e, ok := x.accounts.Load(addr); ok {
		return e.acct, e.exists, nil
	}
	e, err := xload(x.accounts, x.pAcct, addr, func() (accountEntry, error) {
		a, ok, err := x.backing.Account(addr)
		return accountEntry{acct: a, exists: ok}, err
	})
	return e.acct, e.exists, err
}

func (x *xsyncCache) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	k := slotKey{addr: addr, slot: slot}
	if v, ok := x.slots.Load(k); ok {
		return v, nil
	}
	return xload(x.slots, x.pSlots, k, func() (uint256.Int, error) { return x.backing.Storage(addr, slot) })
}

func (x *xsyncCache) Code(addr types.Address, h types.Hash) ([]byte, error) {
	return x.backing.Code(addr, h)
}
