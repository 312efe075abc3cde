// Command importrounds times the parallel path against the sequential one
// in interleaved rounds, the way that measures their ratio on a shared
// machine: each round runs bench's BenchmarkImport once for every workload,
// sequential then parallel, at every core count, so that the two paths of a
// pair run seconds apart and share the machine's state of the moment. Their
// ratio is taken within each round, and the median over rounds is reported.
// On the 2-core VM it was written on, per-block times moved by 20-50%
// between runs while the ratio within a round moved by 10-20%.
//
// Usage (from the repository root):
//
//	go run ./bench/cmd/importrounds [-rounds 6] [-cpu 1,2] [-benchtime 5x] [-workloads RE] [-out FILE]
//	go run ./bench/cmd/importrounds -in FILE[,FILE...]
//
// The runs inherit the environment: GOGC and GOMEMLIMIT, when set, are
// recorded in FILE with the other settings.
//
// The first form builds bench's test binary, runs the rounds (each in a
// process of its own with GOMAXPROCS at the core count), appends the raw
// benchmark lines to FILE and prints the summary; the second prints the
// summary of FILEs written before, their rounds pooled (runs of the same
// settings: the summary pairs each key's i-th sequential result with its
// i-th parallel one, file after file). Per workload and core count the summary
// gives the median ms per block of each path, the median of the per-round
// ratios sequential over parallel (with their range), the parallel path's
// CPU time over the sequential path's, and the ceiling: k cores times the
// sequential time over the parallel path's CPU time, the ratio the parallel
// path would reach on k cores with every core busy for the whole block and
// its CPU time unchanged.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "importrounds:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("importrounds", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 6, "rounds to run")
	cpus := fs.String("cpu", "1,2", "core counts, comma-separated")
	benchtime := fs.String("benchtime", "5x", "-benchtime of each run")
	workloads := fs.String("workloads", ".+", "regular expression of the workload names to run, matched in full")
	out := fs.String("out", "", "file the raw benchmark lines are appended to (default: a new file in the temporary directory)")
	in := fs.String("in", "", "summarise these files (comma-separated, their rounds pooled) instead of running")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *in != "" {
		return summariseFiles(strings.Split(*in, ","), stdout)
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds %d: at least one is needed", *rounds)
	}
	var procs []int
	for _, s := range strings.Split(*cpus, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-cpu %q: not a list of core counts", *cpus)
		}
		procs = append(procs, n)
	}
	if _, err := regexp.Compile(*workloads); err != nil {
		return fmt.Errorf("-workloads: %w", err)
	}
	tmp, err := os.MkdirTemp("", "importrounds")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./bench")
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building ./bench (run from the repository root): %w", err)
	}
	path := *out
	if path == "" {
		f, err := os.CreateTemp("", "importrounds-*.txt")
		if err != nil {
			return err
		}
		path = f.Name()
		f.Close()
	}
	raw, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer raw.Close() // on an early return; closed and checked below otherwise
	// Configuration lines (benchfmt "key: value"), kept with the results.
	rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		rev = []byte("unknown")
	}
	if err := exec.Command("git", "diff", "--quiet", "HEAD").Run(); err != nil {
		rev = append(bytes.TrimSpace(rev), "-dirty"...)
	}
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	fmt.Fprintf(raw, "balexec-commit: %s\ngo-version: %s\nimportrounds-args: -rounds=%d -cpu=%s -benchtime=%s -workloads=%s\n",
		bytes.TrimSpace(rev), bytes.TrimSpace(goVersion), *rounds, *cpus, *benchtime, *workloads)
	// The garbage collector's settings, which the runs inherit: they move
	// the parallel path's time more than the sequential path's.
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if val, ok := os.LookupEnv(v); ok {
			fmt.Fprintf(raw, "%s: %s\n", strings.ToLower(v), val)
		}
	}
	pattern := benchPattern(*workloads)
	for r := 1; r <= *rounds; r++ {
		for _, p := range procs {
			fmt.Fprintf(stderr, "round %d of %d, %d cores\n", r, *rounds, p)
			cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", pattern,
				"-test.benchtime", *benchtime, "-test.count", "1", "-test.cpu", strconv.Itoa(p))
			cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(p))
			cmd.Dir = "bench" // where go test would run it
			cmd.Stdout, cmd.Stderr = raw, stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("round %d, %d cores: %w", r, p, err)
			}
		}
	}
	if err := raw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "raw output in %s\n", path)
	return summariseFiles([]string{path}, stdout)
}

