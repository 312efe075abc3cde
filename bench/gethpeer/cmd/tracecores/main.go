// Command tracecores reads an execution trace (go test -trace) and reports
// how busy the cores were inside the trace regions of one type, and what
// ran while some core was idle: the time the parallel path leaves a core
// unused, which a CPU profile cannot show.
//
// Usage:
//
//	go run ./cmd/tracecores [-region import] [-cores 2] [-top 20] TRACE
//
// bench's BenchmarkImport marks each block's import with the region
// "import", so that (from the repository root):
//
//	go test -c -o bench.test ./bench
//	./bench.test -test.run '^$' -test.bench 'BenchmarkImport$/workload=transfers/impl=par' \
//		-test.cpu 2 -test.benchtime 10x -test.trace par.trace
//	cd bench/gethpeer && go run ./cmd/tracecores ../../par.trace
//
// prints the time inside those regions with 0, 1, ... goroutines running,
// the idle core time by the tenth of the region it fell in, how often
// goroutines stopped running (a goroutine switch each) by why and where,
// and the time with fewer than -cores running attributed to each goroutine
// that was running then. A goroutine is named by where it last stopped
// running (the frames of balexec's code on its stack then), or, before it
// first stopped, by its start function and the code that started it. Other
// region types nested inside those regions are reported with their share of
// that idle time.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tracecores:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("tracecores", flag.ContinueOnError)
	region := fs.String("region", "import", "type of the trace regions to measure")
	cores := fs.Int("cores", 2, "cores the traced process had (GOMAXPROCS)")
	top := fs.Int("top", 20, "goroutine positions to list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("want one trace file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		return err
	}
	s := newStats(*region, *cores)
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		s.event(&ev)
	}
	s.report(out, *top)
	return nil
}

// stats accumulates, between consecutive events, the time each number of
// running goroutines lasted inside the measured regions.
type stats struct {
	region    string
	cores     int
	last      trace.Time
	started   bool
	open      map[string]int           // open regions by type
	running   map[trace.GoID]string    // running goroutines by position
	position  map[trace.GoID]string    // where each goroutine last stopped, or how it started
	byCount   map[int]time.Duration    // time in the measured regions by running goroutines
	idleBy    map[string]time.Duration // core time left idle, by what was running
	nested    map[string]time.Duration // time in other regions open inside the measured ones
	nestedIdl map[string]time.Duration // of which with fewer than cores running
	stops     map[string]int           // goroutines that stopped running in the regions, by reason and place
	instances int

	// The idle core time of the region in progress, by where it began in
	// it, kept until the region ends to be placed in tenths of it.
	regionStart trace.Time
	pending     []idleSpan
	byTenth     [10]time.Duration
}

// idleSpan is core time left idle from a time on.
type idleSpan struct {
	at   trace.Time
	idle time.Duration
}

func newStats(region string, cores int) *stats {
	return &stats{
		region: region, cores: cores,
		open: map[string]int{}, running: map[trace.GoID]string{}, position: map[trace.GoID]string{},
		byCount: map[int]time.Duration{}, idleBy: map[string]time.Duration{},
		nested: map[string]time.Duration{}, nestedIdl: map[string]time.Duration{},
		stops: map[string]int{},
	}
}

func (s *stats) event(ev *trace.Event) {
	s.advance(ev.Time())
	switch ev.Kind() {
	case trace.EventRegionBegin:
		t := ev.Region().Type
		s.open[t]++
		if t == s.region && s.open[t] == 1 {
			s.instances++
			s.regionStart, s.pending = ev.Time(), s.pending[:0]
		}
	case trace.EventRegionEnd:
		if t := ev.Region().Type; s.open[t] > 0 {
			s.open[t]--
			if t == s.region && s.open[t] == 0 {
				s.placeIdle(ev.Time())
			}
		}
	case trace.EventStateTransition:
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			return
		}
		id := st.Resource.Goroutine()
		from, to := st.Goroutine()
		if _, ok := s.position[id]; !ok && (from == trace.GoNotExist || from == trace.GoUndetermined) {
			start := ""
			for fr := range st.Stack.Frames() {
				start = fr.Func
				break
			}
			if start == "" {
				s.position[id] = "(started before the trace)"
			} else {
				s.position[id] = "started " + short(start) + " by " + frames(ev.Stack())
			}
		}
		switch {
		case to == trace.GoRunning:
			s.running[id] = s.position[id]
		case from == trace.GoRunning:
			// The stack of a transition out of running is the goroutine's
			// own (a transition into runnable may be another's, the waker's).
			s.position[id] = frames(ev.Stack())
			delete(s.running, id)
			if s.open[s.region] > 0 {
				s.stops[cmp.Or(st.Reason, to.String())+": "+cmp.Or(s.position[id], "(no frames of balexec)")]++
			}
		default:
			delete(s.running, id)
		}
	}
}

