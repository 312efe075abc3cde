package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"testing"
	"time"

	"github.com/balexec/balexec/exec"
)

// benchWorkloads are generated once per test binary, at their default size.
var benchWorkloads sync.Map // name -> func() (*Workload, error)

func workloadOnce(name string) (*Workload, error) {
	f, _ := benchWorkloads.LoadOrStore(name, sync.OnceValues(func() (*Workload, error) {
		return Generate(name, Params{Seed: 1})
	}))
	return f.(func() (*Workload, error))()
}

// BenchmarkImport imports each workload's blocks (their default size: 4
// blocks of 100M gas) into a fresh in-memory chain, sequentially or in
// parallel with GOMAXPROCS workers, senders known before the timed import
// (as a client knows them from its pool):
//
//	BenchmarkImport/workload=transfers/impl=par
//
// Besides wall time per block it reports the process's CPU time per block
// (cpu-ms/block), the cores it kept busy on average (cores: CPU over wall
// time), the garbage collector's CPU time per block (gc-cpu-ms/block) and
// the time a block waited for its state root after its steps
// (root-wait-ms/block).
// CPU time is disturbed by a loaded machine far less than wall time:
// with -cpu=1 it is the cost of each path on one core, and the ratio par/seq
// is the parallel path's overhead. The side-by-side comparison with
// go-ethereum is bench/gethpeer's BenchmarkInsert.
func BenchmarkImport(b *testing.B) {
	for _, name := range Workloads() {
		b.Run("workload="+name, func(b *testing.B) {
			w, err := workloadOnce(name)
			if err != nil {
				b.Fatal(err)
			}
			for _, impl := range []string{"seq", "par"} {
				b.Run("impl="+impl, func(b *testing.B) { benchImport(b, w, impl == "par") })
			}
		})
	}
}

func benchImport(b *testing.B, w *Workload, parallel bool) {
	in := w.Input()
	b.ReportAllocs()
	var cpu, gc, rootWait time.Duration
	for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
		b.StopTimer()
		chain, err := in.NewChain()
		if err != nil {
			b.Fatal(err)
		}
		if parallel {
			chain.EnableParallel(0, 0)
		}
		blocks, lists, err := in.Blocks()
		if err != nil {
			b.Fatal(err)
		}
		if err := recoverAll(chain, blocks); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		c0, g0 := cpuTime(), gcTime()
		b.StartTimer()
		// The label marks the import's samples (and those of the goroutines
		// it starts) in a -cpuprofile: pprof -tagfocus=phase=import.
		// An execution trace (-test.trace) marks each block's import with
		// the region "import" (bench/gethpeer/cmd/tracecores reads it).
		pprof.Do(context.Background(), pprof.Labels("phase", "import"), func(ctx context.Context) {
			for i, blk := range blocks {
				reg := trace.StartRegion(ctx, "import")
				var res *exec.Result
				res, err = chain.InsertWithAccessList(ctx, blk, lists[i])
				reg.End()
				if err != nil {
					return
				}
				if parallel {
					rootWait += res.Timings.RootWait
				} else {
					rootWait += res.Timings.Root // all of it after the steps
				}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		gc += gcTime() - g0
		if st := chain.ParallelStats(); parallel && st.Sequential > 0 {
			b.Fatal(fmt.Sprintf("%d blocks fell back to the sequential processor", st.Sequential))
		}
		b.StartTimer()
	}
	n := float64(b.N * len(w.Blocks))
	b.ReportMetric(b.Elapsed().Seconds()*1e3/n, "ms/block")
	b.ReportMetric(cpu.Seconds()*1e3/n, "cpu-ms/block")
	// The cores the import kept busy on average: CPU time over wall time.
	// On k cores a path whose CPU time stays the same cannot run faster
	// than cpu-ms/block divided by k, so this, beside the sequential
	// path's, bounds the parallel path's gain.
	b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores")
	b.ReportMetric(gc.Seconds()*1e3/n, "gc-cpu-ms/block")
	// The time a block waited for its state root once its steps were done:
	// on the sequential path the whole root, on the parallel path the part
	// the steps did not hide.
	b.ReportMetric(rootWait.Seconds()*1e3/n, "root-wait-ms/block")
	b.ReportMetric(float64(w.Gas)*float64(b.N)/b.Elapsed().Seconds()/1e6, "mgas/s")
}
