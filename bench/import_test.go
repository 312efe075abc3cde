package bench_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/storedb"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/types"
)

// BenchmarkImportDB imports the mixed workload (bench.Generate, default
// parameters but 8 blocks) into a chain in memory and into a chain over the
// store in a temporary directory, sequentially and on the parallel
// executor, and reports ms per block and Mgas/s. Each iteration imports
// every block into a new chain; opening it (and writing the genesis) is
// outside the timer, the store's synced commit of each block inside.
//
//	go test ./bench -run '^$' -bench BenchmarkImportDB -benchtime 5x -count 5
func BenchmarkImportDB(b *testing.B) {
	w, err := bench.Generate(bench.Mixed, bench.Params{Seed: 1, Blocks: 8})
	if err != nil {
		b.Fatal(err)
	}
	g, err := chainspec.ParseGenesis(w.GenesisJSON)
	if err != nil {
		b.Fatal(err)
	}
	gh, err := g.Header()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s", w)
	for _, dbName := range []string{"memory", "store"} {
		for _, workers := range []int{0, 2} {
			name := fmt.Sprintf("db=%s/workers=%d", dbName, workers)
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var sum exec.Timings
				for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
					b.StopTimer()
					var (
						db  exec.Database = exec.NewMemoryDatabase()
						sdb *store.DB
					)
					if dbName == "store" {
						if sdb, err = store.Open(b.TempDir(), store.Options{}); err != nil {
							b.Fatal(err)
						}
						db = storedb.New(sdb)
					}
					chain, err := exec.OpenChain(g.Config, db, &gh, g.Alloc)
					if err != nil {
						b.Fatal(err)
					}
					if workers > 0 {
						chain.EnableParallel(workers, 0)
					}
					blocks := make([]*types.Block, len(w.Blocks))
					for i := range w.Blocks {
						if blocks[i], err = types.DecodeBlock(w.Blocks[i].RLP); err != nil {
							b.Fatal(err)
						}
						// Senders known, as a node knows them from its pool:
						// the comparison is of the databases.
						blocks[i].Transactions = w.Blocks[i].Block.Transactions
					}
					b.StartTimer()
					for i, bl := range blocks {
						res, err := chain.InsertWithAccessList(context.Background(), bl, w.Blocks[i].BAL)
						if err != nil {
							b.Fatal(err)
						}
						sum.Execution += res.Timings.Execution
						sum.Root += res.Timings.Root
					}
					b.StopTimer()
					if sdb != nil {
						if err := sdb.Close(); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
				}
				n := float64(b.N * len(w.Blocks))
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(w.Gas)*float64(b.N)/sec/1e6, "mgas/s")
				b.ReportMetric(sec*1000/n, "ms/block")
				b.ReportMetric(float64(sum.Execution.Microseconds())/1000/n, "exec-ms/block")
			})
		}
	}
}
