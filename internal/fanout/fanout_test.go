package fanout

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	if got, want := From(context.Background()).N(), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("no limit: N = %d, want GOMAXPROCS %d", got, want)
	}
	n := 3
	ctx := With(context.Background(), func() int { return n })
	l := From(ctx)
	if got := l.N(); got != 3 {
		t.Errorf("N = %d, want 3", got)
	}
	n = 0 // every core taken: the fan-out still runs, on its own goroutine
	if got := l.N(); got != 1 {
		t.Errorf("N = %d at 0, want 1", got)
	}
	n = -2
	if got := l.N(); got != 1 {
		t.Errorf("N = %d at -2, want 1", got)
	}
	// A derived context keeps the limit; a new one replaces it.
	child, cancel := context.WithCancel(ctx)
	defer cancel()
	n = 5
	if got := From(child).N(); got != 5 {
		t.Errorf("derived context: N = %d, want 5", got)
	}
	if got := From(With(child, func() int { return 2 })).N(); got != 2 {
		t.Errorf("replaced: N = %d, want 2", got)
	}
}

// TestEach: Each calls every index once, never on more goroutines than the
// limit allows, and adds goroutines when the limit grows.
func TestEach(t *testing.T) {
	for _, limit := range []int{0, 1, 2, 8} {
		for _, tasks := range []int{0, 1, 5, 1000} {
			calls := make([]atomic.Int32, tasks)
			var running, most atomic.Int32
			Each(func() int { return limit }, tasks, func(k int) {
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
	Each(func() int {
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

// TestWorkers: each goroutine calls its worker once, so no more workers run
// than the limit allows, and together they take every index once, each
// worker its indexes in increasing order, until next says none is left.
func TestWorkers(t *testing.T) {
	for _, limit := range []int{1, 2, 8} {
		const tasks = 500
		var (
			calls   [tasks]atomic.Int32
			workers atomic.Int32
		)
		Workers(func() int { return limit }, tasks, func(next func() (int, bool)) {
			workers.Add(1)
			last := -1
			for k, ok := next(); ok; k, ok = next() {
				if k <= last {
					t.Errorf("limit %d: index %d after %d", limit, k, last)
				}
				last = k
				calls[k].Add(1)
			}
			if k, ok := next(); ok {
				t.Errorf("limit %d: next gave %d after saying none was left", limit, k)
			}
		})
		for k := range calls {
			if n := calls[k].Load(); n != 1 {
				t.Fatalf("limit %d: index %d taken %d times", limit, k, n)
			}
		}
		if w := int(workers.Load()); w < 1 || w > limit {
			t.Errorf("limit %d: %d workers", limit, w)
		}
	}
}
