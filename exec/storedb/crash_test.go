package storedb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/balexec/balexec/internal/crashtest"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Environment of the crash test: crashChildEnv (a store directory) turns
// the test binary into the importing child; crashTimeEnv sets how long the
// parent keeps killing children (a Go duration; default 4s, 1.5s with
// -short).
const (
	crashChildEnv = "BALEXEC_CHAIN_CRASH_CHILD"
	crashTimeEnv  = "BALEXEC_CHAIN_CRASH_TIME"
)

// TestCrash kills a process importing the hive chain through exec.Chain
// over a store with SIGKILL at random moments, many times, and checks after
// each kill that the reopened store's head is a hive block at least as far
// as the child reported (the block in flight may have landed, not more),
// that the head's state root is the hive header's and that the flat state,
// recomputed from scratch, hashes to it. Each child continues the store
// where the last one stopped; when a child finishes the chain, the next
// iteration starts a fresh store. The test runs for a bounded time (and at
// least a few iterations, and on until a child was killed and the store
// reached its tenth block).
func TestCrash(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(t, dir)
		return
	}
	budget := crashtest.Budget(t, crashTimeEnv, 4*time.Second, 1500*time.Millisecond)
	seed := rand.Uint64()
	t.Logf("seed: %d, running for %v (set %s for longer)", seed, budget, crashTimeEnv)
	rng := rand.New(rand.NewPCG(seed, 0xc4a54))
	h := loadHive(t)
	number := make(map[uint64]int, len(h.blocks)) // block number -> index
	for i, b := range h.blocks {
		number[b.Header.Number] = i
	}

	const (
		minIterations = 5
		// The test has tested something once a child was killed and the
		// store reached minHead. A child under the race detector or on a
		// loaded machine imports a few blocks before its kill, so the
		// iterations go on past the budget until then, up to maxIterations.
		minHead       = 10
		maxIterations = 100
	)
	var (
		dir                             = t.TempDir()
		prevHead                  int64 = -1 // the head after the last iteration (-1: an empty store)
		iterations, kills, landed int
		finished                  int // children that imported the whole chain
		maxHead                   uint64
	)
	deadline := time.Now().Add(budget)
	tested := func() bool { return kills > 0 && maxHead >= minHead }
	for ; iterations < minIterations || time.Now().Before(deadline) || (!tested() && iterations < maxIterations); iterations++ {
		// A quarter of the kills fall in the child's first 50 ms (start,
		// open, recovery); the rest up to 200 ms after it reported its
		// head (a block takes 1-3 ms here).
		early := rng.IntN(4) == 0
		delay := time.Duration(rng.Int64N(int64(200 * time.Millisecond)))
		if early {
			delay = time.Duration(rng.Int64N(int64(50 * time.Millisecond)))
		}
		o := crashtest.Run(t, crashtest.Kill{
			Test: "TestCrash", Env: []string{crashChildEnv + "=" + dir},
			Prefix: "imported ", Early: early, Delay: delay,
		})
		if o.NoProgress {
			t.Errorf("iteration %d: the child imported nothing in a minute", iterations)
		}
		if o.Killed {
			kills++
		}

		last := o.Last
		db := openStore(t, dir)
		hd, ok, err := db.Head()
		if err != nil {
			t.Fatalf("iteration %d (killed after %v): head: %v", iterations, delay, err)
		}
		head := int64(-1) // killed before the genesis was committed
		if ok {
			head = int64(hd.Number)
		}
		floor := max(last, prevHead)
		if head < floor || head > floor+1 {
			t.Fatalf("iteration %d (killed after %v): head %d, last reported %d, previous head %d", iterations, delay, head, last, prevHead)
		}
		if head == floor+1 && last >= 0 {
			landed++
		}
		switch {
		case head > 0:
			want := &h.blocks[number[hd.Number]].Header
			if hd.Hash != want.Hash() || hd.Root != want.Root {
				t.Fatalf("iteration %d: head %d is %s with root %s, the hive block %s with root %s", iterations, head, hd.Hash, hd.Root, want.Hash(), want.Root)
			}
		case head == 0 && hd.Hash != h.header.Hash():
			t.Fatalf("iteration %d: head 0 is not the genesis", iterations)
		}
		if root, n, err := flatRoot(db); err != nil || (ok && root != hd.Root) || (!ok && n != 0) {
			t.Fatalf("iteration %d (head %d): the flat state of %d accounts hashes to %s (%v), the head's root is %s", iterations, head, n, root, err, hd.Root)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		maxHead = max(maxHead, hd.Number)
		how := "killed"
		if !o.Killed {
			how = "finished"
		}
		t.Logf("iteration %d: %s after %v (early %v), last reported %d, head %d", iterations, how, delay.Round(time.Millisecond), early, last, head)
		prevHead = head
		if head == int64(len(h.blocks)) {
			// The whole chain is in: start again on a fresh store.
			finished++
			dir, prevHead = t.TempDir(), -1
		}
	}
	t.Logf("%d children killed in %d iterations (%d imported the whole chain), highest head %d; the block in flight had landed %d times", kills, iterations, finished, maxHead, landed)
	if !tested() {
		t.Fatalf("nothing was tested: %d kills, highest head %d", kills, maxHead)
	}
}

// crashChild imports the hive chain into the store in dir from its head on,
// printing "imported N" after each block, until the chain ends.
func crashChild(t *testing.T, dir string) {
	h := loadHive(t)
	// Recover the senders first, as a node knows them from its pool: the
	// first recovery builds the curve's tables (tens of ms), which would
	// otherwise hold up the first block with transactions in every child.
	var id uint256.Int
	id.SetUint64(h.genesis.Config.ChainID)
	for _, b := range h.blocks {
		if _, err := types.RecoverSenders(b.Transactions, &id, 0); err != nil {
			t.Fatal(err)
		}
	}
	db := openStore(t, dir)
	defer db.Close()
	chain := h.open(t, db)
	chain.EnableParallel(2, 0)
	fmt.Printf("imported %d\n", chain.Head().Number) // the genesis, on a new store
	for i := int(chain.Head().Number); i < len(h.blocks); i++ {
		if _, err := chain.InsertWithAccessList(context.Background(), h.blocks[i], h.lists[i]); err != nil {
			t.Fatalf("block %d: %v", i+1, err)
		}
		fmt.Printf("imported %d\n", i+1)
	}
}
