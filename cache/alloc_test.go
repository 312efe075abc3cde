package cache

import (
	"testing"

	"github.com/balexec/balexec/types"
)

// A hit allocates nothing, through the Cache and through a Worker.
func TestAllocations(t *testing.T) {
	mem, _ := testState(4)
	c := New(mem, Options{})
	w := c.NewWorker()
	addr := addrN(3)
	slot := u256(2)
	acct, _, _ := c.Account(addr)
	c.Storage(addr, slot)
	c.Code(addr, acct.CodeHash)
	missing := addrN(77)
	c.Account(missing)
	for name, f := range map[string]func(){
		"Cache.Account":        func() { c.Account(addr) },
		"Cache.Account absent": func() { c.Account(missing) },
		"Cache.Storage":        func() { c.Storage(addr, slot) },
		"Cache.Code":           func() { c.Code(addr, acct.CodeHash) },
		"Cache.Code empty":     func() { c.Code(addr, types.EmptyCodeHash) },
		"Worker.Account":       func() { w.Account(addr) },
		"Worker.Storage":       func() { w.Storage(addr, slot) },
		"Worker.Code":          func() { w.Code(addr, acct.CodeHash) },
	} {
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocations per hit", name, n)
		}
	}
	if s := c.Stats().Add(w.Stats()); s.Misses != 4 {
		t.Fatalf("the hits missed: %+v", s)
	}
}
