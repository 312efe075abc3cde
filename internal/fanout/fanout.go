// Package fanout lets the code that starts a computation bound how many
// goroutines the computation fans out to, through its context.
//
// The parallel executor computes a block's state root from the access list
// while its workers run the transactions on every core. A root that split
// its work over every core then would only queue its goroutines behind the
// workers, and each split ends in a join that waits for the last of them to
// get a core: on 2 cores a 2-worker `storage` block waited 0.5-0.7 ms for
// its root after the last step. The executor therefore hands the root a
// [Limit] of the cores its workers leave, which grows back as they finish,
// and every fan-out of the root runs its tasks through [Workers] or [Each],
// which add goroutines as the limit grows.
package fanout

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// A Limit reports how many goroutines a fan-out starting now may use. It may
// change from call to call and must be safe for concurrent use. The nil
// Limit is GOMAXPROCS.
type Limit func() int

type key struct{}

// With returns a copy of ctx carrying l.
func With(ctx context.Context, l Limit) context.Context {
	return context.WithValue(ctx, key{}, l)
}

// From returns the Limit ctx carries, or nil.
func From(ctx context.Context) Limit {
	l, _ := ctx.Value(key{}).(Limit)
	return l
}

// N returns how many goroutines a fan-out starting now may use: l's answer,
// at least 1, or GOMAXPROCS for the nil Limit.
func (l Limit) N() int {
	if l == nil {
		return runtime.GOMAXPROCS(0)
	}
	return max(1, l())
}

// Workers runs tasks numbered 0 to tasks-1 on worker goroutines: the
// caller's, as many more as l allows when it starts, and more again whenever
// a worker, between two of its tasks, finds l allowing more than are
// running (the parallel executor's workers running out of steps give their
// cores back). Each goroutine calls worker once, with next, which hands out
// the next task (each index once, in increasing order across goroutines) or
// false when none is left, and must call it until it returns false;
// per-goroutine state (scratch, a hasher) lives in worker's locals. Workers
// returns when every worker has.
func Workers(l Limit, tasks int, worker func(next func() (int, bool))) {
	if l == nil {
		// GOMAXPROCS takes the scheduler's lock: once, not at every task.
		n := runtime.GOMAXPROCS(0)
		l = func() int { return n }
	}
	var (
		claimed atomic.Int64 // indexes handed out
		done    atomic.Int64 // tasks finished (a task ends at its worker's next call of next)
		running atomic.Int64 // goroutines started, the caller's included
		wg      sync.WaitGroup
		run     func()
	)
	// grow starts goroutines while fewer run than l allows and than there
	// are unfinished tasks, and an index is left to hand out. Unfinished,
	// not unclaimed: a goroutine busy on a task still counts as one of the
	// goroutines the tasks need, so comparing the running count with the
	// unclaimed ones alone would stop one short whenever a new goroutine
	// claims its index before the loop looks again.
	grow := func() {
		for claimed.Load() < int64(tasks) {
			r := running.Load()
			if r >= min(int64(l.N()), int64(tasks)-done.Load()) {
				return
			}
			if running.CompareAndSwap(r, r+1) {
				wg.Go(run)
			}
		}
	}
	run = func() {
		busy := false
		worker(func() (int, bool) {
			if busy {
				done.Add(1)
				grow()
			}
			k := int(claimed.Add(1)) - 1
			busy = k < tasks
			return k, busy
		})
	}
	running.Store(1)
	grow()
	run()
	wg.Wait()
}

// Each calls do(k) for every k in [0, tasks), each index once, on the
// goroutines of [Workers]. It returns when every call has.
func Each(l Limit, tasks int, do func(k int)) {
	Workers(l, tasks, func(next func() (int, bool)) {
		for k, ok := next(); ok; k, ok = next() {
			do(k)
		}
	})
}
