package bal_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// naive answers Lookup's questions by scanning every entry, without relying
// on any order.
type naive struct{ l *bal.BlockAccessList }

func (n naive) account(addr types.Address) *bal.AccountAccess {
	for i := range n.l.Accounts {
		if n.l.Accounts[i].Address == addr {
			return &n.l.Accounts[i]
		}
	}
	return nil
}

// at returns the state as of k; k = ^uint64(0) means after the block.
func (n naive) at(addr types.Address, k uint64) bal.AccountState {
	var s bal.AccountState
	a := n.account(addr)
	if a == nil {
		return s
	}
	best := int64(-1)
	for _, c := range a.BalanceChanges {
		if uint64(c.Index) < k && int64(c.Index) > best {
			best, s.Balance, s.HasBalance = int64(c.Index), c.Balance, true
		}
	}
	best = -1
	for _, c := range a.NonceChanges {
		if uint64(c.Index) < k && int64(c.Index) > best {
			best, s.Nonce, s.HasNonce = int64(c.Index), c.Nonce, true
		}
	}
	best = -1
	for _, c := range a.CodeChanges {
		if uint64(c.Index) < k && int64(c.Index) > best {
			best, s.Code, s.HasCode = int64(c.Index), c.Code, true
			s.CodeHash = types.Keccak256One(c.Code)
		}
	}
	return s
}

func (n naive) storage(addr types.Address, slot *uint256.Int, k uint64) (uint256.Int, bool) {
	a := n.account(addr)
	if a == nil {
		return uint256.Int{}, false
	}
	var v uint256.Int
	best := int64(-1)
	for _, sc := range a.StorageChanges {
		if !sc.Slot.Eq(slot) {
			continue
		}
		for _, w := range sc.Writes {
			if uint64(w.Index) < k && int64(w.Index) > best {
				best, v = int64(w.Index), w.Value
			}
		}
	}
	return v, best >= 0
}

// written reports whether the list writes addr's slot at any index.
func (n naive) written(addr types.Address, slot *uint256.Int) bool {
	if a := n.account(addr); a != nil {
		for _, sc := range a.StorageChanges {
			if sc.Slot.Eq(slot) && len(sc.Writes) > 0 {
				return true
			}
		}
	}
	return false
}

const afterBlock = ^uint64(0)

func sameState(a, b bal.AccountState) bool {
	return a.Balance == b.Balance && a.Nonce == b.Nonce && bytes.Equal(a.Code, b.Code) && a.CodeHash == b.CodeHash &&
		a.HasBalance == b.HasBalance && a.HasNonce == b.HasNonce && a.HasCode == b.HasCode
}

// checkLookup compares every query of lk with the naive scan, for every
// address of the list plus some absent ones, every slot written or read plus
// neighbours, and every k in 0..maxK.
func checkLookup(t *testing.T, l *bal.BlockAccessList, maxK uint32) {
	t.Helper()
	lk := bal.NewLookup(l)
	ref := naive{l}
	if lk.Len() != len(l.Accounts) {
		t.Fatalf("Len %d, want %d", lk.Len(), len(l.Accounts))
	}
	addrs := []types.Address{{}, {0xff, 0xff}}
	seen := 0
	for i, a := range lk.All() {
		if i != seen || a != &l.Accounts[i] {
			t.Fatalf("All yielded %d out of order", i)
		}
		seen++
	}
	if seen != len(l.Accounts) {
		t.Fatalf("All yielded %d accounts, want %d", seen, len(l.Accounts))
	}
	for _, a := range l.Accounts {
		addrs = append(addrs, a.Address)
		near := a.Address
		near[19]++
		addrs = append(addrs, near)
	}
	for _, addr := range addrs {
		a := ref.account(addr)
		pos, found := lk.Find(addr)
		if found != (a != nil) {
			t.Fatalf("Find(%s) = %v, want %v", addr, found, a != nil)
		}
		if found && &l.Accounts[pos] != a {
			t.Fatalf("Find(%s) = %d, wrong account", addr, pos)
		}
		slots := []uint256.Int{u(0), uh("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")}
		if a != nil {
			for _, sc := range a.StorageChanges {
				next := sc.Slot
				next.AddUint64(&next, 1)
				slots = append(slots, sc.Slot, next)
			}
			slots = append(slots, a.StorageReads...)
		}
		for k := uint32(0); k <= maxK; k++ {
			want := ref.at(addr, uint64(k))
			if got := lk.Account(addr, k); !sameState(got, want) {
				t.Fatalf("Account(%s, %d) = %+v, want %+v", addr, k, got, want)
			}
			if found && !sameState(lk.AccountAt(pos, k), want) {
				t.Fatalf("AccountAt(%d, %d) differs", pos, k)
			}
			if c, h, ok := lk.Code(addr, k); ok != want.HasCode || !bytes.Equal(c, want.Code) || h != want.CodeHash {
				t.Fatalf("Code(%s, %d) = %x %s %v", addr, k, c, h, ok)
			}
			for _, slot := range slots {
				wv, wok := ref.storage(addr, &slot, uint64(k))
				if v, ok := lk.Storage(addr, &slot, k); ok != wok || v != wv {
					t.Fatalf("Storage(%s, %s, %d) = %v %v, want %v %v", addr, slot.Hex(), k, v, ok, wv, wok)
				}
				if found {
					if v, ok := lk.StorageAt(pos, &slot, k); ok != wok || v != wv {
						t.Fatalf("StorageAt(%d, %s, %d) differs", pos, slot.Hex(), k)
					}
				}
				written := ref.written(addr, &slot)
				if v, ok, w := lk.StorageWrite(addr, &slot, k); ok != wok || v != wv || w != written {
					t.Fatalf("StorageWrite(%s, %s, %d) = %v %v %v, want %v %v %v", addr, slot.Hex(), k, v, ok, w, wv, wok, written)
				}
			}
		}
		if !found {
			continue
		}
		if ch := len(a.BalanceChanges) > 0 || len(a.NonceChanges) > 0 || len(a.CodeChanges) > 0 || len(a.StorageChanges) > 0; a.Changed() != ch {
			t.Fatalf("%s: Changed() = %v, want %v", addr, !ch, ch)
		}
		want := ref.at(addr, afterBlock)
		got := lk.FinalAt(pos)
		if !sameState(got, want) {
			t.Fatalf("FinalAt(%d) = %+v, want %+v", pos, got, want)
		}
		if got.Changed() != (want.HasBalance || want.HasNonce || want.HasCode) {
			t.Fatalf("Changed wrong for %s", addr)
		}
	}
}

