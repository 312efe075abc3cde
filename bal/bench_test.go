package bal_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// largeList is a synthetic list near the 30,000-item limit of a 60M gas
// block: 1,000 accounts with 10 written and 19 read slots each and a
// balance and nonce change per transaction.
func largeList(tb testing.TB) *bal.BlockAccessList {
	rng := rand.New(rand.NewPCG(42, 42))
	var b bal.Builder
	f := bal.NewFragment()
	for tx := range uint32(1000) {
		f.Reset()
		var a types.Address
		a[0], a[1], a[19] = byte(rng.IntN(256)), byte(tx>>8), byte(tx)
		f.SetBalance(a, up(rng.Uint64()))
		f.SetNonce(a, uint64(tx))
		for s := range 29 {
			slot := *new(uint256.Int).SetBytes32(randBytes(rng, 32))
			if s < 10 {
				f.WriteSlot(a, &slot, up(rng.Uint64()))
			} else {
				f.ReadSlot(a, &slot)
			}
		}
		b.Merge(tx+1, f)
	}
	l := b.Build()
	if err := l.Validate(60_000_000, 1000); err != nil {
		tb.Fatal(err)
	}
	return l
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

type benchInput struct {
	name string
	list *bal.BlockAccessList
	raw  []byte
}

func benchInputs(b *testing.B) []benchInput {
	p := largestPayload(b)
	large := largeList(b)
	return []benchInput{
		{fmt.Sprintf("real/%dB", len(p.raw)), mustDecode(b, p.raw), p.raw},
		{fmt.Sprintf("synthetic/%dkB", len(large.EncodeRLP())/1000), large, large.EncodeRLP()},
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.raw)))
			for b.Loop() {
				if _, err := bal.Decode(in.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.raw)))
			buf := make([]byte, 0, len(in.raw))
			for b.Loop() {
				buf = in.list.AppendRLP(buf[:0])
			}
		})
	}
}

func BenchmarkHash(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.raw)))
			for b.Loop() {
				_ = in.list.Hash()
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.raw)))
			for b.Loop() {
				if err := in.list.Validate(60_000_000, 1000); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	for _, in := range benchInputs(b) {
		lk := bal.NewLookup(in.list)
		// Query every account in turn, the slots it writes or reads, at
		// a mid-block index.
		type q struct {
			addr types.Address
			slot uint256.Int
		}
		var qs []q
		for _, a := range in.list.Accounts {
			slot := u(0)
			if len(a.StorageChanges) > 0 {
				slot = a.StorageChanges[0].Slot
			} else if len(a.StorageReads) > 0 {
				slot = a.StorageReads[0]
			}
			qs = append(qs, q{a.Address, slot})
		}
		b.Run(in.name+"/account", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				x := &qs[i%len(qs)]
				_ = lk.Account(x.addr, 500)
				i++
			}
		})
		b.Run(in.name+"/storage", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				x := &qs[i%len(qs)]
				_, _ = lk.Storage(x.addr, &x.slot, 500)
				i++
			}
		})
		b.Run(in.name+"/new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = bal.NewLookup(in.list)
			}
		})
	}
}

// A typical transaction fragment: sender, recipient and coinbase balances,
// the sender's nonce, a contract with 8 slot reads and 2 writes.
func recordTypical(f *bal.Fragment, tx uint64) {
	sender := types.Address{0x71, byte(tx)}
	contract := types.Address{0xc0, 0xde}
	coinbase := types.Address{0xcb}
	f.Reset()
	f.SetBalance(sender, up(1e18-tx))
	f.SetNonce(sender, tx)
	f.Touch(contract)
	for s := range uint64(8) {
		f.ReadSlot(contract, up(s))
	}
	f.WriteSlot(contract, up(0), up(tx))
	f.WriteSlot(contract, up(1), up(tx+1))
	f.SetBalance(coinbase, up(tx*21000))
}

func BenchmarkFragmentRecord(b *testing.B) {
	b.ReportAllocs()
	f := bal.NewFragment()
	tx := uint64(0)
	for b.Loop() {
		recordTypical(f, tx)
		tx++
	}
}

func BenchmarkBuilderMerge(b *testing.B) {
	b.ReportAllocs()
	f := bal.NewFragment()
	recordTypical(f, 1)
	var bld bal.Builder
	i := uint32(0)
	for b.Loop() {
		if i == 1000 { // a block's worth of merges, then the next block
			bld.Reset()
			i = 0
		}
		bld.Merge(i, f)
		i++
	}
}

func BenchmarkBuilderBuild(b *testing.B) {
	var bld bal.Builder
	f := bal.NewFragment()
	for tx := range uint64(1000) {
		recordTypical(f, tx)
		bld.Merge(uint32(tx+1), f)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = bld.Build()
	}
}

// BenchmarkCheckFragment checks the fragments of a 1,000-transaction block
// against the list they build, one step after the other, as the parallel
// path checks each step: the coinbase's balance changes (one per step) are
// the long list every check searches.
func BenchmarkCheckFragment(b *testing.B) {
	const n = 1000
	var bld bal.Builder
	frags := make([]*bal.Fragment, n)
	for tx := range uint64(n) {
		frags[tx] = bal.NewFragment()
		recordTypical(frags[tx], tx)
		bld.Merge(uint32(tx+1), frags[tx])
	}
	lk := bal.NewLookup(bld.Build())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := lk.CheckFragment(uint32(i+1), frags[i]); err != nil {
			b.Fatal(err)
		}
		i = (i + 1) % n
	}
}
