package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/balexec/balexec/internal/crashtest"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
)

// Environment of the crash test. crashChildEnv ("dir seed") turns the test
// binary into the committing child; crashTimeEnv sets how long the parent
// keeps killing children (a Go duration; default 3s, 1s with -short).
const (
	crashChildEnv = "BALEXEC_STORE_CRASH_CHILD"
	crashTimeEnv  = "BALEXEC_STORE_CRASH_TIME"
)

// crashPop is the generator's population in the crash test.
const crashPop = 300

// TestCrash proves that a block is committed whole or not at all. A child
// process (this test binary, re-executed) commits generated blocks in a loop
// on one store and reports each commit once CommitBlock has returned; the
// parent kills it with SIGKILL after a random, seeded delay (some during
// startup and recovery, most in the middle of commits), reopens the store
// and checks that the head is the last reported block or the one after it
// (whose synced batch may have landed before the report), that the head's
// root is the root of the flat state recomputed from scratch, that the flat
// state, the trie and the code equal the generator's state after that block,
// and that the canonical chain is whole. The next child continues the same
// store, so recoveries stack up.
func TestCrash(t *testing.T) {
	if spec := os.Getenv(crashChildEnv); spec != "" {
		crashChild(t, spec)
		return
	}
	budget := crashtest.Budget(t, crashTimeEnv, 3*time.Second, time.Second)
	seed := rand.Uint64()
	t.Logf("seed: %d, running for %v (set %s for longer)", seed, budget, crashTimeEnv)
	rng := rand.New(rand.NewPCG(seed, 0xc4a54))
	dir := t.TempDir()
	g := newGen(seed, crashPop)

	// At least minIterations, and more (up to maxIterations) until a child
	// has committed a second block: with a third of the kills in a child's
	// first 40 ms and the others possibly before its second commit, four
	// iterations (all a second allows under -race on 2 cores) sometimes
	// ended with the head still at block 0.
	const minIterations, maxIterations = 4, 40
	var (
		prevHead   int64 = -1 // head after the previous iteration, -1 for none
		iterations int
		kills      int // children killed (not exited on their own)
		landed     int // iterations where the unreported block had landed
	)
	deadline := time.Now().Add(budget)
	for ; iterations < minIterations || time.Now().Before(deadline) || (prevHead < 1 && iterations < maxIterations); iterations++ {
		// A third of the kills fall in the child's first 40 ms (start,
		// open, recovery, replay); the rest 0-150 ms after its first
		// commit, whenever that comes (slow under -race).
		early := rng.IntN(3) == 0
		delay := time.Duration(rng.Int64N(int64(40 * time.Millisecond)))
		if !early {
			delay = time.Duration(rng.Int64N(int64(150 * time.Millisecond)))
		}
		o := crashtest.Run(t, crashtest.Kill{
			Test: "TestCrash", Env: []string{fmt.Sprintf("%s=%s %d", crashChildEnv, dir, seed)},
			Prefix: "committed ", Early: early, Delay: delay,
		})
		if o.NoProgress {
			t.Errorf("iteration %d: the child committed nothing in a minute", iterations)
		}
		if o.Killed {
			kills++
		}

		last := o.Last
		db, err := store.Open(dir, store.Options{CacheSize: 1 << 20})
		if err != nil {
			t.Fatalf("iteration %d (killed after %v, last reported block %d): reopen: %v", iterations, delay, last, err)
		}
		hd, ok, err := db.Head()
		if err != nil {
			t.Fatalf("iteration %d: head: %v", iterations, err)
		}
		head := int64(-1)
		if ok {
			head = int64(hd.Number)
		}
		floor := max(last, prevHead)
		if head < floor || head > floor+1 {
			t.Fatalf("iteration %d (killed after %v): head %d, last reported %d, previous head %d", iterations, delay, head, last, prevHead)
		}
		if head == floor+1 && floor == last && last >= 0 {
			landed++
		}
		model := state.NewMemory()
		if head >= 0 {
			model = replay(g, uint64(head))
		}
		if err := checkState(db, model); err != nil {
			t.Fatalf("iteration %d (killed after %v, head %d): %v", iterations, delay, head, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		when := "after start"
		if !early {
			when = "after the first commit"
		}
		t.Logf("iteration %d: killed %v %s, last reported block %d, head %d", iterations, delay.Round(time.Millisecond), when, last, head)
		prevHead = head
	}
	t.Logf("%d children killed (%d iterations), head at block %d; %d times the block in flight had landed", kills, iterations, prevHead, landed)
	if prevHead < 1 {
		t.Fatalf("children committed nothing in %d iterations", iterations)
	}
}

// crashChild commits blocks until it is killed (or for at most a minute),
// printing "committed N" after each.
func crashChild(t *testing.T, spec string) {
	dir, seedStr, ok := strings.Cut(spec, " ")
	seed, err := strconv.ParseUint(seedStr, 10, 64)
	if !ok || err != nil {
		t.Fatalf("bad %s %q", crashChildEnv, spec)
	}
	db, err := store.Open(dir, store.Options{CacheSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := newGen(seed, crashPop)
	model := state.NewMemory()
	if hd, ok, err := db.Head(); err != nil {
		t.Fatal(err)
	} else if ok {
		model = replay(g, hd.Number)
	}
	stop := time.Now().Add(time.Minute)
	for time.Now().Before(stop) {
		h, err := commitNext(db, g, model)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("committed %d\n", h.Number)
	}
}
