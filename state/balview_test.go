package state_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// listAndBase draws a pre-state of accounts and a valid access list over
// some of them and some new ones, with changes at indices 0..txs+1.
func listAndBase(rng *rand.Rand, txs int) (*state.Memory, *bal.BlockAccessList, []types.Address) {
	var addrs []types.Address
	for i := range 24 {
		var a types.Address
		a[0], a[19] = byte(rng.IntN(256)), byte(i)
		addrs = append(addrs, a)
	}
	base := state.NewMemory()
	var updates []state.AccountUpdate
	for _, a := range addrs[:16] { // the last 8 do not exist before the block
		u := state.AccountUpdate{Address: a, Nonce: uint64(rng.IntN(5)), CodeHash: types.EmptyCodeHash}
		u.Balance.SetUint64(uint64(rng.IntN(1000)))
		updates = append(updates, u)
	}
	slices.SortFunc(updates, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	base.Apply(updates)
	var b bal.Builder
	for k := range uint32(txs + 2) {
		f := bal.NewFragment()
		for range 1 + rng.IntN(4) {
			a := addrs[rng.IntN(len(addrs))]
			switch rng.IntN(4) {
			case 0:
				f.Touch(a)
			case 1:
				f.SetBalance(a, uint256.NewInt(uint64(rng.IntN(1000))))
			case 2:
				f.SetNonce(a, uint64(rng.IntN(9)))
			case 3:
				f.SetCode(a, []byte{0x60, byte(rng.IntN(256))})
			}
		}
		b.Merge(k, f)
	}
	return base, b.Build(), addrs
}

// A view with the block's memo of base accounts reads what a view without
// it reads, for every account (listed or not) at every index, from many
// goroutines at once (run with -race); the memo's updates are BALUpdates'.
// Reset over another base and list forgets the previous block.
func TestListBaseAgreesWithBase(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 7928))
	var lb state.ListBase
	for round := range 20 {
		txs := 1 + rng.IntN(6)
		base, list, addrs := listAndBase(rng, txs)
		lk := bal.NewLookup(list)
		lb.Reset(base, lk)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for k := range uint32(txs + 2) {
					for i := range addrs {
						a := addrs[(i+g)%len(addrs)]
						plain := state.BALView{Base: base, Lookup: lk, K: k}
						memo := state.BALView{Base: base, Lookup: lk, K: k, Pre: &lb}
						wa, wok, werr := plain.Account(a)
						ga, gok, gerr := memo.Account(a)
						if wa != ga || wok != gok || werr != nil || gerr != nil {
							t.Errorf("round %d, %s at %d: memo %+v %v %v, base %+v %v %v", round, a, k, ga, gok, gerr, wa, wok, werr)
							return
						}
					}
				}
			})
		}
		var got []state.AccountUpdate
		var gotErr error
		wg.Go(func() { got, gotErr = lb.Updates(context.Background()) })
		wg.Wait()
		want, err := state.BALUpdates(context.Background(), lk, base)
		if err != nil || gotErr != nil {
			t.Fatal(err, gotErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: memo updates %+v, BALUpdates %+v", round, got, want)
		}
	}
}

// failingReader fails the first read of each account, then reads base.
type failingReader struct {
	*state.Memory
	mu     sync.Mutex
	failed map[types.Address]bool
}

var errFlaky = errors.New("flaky read")

func (r *failingReader) Account(a types.Address) (types.Account, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.failed[a] {
		r.failed[a] = true
		return types.Account{}, false, errFlaky
	}
	return r.Memory.Account(a)
}

// A failed read of the base is the caller's error and is not remembered:
// the next read goes to the base again.
func TestListBaseError(t *testing.T) {
	base, list, _ := listAndBase(rand.New(rand.NewPCG(5, 5)), 3)
	r := &failingReader{Memory: base, failed: map[types.Address]bool{}}
	lk := bal.NewLookup(list)
	var lb state.ListBase
	lb.Reset(r, lk)
	if _, _, err := lb.At(0); !errors.Is(err, errFlaky) {
		t.Fatalf("first read: %v, want the base's error", err)
	}
	got, ok, err := lb.At(0)
	want, wok, _ := base.Account(lk.AddressAt(0))
	if err != nil || got != want || ok != wok {
		t.Fatalf("second read: %+v %v %v, want %+v %v", got, ok, err, want, wok)
	}
	if _, err := lb.Updates(context.Background()); !errors.Is(err, errFlaky) {
		t.Fatalf("updates over unread accounts: %v, want the base's error", err)
	}
}