// Every real list, every address, slot, field and k in 0..n+2.
func TestLookupReal(t *testing.T) {
	for _, p := range loadPayloads(t) {
		checkLookup(t, mustDecode(t, p.raw), uint32(p.txCount)+2)
	}
}

// Synthetic lists with long, gappy histories and code, which the real lists
// lack.
func TestLookupSynthetic(t *testing.T) {
	seed := uint64(7928)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for range 20 {
		txs := 1 + rng.IntN(30)
		l := randomList(rng, 1+rng.IntN(40), txs)
		if err := l.Validate(1<<62, txs); err != nil {
			t.Fatal(err)
		}
		checkLookup(t, l, uint32(txs)+2)
	}
	checkLookup(t, validList(), 6)
	for _, ex := range gethExamples {
		checkLookup(t, mustDecode(t, hexBytes(t, ex.enc)), uint32(ex.txCount)+2)
	}
	checkLookup(t, &bal.BlockAccessList{}, 2)
	// An account with enough written slots for the slot index, beside one
	// below it.
	var b bal.Builder
	f := bal.NewFragment()
	hot, cold := types.Address{0x70}, types.Address{0x71}
	for idx := range uint32(4) {
		f.Reset()
		for range 150 {
			slot := uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
			f.WriteSlot(hot, &slot, up(rng.Uint64()))
			if rng.IntN(4) == 0 {
				f.ReadSlot(hot, up(uint64(rng.IntN(1000))))
			}
		}
		f.WriteSlot(cold, up(uint64(idx)), up(1))
		f.SetBalance(cold, up(uint64(100+idx))) // a change at every index
		b.Merge(idx+1, f)
	}
	checkLookup(t, b.Build(), 6)
	// The fee recipient of a long block: a balance change at every index
	// but a few.
	b = bal.Builder{}
	fee := types.Address{0xfe}
	for idx := range uint32(300) {
		if idx%97 == 5 {
			continue
		}
		f.Reset()
		f.SetBalance(fee, up(uint64(idx)))
		b.Merge(idx, f)
	}
	checkLookup(t, b.Build(), 302)
}

// randomList builds a valid list through the Builder from random fragments.
func randomList(rng *rand.Rand, naccounts, txs int) *bal.BlockAccessList {
	addrs := make([]types.Address, naccounts)
	for i := range addrs {
		addrs[i][0] = byte(rng.IntN(4)) // shared prefixes exercise the key comparison
		addrs[i][19] = byte(i)
		addrs[i][10] = byte(rng.IntN(256))
	}
	var b bal.Builder
	f := bal.NewFragment()
	for idx := 0; idx <= txs+1; idx++ {
		f.Reset()
		for range rng.IntN(2 * naccounts) {
			a := addrs[rng.IntN(len(addrs))]
			slot := u(uint64(rng.IntN(16)))
			switch rng.IntN(6) {
			case 0:
				f.Touch(a)
			case 1:
				f.ReadSlot(a, &slot)
			case 2:
				f.WriteSlot(a, &slot, up(rng.Uint64()))
			case 3:
				f.SetBalance(a, up(rng.Uint64()))
			case 4:
				f.SetNonce(a, rng.Uint64())
			case 5:
				code := make([]byte, rng.IntN(40))
				for i := range code {
					code[i] = byte(rng.IntN(256))
				}
				f.SetCode(a, code)
			}
		}
		b.Merge(uint32(idx), f)
	}
	return b.Build()
}

func TestLookupAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := randomList(rng, 50, 20)
	lk := bal.NewLookup(l)
	a := l.Accounts[len(l.Accounts)/2].Address
	slot := u(3)
	var sink uint64
	n := testing.AllocsPerRun(200, func() {
		s := lk.Account(a, 10)
		v, _ := lk.Storage(a, &slot, 10)
		c, _, _ := lk.Code(a, 7)
		pos, ok := lk.Find(a)
		if ok {
			sink++
		}
		fin := lk.FinalAt(pos)
		at := lk.AccountAt(pos, 5)
		sv, _ := lk.StorageAt(pos, &slot, 5)
		sink += s.Nonce + v.Uint64() + uint64(len(c)) + fin.Nonce + at.Nonce + sv.Uint64()
	})
	if n != 0 {
		t.Fatalf("Lookup queries allocate %v times", n)
	}
	_ = sink
}

// Concurrent readers see the same answers; run with -race.
func TestLookupConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	l := randomList(rng, 30, 10)
	lk := bal.NewLookup(l)
	ref := naive{l}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for k := uint32(0); k < 13; k++ {
				for i := range l.Accounts {
					a := l.Accounts[(i+g)%len(l.Accounts)].Address
					if !sameState(lk.Account(a, k), ref.at(a, uint64(k))) {
						t.Error("concurrent query differs")
						return
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
