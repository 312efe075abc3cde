package trie

import (
	"context"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/balexec/balexec/internal/fanout"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// fanoutUpdates is a block big enough for every fan-out of updateState:
// over 512 accounts (the keys' hashing), storage tries of several hundred
// slots (their batches and parallel hashing) and accounts without storage
// changes beside them (the early commit). The accounts are i = 0..n-1 with
// i%step == 0 getting slots, starting from slot base.
func fanoutUpdates(n, step, slots, base int) []state.AccountUpdate {
	ups := make([]state.AccountUpdate, 0, n)
	for i := range n {
		var u state.AccountUpdate
		u.Address[0], u.Address[1], u.Address[19] = byte(i*37), byte(i>>8), byte(i)
		u.Nonce = uint64(base + 1)
		u.Balance.SetUint64(uint64(1000*i + base))
		u.CodeHash = types.EmptyCodeHash
		if i%step == 0 {
			for k := range slots {
				var s state.SlotUpdate
				s.Key.SetUint64(uint64(base + k))
				s.Value.SetUint64(uint64(k + 1))
				u.Storage = append(u.Storage, s)
			}
		}
		ups = append(ups, u)
	}
	slices.SortFunc(ups, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	return ups
}

// TestUpdateStateFanoutLimit: a state update under a context's fan-out limit
// asks the limit at its fan-outs, gives the root and the nodes it gives
// without one, whatever the limit answers, and leaves no limit on the tries
// it keeps.
func TestUpdateStateFanoutLimit(t *testing.T) {
	store := NewMemStore()
	root, nodes, err := UpdateState(types.EmptyRootHash, store, fanoutUpdates(2000, 400, 300, 0))
	if err != nil {
		t.Fatal(err)
	}
	store.Add(nodes)
	block := fanoutUpdates(1500, 300, 400, 300)
	wantRoot, wantNodes, err := UpdateState(root, store, block)
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 0, 2, 7} {
		var asked atomic.Int64
		ctx := fanout.With(context.Background(), func() int { asked.Add(1); return limit })
		accounts, err := NewSecure(root, store)
		if err != nil {
			t.Fatal(err)
		}
		got, gotNodes, err := UpdateStateOn(ctx, accounts, store, slices.Clone(block))
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if got != wantRoot || gotNodes.Len() != wantNodes.Len() {
			t.Errorf("limit %d: root %s with %d nodes, want %s with %d", limit, got, gotNodes.Len(), wantRoot, wantNodes.Len())
		}
		// The keys' hashing, the account batch, the storage tries and
		// their batches and hashing, the account commit.
		if n := asked.Load(); n < 5 {
			t.Errorf("limit %d: asked %d times, want at least 5", limit, n)
		}
		if accounts.t.fan != nil {
			t.Errorf("limit %d: the account trie keeps the limit", limit)
		}
	}
}

// TestRefChildrenParallelWorkers: below two workers refChildrenParallel
// leaves the children to the caller's serial walk; with two it computes
// them, the same references.
func TestRefChildrenParallelWorkers(t *testing.T) {
	build := func() *Trie {
		tr := NewEmpty()
		for i := range 400 {
			var k uint256.Int
			k.SetUint64(uint64(i))
			key := types.Keccak256One(k.Bytes())
			if err := tr.Update(key[:], []byte{1, byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		return tr
	}
	serial := build()
	want := serial.Hash()

	tr := build()
	root := tr.root.(*branchNode)
	tr.h.refChildrenParallel(root, nil, 1)
	for i, k := range root.kids {
		if k != nil && refOf(k).n != 0 {
			t.Fatalf("one worker: child %x has its reference computed", i)
		}
	}
	tr.h.refChildrenParallel(root, nil, 2)
	for i, k := range root.kids {
		if k != nil && refOf(k).n == 0 {
			t.Fatalf("two workers: child %x has no reference", i)
		}
	}
	if got := tr.Hash(); got != want {
		t.Errorf("root %s after the parallel references, want %s", got, want)
	}
}

// TestElastic: elastic calls every index once, never on more goroutines
// than the limit allows, and adds goroutines when the limit grows.
func TestElastic(t *testing.T) {
	for _, limit := range []int{0, 1, 2, 8} {
		for _, tasks := range []int{0, 1, 5, 1000} {
			calls := make([]atomic.Int32, tasks)
			var running, most atomic.Int32
			elastic(func() int { return limit }, tasks, func(k int) {
				r := running.Add(1)
				for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
				}
				calls[k].Add(1)
				running.Add(-1)
			})
			for k := range calls {
				if n := calls[k].Load(); n != 1 {
					t.Fatalf("limit %d, %d tasks: index %d called %d times", limit, tasks, k, n)
				}
			}
			if m := int(most.Load()); m > max(1, limit) {
				t.Errorf("limit %d, %d tasks: %d calls at once", limit, tasks, m)
			}
		}
	}

	// The limit grows from 1 to 3 during the first task: the next three run
	// at once, each waiting for the other two. The limit's second reading
	// after it grew waits until the goroutine started on the first has taken
	// its task, so that grow looks again with one goroutine busy and two
	// tasks left unclaimed: counting only those, it would start no third.
	var limit, reads atomic.Int32
	limit.Store(1)
	var together atomic.Int32
	timedOut := atomic.Bool{}
	elastic(func() int {
		l := limit.Load()
		if l == 3 && reads.Add(1) == 2 {
			for deadline := time.Now().Add(2 * time.Second); together.Load() == 0 && time.Now().Before(deadline); {
				runtime.Gosched()
			}
		}
		return int(l)
	}, 4, func(k int) {
		if k == 0 {
			limit.Store(3)
			return
		}
		together.Add(1)
		deadline := time.Now().Add(10 * time.Second)
		for together.Load() < 3 {
			if time.Now().After(deadline) {
				timedOut.Store(true)
				return
			}
			runtime.Gosched()
		}
	})
	if timedOut.Load() {
		t.Error("the limit grew to 3, but tasks 1-3 did not run at once")
	}
}
