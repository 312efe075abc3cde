package gethpeer

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"testing"

	"github.com/balexec/balexec/internal/testdata"
	btypes "github.com/balexec/balexec/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// The benchmark workloads, each built once per test binary on first use
// (building takes about a second) and read-only afterwards.
var benchWorkloads = []struct {
	name  string
	build func() (*Workload, error)
}{
	{"transfers", sync.OnceValues(func() (*Workload, error) {
		return TransfersWorkload(BulkParams{Seed: 1, Blocks: 4, TxsPerBlock: 1000})
	})},
	{"erc20", sync.OnceValues(func() (*Workload, error) {
		return ERC20Workload(BulkParams{Seed: 1, Blocks: 4, TxsPerBlock: 1000})
	})},
	{"mixed", sync.OnceValues(func() (*Workload, error) {
		return MixedWorkload(Params{Seed: 1, Fork: Amsterdam, Blocks: 4, TxsPerBlock: MaxTxsPerBlock})
	})},
	{"hive", sync.OnceValues(func() (*Workload, error) {
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
	})},
}

// BenchmarkInsert times the import of each workload's timed blocks into a
// fresh chain by go-ethereum (sequential and BAL-parallel processors) and
// balexec (the same two), one sub-benchmark per pair:
//
//	BenchmarkInsert/workload=erc20/impl=balexec-par
//
// Each iteration sets up a new chain at genesis (with the untimed blocks
// imported) and decodes the blocks afresh with the timer stopped, collects
// the garbage of that setup, and times only the import. An op is the
// import of all timed blocks; ms/block and mgas/s (header gas used) are
// derived from the same timed total.
func BenchmarkInsert(b *testing.B) {
	for _, wl := range benchWorkloads {
		b.Run("workload="+wl.name, func(b *testing.B) {
			w, err := wl.build()
			if err != nil {
				b.Fatal(err)
			}
			for _, impl := range Impls() {
				b.Run("impl="+impl.String(), func(b *testing.B) { benchImport(b, w, impl) })
			}
		})
	}
}

func benchImport(b *testing.B, w *Workload, impl Impl) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		r, err := w.Prepare(impl)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
		// The label marks the import's samples (and those of the goroutines
		// it starts) in a -cpuprofile: pprof -tagfocus=phase=import.
		pprof.Do(context.Background(), pprof.Labels("phase", "import", "impl", impl.String()), func(context.Context) {
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
		for b.Loop() {
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
		for b.Loop() {
			s := &sigs[i%n]
			a, err := btypes.RecoverAddress(btypes.Hash(s.hash), &s.r, &s.s, s.v)
			if err != nil || a != btypes.Address(s.from) {
				b.Fatalf("recovery %d: %v", i, err)
			}
			i++
		}
	})
}
