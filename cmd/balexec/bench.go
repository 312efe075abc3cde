package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/balexec/balexec/bench"
)

// modelWorkers is how far the modelled speedup curve goes.
const modelWorkers = 64

// benchCmd times blocks sequentially and in parallel with each worker count,
// in one process, and prints one line per block and a summary, with the
// scaling model's curve and its check against the measured runs.
func benchCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workload := fs.String("workload", "", "generate the workload `name` ("+strings.Join(bench.Workloads(), ", ")+")")
	workersList := fs.String("workers", "", "comma-separated parallel worker `counts` (default 1 and GOMAXPROCS)")
	blocks := fs.Int("blocks", 0, "blocks to generate, or to time of a fixture (`n`, 0: the workload's default or all)")
	runs := fs.Int("runs", 3, "imports per configuration; each block's median is reported (`n`)")
	seed := fs.Uint64("seed", 1, "workload seed")
	gasLimit := fs.Uint64("gaslimit", 0, "workload gas limit per block (0: 100M)")
	senders := fs.String("senders", "cold", "`cold`: senders recovered inside the timed import; warm: known before it")
	svgFile := fs.String("svg", "", "write a chart of per-block times and the modelled speedup to `file`")
	jsonFile := fs.String("json", "", "write the full report as JSON to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	const use = "usage: balexec bench (--workload NAME | FIXTURE.json) [--workers LIST] [--blocks N] [--runs N] [--senders cold|warm] [--svg FILE] [--json FILE]"
	if (*workload == "") == (fs.NArg() == 0) || fs.NArg() > 1 {
		return errors.New(use)
	}
	if *senders != "cold" && *senders != "warm" {
		return fmt.Errorf("--senders %q: want cold or warm", *senders)
	}
	if *runs < 1 || *blocks < 0 {
		return errors.New("--runs must be at least 1 and --blocks not negative")
	}
	workers, err := parseWorkers(*workersList)
	if err != nil {
		return err
	}
	progress := progressTo(stderr)
	var inputs []*bench.Input
	if *workload != "" {
		progress("generating %s ...", *workload)
		w, err := bench.Generate(*workload, bench.Params{Seed: *seed, Blocks: *blocks, GasLimit: *gasLimit})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "workload %s\n", w)
		inputs = []*bench.Input{w.Input()}
	} else {
		if inputs, err = bench.FixtureInputs(fs.Arg(0)); err != nil {
			return err
		}
	}
	opts := bench.TimeOptions{Workers: workers, Runs: *runs, WarmSenders: *senders == "warm", MaxBlocks: *blocks}
	if *workload != "" {
		opts.MaxBlocks = 0 // generated to size
	}
	var reports []*bench.Report
	for _, in := range inputs {
		opts.Progress = func(done, total int) { progress("%s: %d of %d imports", in.Name, done, total) }
		rep, err := bench.Time(in, opts)
		if err != nil {
			return err
		}
		progress("")
		printReport(stdout, rep)
		reports = append(reports, rep)
	}
	if *jsonFile != "" {
		data, err := json.MarshalIndent(reports, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonFile, data, 0o644); err != nil {
			return err
		}
	}
	if *svgFile != "" {
		if err := os.WriteFile(*svgFile, benchSVG(reports), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// parseWorkers reads a comma-separated list of positive worker counts.
func parseWorkers(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("--workers %q: want positive counts up to 1024, comma-separated", s)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// printReport prints one line per block and the summary of a report.
func printReport(w io.Writer, rep *bench.Report) {
	fmt.Fprintf(w, "%s: %d blocks, senders %s, median of %d runs, GOMAXPROCS %d\n", rep.Input, len(rep.Blocks), rep.Senders, rep.Runs, rep.Cores)
	fmt.Fprintf(w, "%8s %6s %7s %9s", "block", "txs", "Mgas", "seq ms")
	for _, k := range rep.Workers {
		fmt.Fprintf(w, " %8s", fmt.Sprintf("par%d ms", k))
	}
	fmt.Fprintf(w, " %7s %7s %8s %8s %7s\n", "speedup", "par'ism", "longest", "root ms", "hidden")
	var seq time.Duration
	par := make([]time.Duration, len(rep.Workers))
	var txs int
	var gas uint64
	for i := range rep.Blocks {
		b := &rep.Blocks[i]
		fmt.Fprintf(w, "%8d %6d %7.2f %9.2f", b.Number, b.Txs, float64(b.Gas)/1e6, ms(b.Seq))
		best := b.Seq
		for k, d := range b.Par {
			fmt.Fprintf(w, " %8.2f", ms(d))
			par[k] += d
			best = min(best, d)
		}
		last := b.ParTimings[len(b.ParTimings)-1]
		parallelism := 0.0
		if last.Execution > 0 {
			parallelism = float64(last.StepsTotal) / float64(last.Execution)
		}
		hidden := 0.0
		if last.Root > 0 {
			hidden = 100 * float64(max(last.Root-last.RootWait, 0)) / float64(last.Root)
		}
		fmt.Fprintf(w, " %6.2fx %7.2f %8.2f %8.2f %6.0f%%\n", float64(b.Seq)/float64(best), parallelism, ms(last.LongestStep), ms(last.Root), hidden)
		seq += b.Seq
		txs += b.Txs
		gas += b.Gas
	}
	n := float64(max(len(rep.Blocks), 1))
	fmt.Fprintf(w, "summary %s: %d blocks, %d txs, %.1f Mgas/block: seq %.2f ms/block (%.0f Mgas/s)", rep.Input, len(rep.Blocks), txs, float64(gas)/n/1e6, ms(seq)/n, float64(gas)/seq.Seconds()/1e6)
	for k, d := range par {
		fmt.Fprintf(w, ", %d workers %.2f ms/block (%.2fx, %.0f Mgas/s)", rep.Workers[k], ms(d)/n, float64(seq)/float64(d), float64(gas)/d.Seconds()/1e6)
	}
	fmt.Fprintln(w)
	printModel(w, rep, seq)
}

// printModel prints the model's check against the measured runs and its
// curve for more cores than this machine has.
func printModel(w io.Writer, rep *bench.Report, seq time.Duration) {
	profiles := make([]*bench.Profile, 0, len(rep.Blocks))
	for i := range rep.Blocks {
		if rep.Blocks[i].Profile.Steps != nil {
			profiles = append(profiles, &rep.Blocks[i].Profile)
		}
	}
	if len(profiles) != len(rep.Blocks) || len(profiles) == 0 {
		fmt.Fprintln(w, "model: not every block ran in parallel; no model")
		return
	}
	sum := func(f func(p *bench.Profile) time.Duration) time.Duration {
		var t time.Duration
		for _, p := range profiles {
			t += f(p)
		}
		return t
	}
	fmt.Fprint(w, "model check (measured vs modelled, all blocks):")
	for k, workers := range rep.Workers {
		var meas time.Duration
		for i := range rep.Blocks {
			meas += rep.Blocks[i].Par[k]
		}
		mod := sum(func(p *bench.Profile) time.Duration { return p.Simulate(workers, rep.Cores) })
		fmt.Fprintf(w, " %d workers %.2f vs %.2f ms (%+.1f%%);", workers, ms(meas), ms(mod), 100*(float64(mod)/float64(meas)-1))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "model speedup over sequential, k workers on k cores:")
	for _, k := range []int{1, 2, 4, 8, 16, 32, 64} {
		mod := sum(func(p *bench.Profile) time.Duration { return p.Simulate(k, k) })
		fmt.Fprintf(w, " %d:%.2fx", k, float64(seq)/float64(mod))
	}
	bound := sum(func(p *bench.Profile) time.Duration { return p.Bound() })
	fmt.Fprintf(w, "; bound (longest step or root, plus serial parts) %.2fx\n", float64(seq)/float64(bound))
}

// progressTo returns a function that shows progress on stderr when it is a
// terminal (overwriting one line), and does nothing otherwise.
func progressTo(stderr io.Writer) func(format string, args ...any) {
	f, ok := stderr.(*os.File)
	if !ok {
		return func(string, ...any) {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return func(string, ...any) {}
	}
	return func(format string, args ...any) {
		fmt.Fprintf(f, "\r\033[K"+format, args...)
	}
}
