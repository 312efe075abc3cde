package exec

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestStepWake runs the gather's wait against workers finishing steps in
// an order near the block's (a few taken first, as the heavy ones are) at
// random speeds: every wait must return with its steps done, and none may
// sleep through the wake-up of its last step (the context's deadline would
// end it).
func TestStepWake(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		steps := 1 + rng.IntN(300)
		workers := 1 + rng.IntN(4)
		batch := 1 + rng.IntN(2*gatherBatch)
		// A few steps at random first, then the others in increasing order.
		order := rng.Perm(steps)
		head := min(rng.IntN(4), steps)
		first := make(map[int]bool, head)
		for _, j := range order[:head] {
			first[j] = true
		}
		order = order[:head]
		for j := range steps {
			if !first[j] {
				order = append(order, j)
			}
		}
		spin := make([]int, steps)
		for j := range spin {
			spin[j] = rng.IntN(2000)
		}

		outs := make([]stepOut, steps)
		wake := newStepWake()
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for {
					p := int(next.Add(1)) - 1
					if p >= steps {
						return
					}
					j := order[p]
					for range spin[j] {
						if spin[j]%7 == 0 {
							runtime.Gosched()
						}
					}
					outs[j].done.Store(true)
					wake.done(j)
				}
			})
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for j := 0; j < steps; {
			end := min(j+batch, steps)
			if err := wake.wait(ctx, outs, j, end); err != nil {
				cancel()
				t.Fatalf("trial %d (%d steps, %d workers, batch %d): wait for steps %d-%d: %v", trial, steps, workers, batch, j, end-1, err)
			}
			for k := j; k < end; k++ {
				if !outs[k].done.Load() {
					cancel()
					t.Fatalf("trial %d: wait for steps %d-%d returned before step %d was done", trial, j, end-1, k)
				}
			}
			if got := wake.want.Load(); got != -1 {
				t.Fatalf("trial %d: after a wait the gather still asks for step %d", trial, got)
			}
			j = end
		}
		cancel()
		wg.Wait()
	}
}

// TestStepWakeCanceled: a wait for a step no worker runs ends with its
// context, and leaves no step asked for.
func TestStepWakeCanceled(t *testing.T) {
	outs := make([]stepOut, 4)
	outs[0].done.Store(true)
	wake := newStepWake()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	if err := wake.wait(ctx, outs, 0, 4); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait: %v, want context.Canceled", err)
	}
	if got := wake.want.Load(); got != -1 {
		t.Fatalf("after a canceled wait the gather still asks for step %d", got)
	}
	// A worker ending a step nobody waits for sends nothing.
	wake.done(2)
	select {
	case <-wake.ch:
		t.Fatal("a step nobody waits for woke the gather")
	default:
	}
}
