package types_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// benchTxs returns n signed EIP-1559 transfers from a fixed key.
func benchTxs(b *testing.B, n int, chainID *uint256.Int) []*types.Transaction {
	key := testKey(0x55)
	to := types.Address{0x42}
	txs := make([]*types.Transaction, n)
	for i := range txs {
		txs[i] = &types.Transaction{
			Type: types.DynamicFeeTxType, ChainID: *chainID, Nonce: uint64(i), Gas: 21000,
			GasTipCap: u256("1000000000"), GasFeeCap: u256("30000000000"), To: to, Value: u256("1000000000000000"),
		}
		signTx(txs[i], key, chainID)
	}
	return txs
}

// BenchmarkSender times Sender with the sender cache cold (cache=miss: a
// signing hash and a signature recovery per op, what the first call on a
// transaction costs) and warm (cache=hit).
func BenchmarkSender(b *testing.B) {
	chainID := uint256.NewInt(1)
	for _, tx := range sampleTxs(b, chainID)[:4] {
		b.Run(fmt.Sprintf("type=%d/cache=miss", tx.Type), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				types.ForgetSender(tx)
				if _, err := tx.Sender(chainID); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e3, "µs/recovery")
		})
		b.Run(fmt.Sprintf("type=%d/cache=hit", tx.Type), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tx.Sender(chainID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAuthority(b *testing.B) {
	a := types.Authorization{ChainID: *uint256.NewInt(1), Address: types.Address{1}, Nonce: 3}
	signAuth(&a, testKey(0x33))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authority(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecoverSenders(b *testing.B) {
	chainID := uint256.NewInt(1)
	txs := benchTxs(b, 200, chainID)
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("txs=200/workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := types.RecoverSenders(txs, chainID, w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/200, "µs/tx")
		})
	}
}

func BenchmarkDecodeTransaction(b *testing.B) {
	for _, tx := range sampleTxs(b, uint256.NewInt(1)) {
		enc := tx.MarshalCanonical()
		b.Run(fmt.Sprintf("type=%d", tx.Type), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(enc)))
			var dec types.Transaction
			for b.Loop() {
				if err := dec.DecodeCanonical(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeTransaction(b *testing.B) {
	tx := sampleTxs(b, uint256.NewInt(1))[3]
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(tx.CanonicalSize()))
	for b.Loop() {
		buf = tx.AppendCanonical(buf[:0])
	}
}

func BenchmarkHeaderHash(b *testing.B) {
	h := fullHeader()
	h.Optional = types.FieldsAmsterdam
	b.ReportAllocs()
	b.SetBytes(int64(h.EncodedSize()))
	for b.Loop() {
		_ = h.Hash()
	}
}

func BenchmarkDecodeBlock(b *testing.B) {
	h := loadHive(b)
	largest := 0
	for i := range h.raw {
		if len(h.raw[i]) > len(h.raw[largest]) {
			largest = i
		}
	}
	synthetic := &types.Block{Header: h.blocks[len(h.blocks)-1].Header, Transactions: benchTxs(b, 200, uint256.NewInt(1)), Withdrawals: []types.Withdrawal{}}
	for _, c := range []struct {
		name string
		enc  []byte
	}{
		{fmt.Sprintf("hive-largest/txs=%d", len(h.blocks[largest].Transactions)), h.raw[largest]},
		{"synthetic/txs=200", synthetic.AppendRLP(nil)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.enc)))
			for b.Loop() {
				if _, err := types.DecodeBlock(c.enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddressCompare compares neighbours in a slice of addresses with
// Address.Compare and with the two forms it replaced (bytes.Compare and a
// byte loop), for random addresses and for addresses sharing their first 17
// bytes.
func BenchmarkAddressCompare(b *testing.B) {
	const n = 1024
	seed := uint64(1)
	b.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	random := make([]types.Address, n)
	shared := make([]types.Address, n)
	for i := range random {
		for j := range random[i] {
			random[i][j] = byte(rng.Uint32())
			shared[i][j] = byte(rng.Uint32())
		}
		copy(shared[i][:17], "shared prefix....")
	}
	impls := []struct {
		name string
		cmp  func(a, b *types.Address) int
	}{
		{"words", (*types.Address).Compare},
		{"bytes.Compare", func(a, b *types.Address) int { return bytes.Compare(a[:], b[:]) }},
		{"byteloop", func(a, b *types.Address) int {
			for i := range a {
				if a[i] != b[i] {
					if a[i] < b[i] {
						return -1
					}
					return 1
				}
			}
			return 0
		}},
	}
	for _, set := range []struct {
		name  string
		addrs []types.Address
	}{{"random", random}, {"prefix=17", shared}} {
		for _, impl := range impls {
			b.Run("impl="+impl.name+"/"+set.name, func(b *testing.B) {
				b.ReportAllocs()
				addrs := set.addrs
				for b.Loop() {
					s := 0
					for i := 1; i < len(addrs); i++ {
						s += impl.cmp(&addrs[i-1], &addrs[i])
					}
					compareSink += s
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(n-1)), "ns/compare")
			})
		}
	}
}
