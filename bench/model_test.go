package bench

import (
	"errors"
	"testing"
	"time"

	"github.com/balexec/balexec/exec"
)

func uniformProfile(n int, step time.Duration) Profile {
	p := Profile{Serial: time.Millisecond, Steps: make([]time.Duration, n+2), GasLimits: make([]uint64, n),
		Gather: time.Duration(n) * time.Microsecond, Root: 2 * time.Millisecond, Finish: time.Millisecond}
	for i := range p.Steps {
		p.Steps[i] = step
	}
	for i := range p.GasLimits {
		p.GasLimits[i] = 21000
	}
	return p
}

func near(a, b time.Duration) bool {
	d := a - b
	return d < time.Microsecond && d > -time.Microsecond
}

// TestSimulateOneCore: on one core everything is serial.
func TestSimulateOneCore(t *testing.T) {
	p := uniformProfile(100, 10*time.Microsecond)
	want := p.Serial + 102*10*time.Microsecond + p.Gather + p.Root + p.Finish
	for _, w := range []int{1, 2, 8} {
		if got := p.Simulate(w, 1); !near(got, want) {
			t.Fatalf("%d workers on one core: %v, want %v", w, got, want)
		}
	}
}

// TestSimulateScales: with uniform steps, twice the workers and cores give
// about half the parallel part, and no count beats the bound.
func TestSimulateScales(t *testing.T) {
	p := uniformProfile(4000, 10*time.Microsecond)
	t1, t2 := p.Simulate(1, 1), p.Simulate(2, 2)
	fixed := p.Serial + p.Finish
	if r := float64(t1-fixed) / float64(t2-fixed); r < 1.9 || r > 2.1 {
		t.Fatalf("1 -> 2 workers: %v -> %v, ratio of the parallel part %.2f", t1, t2, r)
	}
	curve := p.Curve(64)
	for k := 1; k < len(curve); k++ {
		if curve[k] > curve[k-1]+time.Microsecond {
			t.Fatalf("%d workers slower than %d: %v > %v", k+1, k, curve[k], curve[k-1])
		}
	}
	if curve[63] < p.Bound() {
		t.Fatalf("64 workers %v beat the bound %v", curve[63], p.Bound())
	}
}

// TestSimulateHeavyFirst: a transaction of most of the block's gas runs
// first, so on two workers the block takes about half its total work, not
// the heavy step after everything else.
func TestSimulateHeavyFirst(t *testing.T) {
	p := uniformProfile(100, 10*time.Microsecond)
	p.Root, p.Gather = 0, 0
	p.GasLimits[90] = 16_000_000
	p.Steps[91] = 900 * time.Microsecond // about the other steps together
	got := p.Simulate(2, 2)
	// 1,920 µs of steps in all: half of it, plus at most one small step.
	want := p.Serial + 970*time.Microsecond + p.Finish
	if got > want {
		t.Fatalf("skewed block on 2 workers: %v, want at most %v (the heavy step must start first)", got, want)
	}
	if lo := p.Serial + 900*time.Microsecond + p.Finish; got < lo {
		t.Fatalf("faster than the longest step: %v < %v", got, lo)
	}
}

// TestSimulateRootBound: a root longer than the steps bounds the block on
// enough cores.
func TestSimulateRootBound(t *testing.T) {
	p := uniformProfile(10, 10*time.Microsecond)
	p.Root = 50 * time.Millisecond
	if got, want := p.Simulate(4, 8), p.Serial+p.Root+p.Finish; !near(got, want) {
		t.Fatalf("%v, want the root's %v", got, want)
	}
}

func TestProfileOf(t *testing.T) {
	tm := exec.Timings{ListCheck: 1, Steps: make([]time.Duration, 5), Gather: 2, Root: 3, Finish: 10, RootWait: 4}
	p, err := ProfileOf(&tm, make([]uint64, 3))
	if err != nil || p.Finish != 6 || p.Serial != 1 || p.Root != 3 || p.Gather != 2 {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := ProfileOf(&tm, make([]uint64, 4)); !errors.Is(err, ErrModel) {
		t.Fatalf("mismatched steps: %v", err)
	}
}
