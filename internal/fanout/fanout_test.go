package fanout

import (
	"context"
	"runtime"
	"testing"
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