func (s *stats) advance(t trace.Time) {
	if !s.started {
		s.last, s.started = t, true
		return
	}
	d := time.Duration(t - s.last)
	s.last = t
	if s.open[s.region] == 0 {
		return
	}
	n := len(s.running)
	s.byCount[min(n, s.cores)] += d
	idle := n < s.cores
	for k, c := range s.open {
		if c > 0 && k != s.region {
			s.nested[k] += d
			if idle {
				s.nestedIdl[k] += d
			}
		}
	}
	if !idle {
		return
	}
	s.pending = append(s.pending, idleSpan{s.last - trace.Time(d), d * time.Duration(s.cores-n)})
	if n == 0 {
		s.idleBy["(nothing running)"] += d * time.Duration(s.cores)
		return
	}
	for _, p := range s.running {
		s.idleBy[p] += d * time.Duration(s.cores-n) / time.Duration(n)
	}
}

// placeIdle files the idle core time of the region that ends at end by the
// tenth of the region it began in.
func (s *stats) placeIdle(end trace.Time) {
	length := end - s.regionStart
	if length <= 0 {
		return
	}
	for _, p := range s.pending {
		s.byTenth[min(9, max(0, int(10*(p.at-s.regionStart)/length)))] += p.idle
	}
	s.pending = s.pending[:0]
}

func (s *stats) report(out io.Writer, top int) {
	var total time.Duration
	for _, d := range s.byCount {
		total += d
	}
	if s.instances == 0 {
		fmt.Fprintf(out, "no region %q in the trace\n", s.region)
		return
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(s.instances) }
	fmt.Fprintf(out, "%d regions %q, %.3f ms each on average\n", s.instances, s.region, per(total))
	for n := 0; n <= s.cores; n++ {
		label := fmt.Sprintf("%d running", n)
		if n == s.cores {
			label = fmt.Sprintf(">=%d running", n)
		}
		fmt.Fprintf(out, "  %-12s %8.3f ms a region (%4.1f%%)\n", label, per(s.byCount[n]), 100*float64(s.byCount[n])/float64(total))
	}
	var idle time.Duration
	for _, d := range s.idleBy {
		idle += d
	}
	fmt.Fprintf(out, "core time left idle: %.3f ms a region (%.1f%% of %d cores)\n", per(idle), 100*float64(idle)/float64(total)/float64(s.cores), s.cores)
	fmt.Fprint(out, "  by tenth of the region it fell in (ms a region):")
	for _, d := range s.byTenth {
		fmt.Fprintf(out, " %.3f", per(d))
	}
	fmt.Fprintln(out)
	type kv struct {
		k string
		d time.Duration
	}
	var nested []kv
	for k, d := range s.nested {
		nested = append(nested, kv{k, d})
	}
	slices.SortFunc(nested, func(a, b kv) int { return cmp.Compare(b.d, a.d) })
	for _, e := range nested {
		fmt.Fprintf(out, "  region %-20s %8.3f ms a region, %.3f ms of it with a core idle\n", e.k, per(e.d), per(s.nestedIdl[e.k]))
	}
	type stop struct {
		k string
		n int
	}
	var stops []stop
	var switches int
	for k, n := range s.stops {
		stops = append(stops, stop{k, n})
		switches += n
	}
	slices.SortFunc(stops, func(a, b stop) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.k, b.k)) })
	// Each stop hands the core to another goroutine or leaves it idle: a
	// goroutine switch, with its cost in the scheduler and the caches.
	fmt.Fprintf(out, "goroutines stopped running: %.1f a region, by why and where (a region):\n", float64(switches)/float64(s.instances))
	for i, e := range stops {
		if i == top {
			break
		}
		fmt.Fprintf(out, "  %8.1f  %s\n", float64(e.n)/float64(s.instances), e.k)
	}
	var l []kv
	for k, d := range s.idleBy {
		l = append(l, kv{k, d})
	}
	slices.SortFunc(l, func(a, b kv) int { return cmp.Compare(b.d, a.d) })
	fmt.Fprintln(out, "idle core time by what ran meanwhile (ms a region):")
	for i, e := range l {
		if i == top {
			break
		}
		fmt.Fprintf(out, "  %8.3f  %s\n", per(e.d), cmp.Or(e.k, "(no frames of balexec)"))
	}
}

// frames names a stack by its first three frames outside the runtime and
// the standard library's synchronisation.
func frames(st trace.Stack) string {
	var parts []string
	for fr := range st.Frames() {
		fn := fr.Func
		if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "sync.") || strings.HasPrefix(fn, "internal/") {
			continue
		}
		parts = append(parts, short(fn))
		if len(parts) == 3 {
			break
		}
	}
	return strings.Join(parts, " < ")
}

func short(fn string) string { return strings.TrimPrefix(fn, "github.com/balexec/balexec/") }