// bigList draws a pre-state and a list of n accounts, a third of them new,
// with balance, nonce, code and storage changes, accounts the block empties
// and accounts it only reads.
func bigList(rng *rand.Rand, n int) (*state.Memory, *bal.Lookup) {
	base := state.NewMemory()
	var pre []state.AccountUpdate
	var b bal.Builder
	f := bal.NewFragment()
	for i := range n {
		var a types.Address
		for j := range a {
			a[j] = byte(rng.Uint32())
		}
		if i%3 != 0 {
			u := state.AccountUpdate{Address: a, Nonce: uint64(rng.IntN(5)), CodeHash: types.EmptyCodeHash}
			u.Balance.SetUint64(uint64(1 + rng.IntN(1000)))
			pre = append(pre, u)
		}
		f.Reset()
		switch i % 6 {
		case 0:
			f.SetBalance(a, uint256.NewInt(uint64(rng.IntN(1000))))
		case 1:
			f.SetNonce(a, uint64(6+rng.IntN(9)))
		case 2:
			f.SetCode(a, []byte{0x60, byte(i)})
		case 3:
			f.WriteSlot(a, uint256.NewInt(uint64(i)), uint256.NewInt(uint64(rng.IntN(9))))
		case 4:
			f.SetBalance(a, new(uint256.Int)) // empties an account without a nonce
		case 5:
			f.Touch(a)
		}
		b.Merge(uint32(1+i%100), f)
	}
	slices.SortFunc(pre, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	base.Apply(pre)
	return base, bal.NewLookup(b.Build())
}

// indexedReader fails the reads of the accounts in fail with their own
// errors.
type indexedReader struct {
	*state.Memory
	fail map[types.Address]error
}

func (r *indexedReader) Account(a types.Address) (types.Account, bool, error) {
	if err := r.fail[a]; err != nil {
		return types.Account{}, false, err
	}
	return r.Memory.Account(a)
}

// BALUpdates over a long list derives its updates on several goroutines, a
// chunk of accounts each: the result is the one of a single goroutine, in
// the list's order; a failed read is reported as the first failure in that
// order, whichever goroutine meets it first; a cancelled context stops it.
func TestBALUpdatesInChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	base, lk := bigList(rng, 5000)
	prev := runtime.GOMAXPROCS(1)
	want, err := state.BALUpdates(context.Background(), lk, base)
	runtime.GOMAXPROCS(max(prev, 4))
	defer runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	changed, deleted := 0, 0
	for _, u := range want {
		if u.Deleted {
			deleted++
		}
		changed++
	}
	if changed < 4000 || deleted < 500 {
		t.Fatalf("%d updates, %d deletions: the list does not exercise them", changed, deleted)
	}
	for range 5 {
		got, err := state.BALUpdates(context.Background(), lk, base)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("on several goroutines: %v, or updates differ from one goroutine's", err)
		}
	}

	first, later := errors.New("first failure"), errors.New("later failure")
	var firstAddr, laterAddr types.Address
	for i, a := range lk.All() {
		if final := lk.FinalAt(i); !final.Changed() && len(a.StorageChanges) == 0 {
			continue
		}
		switch {
		case i > 600 && firstAddr == types.Address{}:
			firstAddr = a.Address
		case i > 4000:
			laterAddr = a.Address
		}
	}
	r := &indexedReader{Memory: base, fail: map[types.Address]error{firstAddr: first, laterAddr: later}}
	for range 20 {
		if _, err := state.BALUpdates(context.Background(), lk, r); err != first {
			t.Fatalf("two failing reads: %v, want the first in the list's order", err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := state.BALUpdates(ctx, lk, base); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// BenchmarkBALUpdates derives the post-state of a list of 5,000 accounts
// from a memory pre-state: with -cpu 1,2 the gain of the chunks on a free
// core.
func BenchmarkBALUpdates(b *testing.B) {
	base, lk := bigList(rand.New(rand.NewPCG(3, 3)), 5000)
	b.ReportAllocs()
	for range b.N { // not b.Loop: it ignores -cpu (Go 1.26)
		if _, err := state.BALUpdates(context.Background(), lk, base); err != nil {
			b.Fatal(err)
		}
	}
}

// peekingReader is a base that records which of Storage and PeekStorage
// each slot read went to.
type peekingReader struct {
	*state.Memory
	mu                       sync.Mutex
	stored, peeked           []uint256.Int
	accounts, peekedAccounts []types.Address
}

func (r *peekingReader) Storage(a types.Address, slot uint256.Int) (uint256.Int, error) {
	r.mu.Lock()
	r.stored = append(r.stored, slot)
	r.mu.Unlock()
	return r.Memory.Storage(a, slot)
}

func (r *peekingReader) Account(a types.Address) (types.Account, bool, error) {
	r.mu.Lock()
	r.accounts = append(r.accounts, a)
	r.mu.Unlock()
	return r.Memory.Account(a)
}

func (r *peekingReader) PeekAccount(a types.Address) (types.Account, bool, error) {
	r.mu.Lock()
	r.peekedAccounts = append(r.peekedAccounts, a)
	r.mu.Unlock()
	return r.Memory.Account(a)
}

func (r *peekingReader) PeekStorage(a types.Address, slot uint256.Int) (uint256.Int, error) {
	r.mu.Lock()
	r.peeked = append(r.peeked, slot)
	r.mu.Unlock()
	return r.Memory.Storage(a, slot)
}

// A view reads a slot the list writes at some index from its base with
// PeekStorage while no write is below K, and answers from the list once
// one is; a slot the list only reads, or does not name, goes to Storage.
// A base without PeekStorage gets every miss through Storage.
func TestBALViewPeeksWrittenSlots(t *testing.T) {
	a := types.Address{0xaa}
	base := state.NewMemory()
	base.Apply([]state.AccountUpdate{{Address: a, Nonce: 1, CodeHash: types.EmptyCodeHash,
		Storage: []state.SlotUpdate{{Key: *uint256.NewInt(1), Value: *uint256.NewInt(10)}, {Key: *uint256.NewInt(2), Value: *uint256.NewInt(20)}}}})
	var b bal.Builder
	f := bal.NewFragment()
	f.ReadSlot(a, uint256.NewInt(2))
	b.Merge(1, f)
	f = bal.NewFragment()
	f.WriteSlot(a, uint256.NewInt(1), uint256.NewInt(11))
	b.Merge(2, f)
	lk := bal.NewLookup(b.Build())
	for _, c := range []struct {
		k                    uint32
		slot, want           uint64
		peeked, stored, list bool
	}{
		{k: 1, slot: 1, want: 10, peeked: true}, // written at 2, not below 1
		{k: 2, slot: 1, want: 10, peeked: true}, // the writer reads the pre-block value
		{k: 3, slot: 1, want: 11, list: true},   // the write at 2 is below 3
		{k: 1, slot: 2, want: 20, stored: true}, // only read in the list
		{k: 3, slot: 3, want: 0, stored: true},  // not in the list
	} {
		r := &peekingReader{Memory: base}
		v := state.BALView{Base: r, Lookup: lk, K: c.k}
		got, err := v.Storage(a, *uint256.NewInt(c.slot))
		if err != nil || got.Uint64() != c.want {
			t.Fatalf("slot %d at %d: %v %v, want %d", c.slot, c.k, got, err, c.want)
		}
		if (len(r.peeked) == 1) != c.peeked || (len(r.stored) == 1) != c.stored || len(r.peeked)+len(r.stored) > 1 || c.list && len(r.peeked)+len(r.stored) != 0 {
			t.Fatalf("slot %d at %d: peeked %v, stored %v", c.slot, c.k, r.peeked, r.stored)
		}
		plain := state.BALView{Base: base, Lookup: lk, K: c.k}
		if got, err := plain.Storage(a, *uint256.NewInt(c.slot)); err != nil || got.Uint64() != c.want {
			t.Fatalf("slot %d at %d without PeekStorage: %v %v", c.slot, c.k, got, err)
		}
	}
}

// A ListBase over a base that peeks reads the accounts the list changes with
// PeekAccount and the ones it only touches with Account, and reads the
// same values either way.
func TestListBasePeeksChangedAccounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for range 10 {
		base, list, _ := listAndBase(rng, 4)
		lk := bal.NewLookup(list)
		r := &peekingReader{Memory: base}
		var lb state.ListBase
		lb.Reset(r, lk)
		for i := range lk.Len() {
			got, ok, err := lb.At(i)
			want, wok, _ := base.Account(lk.AddressAt(i))
			if err != nil || got != want || ok != wok {
				t.Fatalf("position %d: %+v %v %v, want %+v %v", i, got, ok, err, want, wok)
			}
		}
		for i := range lk.Len() {
			a := lk.AddressAt(i)
			peeked, read := slices.Contains(r.peekedAccounts, a), slices.Contains(r.accounts, a)
			if peeked != lk.AccessAt(i).Changed() || read == peeked {
				t.Fatalf("%s (changed %v): peeked %v, read %v", a, lk.AccessAt(i).Changed(), peeked, read)
			}
		}
	}
}
