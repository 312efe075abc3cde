package exec_test

import (
	"context"
	"errors"
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
// was.
func TestContextDeadline(t *testing.T) {
	w, err := bench.Generate(bench.Transfers, bench.Params{Seed: 4, Blocks: 1, GasLimit: 30_000_000, Senders: 64})
	if err != nil {
		t.Fatal(err)
	}
	b := w.Blocks[0]
	t.Logf("%d transactions", len(b.Block.Transactions))
	for _, workers := range []int{0, 2} {
		chain, err := w.NewChain()
		if err != nil {
			t.Fatal(err)
		}
		if workers > 0 {
			chain.EnableParallel(workers, 0)
		}
		head := chain.Head().Hash()
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		_, err = chain.InsertWithAccessList(ctx, b.Block, b.BAL)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("workers %d: %v, want the deadline", workers, err)
		}
		if chain.Head().Hash() != head {
			t.Fatalf("workers %d: the head moved", workers)
		}
		if _, err := chain.InsertWithAccessList(context.Background(), b.Block, b.BAL); err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
	}
}
