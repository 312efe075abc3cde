package exec_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/exec"
)

// TestContextCancelled: an import, a build and an execution under a
// context that has ended return its error and leave the chain as it was,
// on the sequential and the parallel path; the block imports afterwards.
func TestContextCancelled(t *testing.T) {
	w, err := bench.Generate(bench.Transfers, bench.Params{Seed: 3, Blocks: 1, GasLimit: bench.MinGasLimit, Senders: 8})
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, workers := range []int{0, 2} {
		chain, err := w.NewChain()
		if err != nil {
			t.Fatal(err)
		}
		if workers > 0 {
			chain.EnableParallel(workers, 0)
		}
		head := chain.Head().Hash()
		b := w.Blocks[0]
		if _, err := chain.InsertWithAccessList(cancelled, b.Block, b.BAL); !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: insert under a cancelled context: %v", workers, err)
		}
		if _, err := chain.Insert(cancelled, b.Block); !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: insert without list under a cancelled context: %v", workers, err)
		}
		if _, err := chain.BuildBlock(cancelled, &exec.BuildAttributes{Timestamp: chain.Head().Time + 12}, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: build under a cancelled context: %v", workers, err)
		}
		if chain.Head().Hash() != head {
			t.Fatalf("workers %d: the head moved", workers)
		}
		if _, err := chain.InsertWithAccessList(context.Background(), b.Block, b.BAL); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
	}
}

// TestContextDeadline: a context that ends while a big block executes stops
// it with the context's error, on both paths, and the chain stays as it
// was. On the sequential path the context's deadline passes at its 300th
// check, in the middle of the block's 825 transactions whatever the
// machine's speed: that path checks it after every step. The parallel path
// checks a context of its own, derived from the caller's, so its deadline
// is a timer of a millisecond, on a block of 100M gas that takes tens of
// milliseconds: the timer's callback needs a core to end the context, and
// a block of 30M gas sometimes ended first on a busy machine.
func TestContextDeadline(t *testing.T) {
	for _, workers := range []int{0, 2} {
		gas := uint64(30_000_000)
		if workers > 0 {
			gas = 100_000_000
		}
		w, err := bench.Generate(bench.Transfers, bench.Params{Seed: 4, Blocks: 1, GasLimit: gas, Senders: 64})
		if err != nil {
			t.Fatal(err)
		}
		b := w.Blocks[0]
		t.Logf("workers %d: %d transactions", workers, len(b.Block.Transactions))
		chain, err := w.NewChain()
		if err != nil {
			t.Fatal(err)
		}
		var (
			ctx    context.Context
			cancel = func() {}
			counts *checkedDeadline
		)
		if workers > 0 {
			chain.EnableParallel(workers, 0)
			ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
		} else {
			counts = newCheckedDeadline(300)
			ctx = counts
		}
		head := chain.Head().Hash()
		_, err = chain.InsertWithAccessList(ctx, b.Block, b.BAL)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("workers %d: %v, want the deadline", workers, err)
		}
		if counts != nil && counts.checks.Load() < 300 {
			t.Fatalf("workers %d: the context was checked %d times, fewer than it takes to end it", workers, counts.checks.Load())
		}
		if chain.Head().Hash() != head {
			t.Fatalf("workers %d: the head moved", workers)
		}
		if _, err := chain.InsertWithAccessList(context.Background(), b.Block, b.BAL); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
	}
}

// checkedDeadline is a context whose deadline passes at its n-th Err call.
// It runs the functions registered with AfterFunc (which the context
// package uses for the contexts derived from it) at that moment, on the
// goroutine that made the call, so that every derived context has ended
// when it returns.
type checkedDeadline struct {
	context.Context // Background: no deadline, no values
	n, checks       atomic.Int64
	done            chan struct{}
	mu              sync.Mutex
	ended           bool
	after           map[*func()]bool
}

func newCheckedDeadline(n int64) *checkedDeadline {
	c := &checkedDeadline{Context: context.Background(), done: make(chan struct{}), after: map[*func()]bool{}}
	c.n.Store(n)
	return c
}

func (c *checkedDeadline) Done() <-chan struct{} { return c.done }

func (c *checkedDeadline) Err() error {
	if c.checks.Add(1) < c.n.Load() {
		return nil
	}
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return context.DeadlineExceeded
	}
	c.ended = true
	close(c.done)
	fs := c.after
	c.after = nil
	c.mu.Unlock()
	for f := range fs {
		(*f)()
	}
	return context.DeadlineExceeded
}

// AfterFunc arranges for f to run when c ends, as context.AfterFunc does.
func (c *checkedDeadline) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		go f()
		return func() bool { return false }
	}
	key := &f
	c.after[key] = true
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.after[key] {
			return false
		}
		delete(c.after, key)
		return true
	}
}
