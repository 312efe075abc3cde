package gethpeer

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"testing"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/internal/testdata"
	btypes "github.com/balexec/balexec/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// Sizes of the bench workloads BenchmarkInsert times (bench.Params; zero
// is the default: 4 blocks of 100M gas).
var (
	benchBlocks   = flag.Int("blocks", 0, "BenchmarkInsert: blocks per bench workload (0: bench.DefaultBlocks)")
	benchGasLimit = flag.Uint64("gaslimit", 0, "BenchmarkInsert: gas limit of the bench workloads (0: bench.DefaultGasLimit)")
)

// benchSeed is the seed of the timed bench workloads.
const benchSeed = 1

// namedWorkload is a workload of BenchmarkInsert, built once per test
// binary on first use and read-only afterwards.
type namedWorkload struct {
	name  string
	build func() (*Workload, error)
}

// benchWorkloads are the bench package's workloads and the hive chain.
var benchWorkloads = func() []namedWorkload {
	var out []namedWorkload
	for _, name := range bench.Workloads() {
		out = append(out, namedWorkload{name, sync.OnceValues(func() (*Workload, error) {
			return BenchWorkload(name, bench.Params{Seed: benchSeed, Blocks: *benchBlocks, GasLimit: *benchGasLimit})
		})})
	}
	return append(out, namedWorkload{"hive", sync.OnceValues(func() (*Workload, error) {
		root, err := testdata.RepoRoot()
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(root, "testdata", "hivechain-amsterdam")
		gjson, err := os.ReadFile(filepath.Join(dir, "genesis.json"))
		if err != nil {
			return nil, err
		}
		payloads, err := os.ReadFile(filepath.Join(dir, "newpayload.json"))
		if err != nil {
			return nil, err
		}
		return HiveWorkload(gjson, payloads, hiveFirstTimed)
	})})
}()

// BenchmarkInsert times the import of each workload's timed blocks, with
// their access lists, into a fresh chain by go-ethereum (sequential and
// BAL-parallel processors) and balexec (the same two), in both sender
// regimes, one sub-benchmark per triple:
//
//	BenchmarkInsert/workload=erc20/senders=warm/impl=balexec-par
//
// The workloads are bench's eight (seed 1, -blocks and -gaslimit, 4 blocks
// of 100M gas by default) and the hive chain's Amsterdam blocks. In the
// cold regime each side recovers every sender inside the timed import; in
// the warm one the senders are cached in the transactions beforehand (see
// SenderRegime). Each iteration sets up a new chain at genesis (with the
// untimed blocks imported), decodes the blocks afresh and caches the
// senders with the timer stopped, collects the garbage of that setup, and
// times only the import, in which both sides validate everything. An op is
// the import of all timed blocks; ms/block and mgas/s (header gas used)
// are derived from the same timed total. The balexec-par benchmark fails if
// any block fell back to sequential execution.
func BenchmarkInsert(b *testing.B) {
	for _, wl := range benchWorkloads {
		b.Run("workload="+wl.name, func(b *testing.B) {
			w, err := wl.build()
			if err != nil {
				b.Fatal(err)
			}
			for _, senders := range SenderRegimes() {
				b.Run("senders="+senders.String(), func(b *testing.B) {
					for _, impl := range Impls() {
						b.Run("impl="+impl.String(), func(b *testing.B) { benchImport(b, w, impl, senders) })
					}
				})
			}
		})
	}
}

func benchImport(b *testing.B, w *Workload, impl Impl, senders SenderRegime) {
	b.ReportAllocs()
	for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
		b.StopTimer()
		r, err := w.Prepare(impl, senders)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
		// The label marks the import's samples (and those of the goroutines
		// it starts) in a -cpuprofile: pprof -tagfocus=phase=import.
		pprof.Do(context.Background(), pprof.Labels("phase", "import", "impl", impl.String(), "senders", senders.String()), func(context.Context) {
			err = r.Import()
		})
		b.StopTimer()
		st := r.ParallelStats()
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
		if st.Sequential != 0 {
			b.Fatalf("%s: %d blocks fell back to sequential execution", impl, st.Sequential)
		}
		b.StartTimer()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(sec*1e3/float64(b.N*w.TimedBlocks()), "ms/block")
	b.ReportMetric(float64(w.Gas)*float64(b.N)/sec/1e6, "mgas/s")
}

// BenchmarkRecover times the recovery of one transaction sender from its
// signature: go-ethereum's crypto.Ecrecover (libsecp256k1 through cgo when
// cgo is enabled, as here) against balexec's types.RecoverAddress (pure Go,
// internal/secp256k1, unless built with the libsecp256k1 tag). It isolates
// what was the largest difference in the importers' CPU profiles. An op is
// one recovery.
func BenchmarkRecover(b *testing.B) {
	const n = 256
	type sig struct {
		hash    common.Hash
		r, s    uint256.Int
		v       byte
		compact [65]byte
		from    common.Address
	}
	sigs := make([]sig, n)
	for i := range sigs {
		key, err := crypto.ToECDSA(crypto.Keccak256([]byte("recover"), []byte{byte(i), byte(i >> 8)}))
		if err != nil {
			b.Fatal(err)
		}
		h := crypto.Keccak256Hash([]byte{byte(i)})
		c, err := crypto.Sign(h[:], key)
		if err != nil {
			b.Fatal(err)
		}
		s := &sigs[i]
		s.hash, s.v, s.from = h, c[64], crypto.PubkeyToAddress(key.PublicKey)
		copy(s.compact[:], c)
		s.r.SetBytes(c[:32])
		s.s.SetBytes(c[32:64])
	}
	b.Run("impl=geth", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
			s := &sigs[i%n]
			pub, err := crypto.Ecrecover(s.hash[:], s.compact[:])
			if err != nil || common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]) != s.from {
				b.Fatalf("recovery %d: %v", i, err)
			}
			i++
		}
	})
	b.Run("impl=balexec", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for range b.N { // not b.Loop: it ignores -cpu (Go 1.26), and this benchmark scales with GOMAXPROCS
			s := &sigs[i%n]
			a, err := btypes.RecoverAddress(btypes.Hash(s.hash), &s.r, &s.s, s.v)
			if err != nil || a != btypes.Address(s.from) {
				b.Fatalf("recovery %d: %v", i, err)
			}
			i++
		}
	})
}
