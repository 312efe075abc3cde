package bench

import (
	"fmt"
	"time"

	"github.com/balexec/balexec/exec"
)

// Profile is one block as the scaling model sees it: the parts of its
// parallel execution, measured (exec.Timings) on a run with one worker,
// where no step shares a core with another step.
type Profile struct {
	// Serial runs before the steps: decoding, hashing and checking the
	// block's access list.
	Serial time.Duration
	// Steps holds each step's own duration in block access index order:
	// index 0 (system calls), the transactions (sender recovery included
	// when the transactions did not carry their senders), index n+1.
	Steps []time.Duration
	// GasLimits are the transactions' gas limits: the processor's schedule
	// (exec.StepOrder) is computed from them for each worker count.
	GasLimits []uint64
	// Gather is the in-order gather's work, spread evenly over the steps:
	// a step's share can run once the step and the share before it are done.
	Gather time.Duration
	// Root is the state root's work, on a goroutine of its own from the
	// start.
	Root time.Duration
	// Finish runs after the gather and the root: requests, the coverage
	// of the list, the root's extra work when it merkleizes again.
	Finish time.Duration
}

// ProfileOf turns the timings of a block run on the parallel path into a
// profile. Finish excludes the time the measured run spent waiting for the
// root, which the model derives itself.
func ProfileOf(t *exec.Timings, gasLimits []uint64) (Profile, error) {
	if len(t.Steps) != len(gasLimits)+2 {
		return Profile{}, fmt.Errorf("%w: %d step times for %d transactions (not a parallel run?)", ErrModel, len(t.Steps), len(gasLimits))
	}
	return Profile{
		Serial:    t.ListCheck,
		Steps:     t.Steps,
		GasLimits: gasLimits,
		Gather:    t.Gather,
		Root:      t.Root,
		Finish:    max(t.Finish-t.RootWait, 0),
	}, nil
}

// LongestStep is the longest single step: no number of workers runs the
// block faster than Serial + LongestStep + Finish.
func (p *Profile) LongestStep() time.Duration {
	var l time.Duration
	for _, d := range p.Steps {
		l = max(l, d)
	}
	return l
}

// Bound is the time no number of workers and cores can beat: the serial
// parts around the longest step (or the root, if it takes longer).
func (p *Profile) Bound() time.Duration {
	return p.Serial + max(p.LongestStep(), p.Root) + p.Finish
}

// Simulate returns the modelled time of the block on workers worker
// goroutines sharing cores cores with the root goroutine and the gather.
//
// The model replays the processor: the workers take steps in the
// schedule's order, each as soon as it is free; the root runs from the
// start; the gather works through each step's share in block order. At any
// moment every runnable task (a busy worker, the unfinished root, the
// gather with a share ready) progresses at min(1, cores/runnable) of a
// core, as the Go scheduler time-slices goroutines; the block ends when
// the steps, the gather and the root are all done, plus Finish, after
// Serial. It ignores what it cannot see: the garbage collector, memory
// bandwidth, and the root's own parallelism over storage tries.
func (p *Profile) Simulate(workers, cores int) time.Duration {
	workers, cores = max(workers, 1), max(cores, 1)
	steps := len(p.Steps)
	if steps == 0 {
		return p.Serial + p.Root + p.Finish
	}
	order := exec.StepOrder(p.GasLimits, workers)
	share := float64(p.Gather) / float64(steps)
	const idle = -1
	var (
		now      float64
		next     int // next position in order
		busy     = make([]int, workers)
		left     = make([]float64, workers)
		done     = make([]bool, steps)
		root     = float64(p.Root)
		gathered int     // steps whose share is done
		gLeft    float64 // remaining work of the share in progress
		gActive  bool
	)
	take := func(w int) {
		if next < len(order) {
			busy[w] = int(order[next])
			left[w] = float64(p.Steps[busy[w]])
			next++
		} else {
			busy[w] = idle
		}
	}
	for w := range workers {
		take(w)
	}
	startGather := func() {
		if !gActive && gathered < steps && done[gathered] {
			gActive, gLeft = true, share
		}
	}
	for {
		// Zero-length work completes at once.
		for w := range workers {
			for busy[w] != idle && left[w] <= 0 {
				done[busy[w]] = true
				take(w)
			}
		}
		startGather()
		for gActive && gLeft <= 0 {
			gActive = false
			gathered++
			startGather()
		}
		runnable := 0
		for w := range workers {
			if busy[w] != idle {
				runnable++
			}
		}
		if root > 0 {
			runnable++
		}
		if gActive {
			runnable++
		}
		if runnable == 0 {
			break
		}
		rate := min(1, float64(cores)/float64(runnable))
		dt := -1.0
		consider := func(work float64) {
			if t := work / rate; dt < 0 || t < dt {
				dt = t
			}
		}
		for w := range workers {
			if busy[w] != idle {
				consider(left[w])
			}
		}
		if root > 0 {
			consider(root)
		}
		if gActive {
			consider(gLeft)
		}
		now += dt
		work := dt * rate
		for w := range workers {
			if busy[w] != idle {
				left[w] -= work
			}
		}
		if root > 0 {
			root -= work
		}
		if gActive {
			gLeft -= work
		}
	}
	return p.Serial + time.Duration(now) + p.Finish
}

// Curve returns the modelled times of the block with k workers on k cores
// for k = 1..maxWorkers.
func (p *Profile) Curve(maxWorkers int) []time.Duration {
	out := make([]time.Duration, maxWorkers)
	for k := 1; k <= maxWorkers; k++ {
		out[k-1] = p.Simulate(k, k)
	}
	return out
}
