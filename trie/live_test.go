package trie

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// TestLiveMatchesFresh runs blocks of updates (many accounts, a few hot
// contracts with hundreds of slot writes) through one Live, and each block
// also through UpdateStateContext on a freshly opened trie (the slow twin):
// the roots and the reopened states must agree. It also updates from an
// older parent (a fork), after a cancelled update, and after an update
// whose result the caller dropped.
func TestLiveMatchesFresh(t *testing.T) {
	seed := uint64(42)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	store, liveStore := NewMemStore(), NewMemStore() // each side's nodes
	addr := func(i int) types.Address { return types.Address{0: byte(i), 1: byte(i >> 8), 19: 7} }
	block := func() []state.AccountUpdate {
		var ups []state.AccountUpdate
		seen := map[int]bool{}
		for range 200 + rng.IntN(400) {
			i := rng.IntN(3000)
			if seen[i] {
				continue
			}
			seen[i] = true
			if rng.IntN(16) == 0 { // deleted, or never there
				ups = append(ups, state.AccountUpdate{Address: addr(i), Deleted: true})
				continue
			}
			u := state.AccountUpdate{Address: addr(i), Nonce: rng.Uint64N(9), CodeHash: types.EmptyCodeHash}
			u.Balance.SetUint64(rng.Uint64N(1 << 30))
			slots := 0
			if i < 4 { // hot contracts, their storage sometimes wiped first
				slots = 100 + rng.IntN(300)
				u.Wiped = rng.IntN(6) == 0
			}
			for k := range slots {
				var su state.SlotUpdate
				su.Key.SetUint64(uint64(k*5 + rng.IntN(5)))
				su.Value.SetUint64(rng.Uint64N(4))
				u.Storage = append(u.Storage, su)
			}
			ups = append(ups, u)
		}
		slices.SortFunc(ups, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
		return ups
	}
	var live Live
	roots := []types.Hash{types.EmptyRootHash}
	for n := range 24 {
		parent := roots[len(roots)-1]
		switch n {
		case 8: // a fork from two blocks back
			parent = roots[len(roots)-3]
		case 12: // a cancelled update first: it must not poison the next
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, _, err := live.Update(ctx, liveStore, parent, block()); err == nil {
				t.Fatal("a cancelled update succeeded")
			}
		case 16: // an update whose result is dropped (a rejected block)
			if _, _, err := live.Update(context.Background(), liveStore, parent, block()); err != nil {
				t.Fatal(err)
			}
		}
		ups := block()
		want, wantNodes, err := UpdateStateContext(context.Background(), parent, store, ups)
		if err != nil {
			t.Fatal(err)
		}
		got, nodes, err := live.Update(context.Background(), liveStore, parent, ups)
		if err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
		if got != want {
			t.Fatalf("block %d: live root %s, fresh %s", n, got, want)
		}
		store.Add(wantNodes)
		liveStore.Add(nodes)
		roots = append(roots, got)
	}
	// Every state opens from the nodes Live gave, and reads as the fresh
	// side's.
	for _, r := range roots[1:] {
		a, err := NewStateReader(r, liveStore, NewCodeStore())
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewStateReader(r, store, NewCodeStore())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3000 {
			x, okx, errx := a.Account(addr(i))
			y, oky, erry := b.Account(addr(i))
			if errx != nil || erry != nil || okx != oky || x != y {
				t.Fatalf("root %s account %d: %v %v %v / %v %v %v", r, i, x, okx, errx, y, oky, erry)
			}
		}
	}
}

// TestMemShardPadding: a MemStore shard fills whole cache lines, as its
// comment says, so that the locks of two shards never share one.
func TestMemShardPadding(t *testing.T) {
	if size := unsafe.Sizeof(memShard{}); size == 0 || size%64 != 0 {
		t.Errorf("memShard is %d bytes, not a multiple of 64", size)
	}
}