// summariseFiles prints the summary of the benchmark output in paths, read
// one after the other.
func summariseFiles(paths []string, w io.Writer) error {
	var rs []io.Reader
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rs = append(rs, f, strings.NewReader("\n")) // a last line without its newline ends there
	}
	return summarise(io.MultiReader(rs...), w)
}

// benchPattern is the -test.bench pattern of BenchmarkImport's
// sub-benchmarks of the workloads whose names match re in full, both paths.
// (go test splits it at the slashes and matches each level's name with its
// part: the last, empty, matches every path.)
func benchPattern(re string) string {
	return fmt.Sprintf("^BenchmarkImport$/^workload=(%s)$/", re)
}

// sample is one BenchmarkImport result line.
type sample struct {
	ms, cpuMs float64
}

// key names a workload at a core count.
type key struct {
	workload string
	procs    int
}

// series holds one key's samples of each path, in file order: the i-th of
// each are the i-th round's.
type series struct {
	seq, par []sample
}

var lineRE = regexp.MustCompile(`^BenchmarkImport/workload=([^/\s]+)/impl=(seq|par)(?:-(\d+))?\s`)

// parse reads the BenchmarkImport lines of a benchmark output.
func parse(r io.Reader) (map[key]*series, []key, error) {
	m := map[key]*series{}
	var order []key
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		g := lineRE.FindStringSubmatch(line)
		if g == nil {
			continue
		}
		k := key{workload: g[1], procs: 1}
		if g[3] != "" {
			n, err := strconv.Atoi(g[3])
			if err != nil {
				return nil, nil, fmt.Errorf("%q: %w", line, err)
			}
			k.procs = n
		}
		s, err := metrics(line)
		if err != nil {
			return nil, nil, err
		}
		sr := m[k]
		if sr == nil {
			sr = &series{}
			m[k] = sr
			order = append(order, k)
		}
		if g[2] == "seq" {
			sr.seq = append(sr.seq, s)
		} else {
			sr.par = append(sr.par, s)
		}
	}
	return m, order, sc.Err()
}

// metrics reads ms/block and cpu-ms/block from a result line.
func metrics(line string) (sample, error) {
	f := strings.Fields(line)
	var s sample
	var haveMs, haveCPU bool
	for i := 2; i+1 < len(f); i++ {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			continue
		}
		switch f[i+1] {
		case "ms/block":
			s.ms, haveMs = v, true
		case "cpu-ms/block":
			s.cpuMs, haveCPU = v, true
		}
	}
	if !haveMs || !haveCPU || s.ms <= 0 || s.cpuMs <= 0 {
		return s, fmt.Errorf("%q: no positive ms/block and cpu-ms/block", line)
	}
	return s, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// summarise prints one line per workload and core count.
func summarise(r io.Reader, w io.Writer) error {
	m, order, err := parse(r)
	if err != nil {
		return err
	}
	if len(order) == 0 {
		return errors.New("no BenchmarkImport results")
	}
	slices.SortStableFunc(order, func(a, b key) int { return cmp.Compare(a.procs, b.procs) })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tcores\trounds\tseq ms\tpar ms\tseq/par\trange\tCPU par/seq\tceiling\t")
	for _, k := range order {
		sr := m[k]
		n := min(len(sr.seq), len(sr.par))
		if n == 0 {
			return fmt.Errorf("%s at %d cores: results of only one path", k.workload, k.procs)
		}
		var ratio, ceiling, seqMs, parMs, seqCPU, parCPU []float64
		for i := range n {
			s, p := sr.seq[i], sr.par[i]
			ratio = append(ratio, s.ms/p.ms)
			ceiling = append(ceiling, float64(k.procs)*s.ms/p.cpuMs)
			seqMs, parMs = append(seqMs, s.ms), append(parMs, p.ms)
			seqCPU, parCPU = append(seqCPU, s.cpuMs), append(parCPU, p.cpuMs)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.2fx\t%.2f-%.2f\t%.2f\t%.2fx\t\n", k.workload, k.procs, n,
			median(seqMs), median(parMs), median(ratio), slices.Min(ratio), slices.Max(ratio),
			median(parCPU)/median(seqCPU), median(ceiling))
	}
	return tw.Flush()
}
