// Package fanout lets the code that starts a computation bound how many
// goroutines the computation fans out to, through its context.
//
// The parallel executor computes a block's state root from the access list
// while its workers run the transactions on every core. A root that split
// its work over every core then would only queue its goroutines behind the
// workers, and each split ends in a join that waits for the last of them to
// get a core: on 2 cores a 2-worker `storage` block waited 0.5-0.7 ms for
// its root after the last step. The executor therefore hands the root a
// [Limit] of the cores its workers leave, which grows back as they finish.
package fanout

import (
	"context"
	"runtime"
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
