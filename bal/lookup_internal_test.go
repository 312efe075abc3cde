package bal

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// addrIndex is the alternative to Lookup's binary search: a map from address
// to position.
type addrIndex map[types.Address]int32

func (m addrIndex) find(addr types.Address) (int, bool) {
	i, ok := m[addr]
	return int(i), ok
}

func sortedAccounts(rng *rand.Rand, n int) *BlockAccessList {
	l := &BlockAccessList{Accounts: make([]AccountAccess, n)}
	for i := range l.Accounts {
		for j := range l.Accounts[i].Address {
			l.Accounts[i].Address[j] = byte(rng.IntN(256))
		}
	}
	slices.SortFunc(l.Accounts, func(x, y AccountAccess) int { return x.Address.Compare(&y.Address) })
	return l
}

// BenchmarkAccountSearch compares the ways of finding an account, all
// called with the address by value as real callers do: Lookup.Find (the
// buckets, then a binary search within one), a binary search over all the
// dense keys (what Find did before the buckets) and a map. Queries go
// through present addresses in random order, 4096 of them, so that none
// gains from repetition.
func BenchmarkAccountSearch(b *testing.B) {
	for _, n := range []int{8, 64, 512, 4096, 16384} {
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		l := sortedAccounts(rng, n)
		queries := make([]types.Address, 4096)
		for i := range queries {
			queries[i] = l.Accounts[rng.IntN(n)].Address
		}
		lk := NewLookup(l)
		m := make(addrIndex, n)
		for i := range l.Accounts {
			m[l.Accounts[i].Address] = int32(i)
		}
		for _, c := range []struct {
			name string
			find func(types.Address) (int, bool)
		}{
			{"buckets", lk.Find},
			{"binary", lk.binaryFind},
			{"map", m.find},
		} {
			b.Run(fmt.Sprintf("%s/accounts=%d", c.name, n), func(b *testing.B) {
				b.ReportAllocs()
				i, hits := 0, 0
				for b.Loop() {
					if _, ok := c.find(queries[i&4095]); ok {
						hits++
					}
					i++
				}
				if hits != i {
					b.Fatal("miss")
				}
			})
		}
	}
}

// binaryFind is Find without the buckets: a binary search over all keys.
func (lk *Lookup) binaryFind(addr types.Address) (int, bool) {
	return lk.search(keyOf(&addr), 0, len(lk.keys))
}

// Find agrees with the map on present and absent addresses, so the
// benchmark compares equals: on addresses spread as Ethereum's are, where
// the buckets do the work, and on addresses sharing long prefixes, where
// one bucket holds them all and the binary search does; at every size
// around the powers of two the bucket count follows.
func TestFindAgreesWithMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 100, 1023, 1024, 1025, 5000} {
		for _, spread := range []bool{true, false} {
			l := sortedAccounts(rng, n)
			if !spread {
				for i := range l.Accounts {
					// Few distinct bytes, so that addresses share long prefixes.
					l.Accounts[i].Address = types.Address{}
					l.Accounts[i].Address[rng.IntN(20)] = byte(rng.IntN(4))
					l.Accounts[i].Address[18], l.Accounts[i].Address[19] = byte(i>>8), byte(i)
				}
				slices.SortFunc(l.Accounts, func(x, y AccountAccess) int { return x.Address.Compare(&y.Address) })
			}
			m := make(addrIndex)
			for i := range l.Accounts {
				m[l.Accounts[i].Address] = int32(i)
			}
			lk := NewLookup(l)
			for i := range 3000 {
				var a types.Address
				switch {
				case i%2 == 0 && n > 0:
					a = l.Accounts[rng.IntN(n)].Address
				case spread:
					for j := range a {
						a[j] = byte(rng.IntN(256))
					}
				default:
					a[rng.IntN(20)] = byte(rng.IntN(4))
					a[19] = byte(rng.IntN(256))
				}
				if i%7 == 0 {
					a[0] = 0xff * byte(i%2) // the first and the last bucket
				}
				p1, ok1 := lk.Find(a)
				p2, ok2 := m.find(a)
				if ok1 != ok2 || ok1 && p1 != p2 {
					t.Fatalf("%d accounts, spread %v, %s: Find %d %v, map %d %v", n, spread, a, p1, ok1, p2, ok2)
				}
				if !ok1 {
					// The position is where the address would go.
					if p1 < 0 || p1 > n || p1 > 0 && l.Accounts[p1-1].Address.Compare(&a) >= 0 ||
						p1 < n && l.Accounts[p1].Address.Compare(&a) <= 0 {
						t.Fatalf("%d accounts, %s absent: position %d out of order", n, a, p1)
					}
				}
			}
		}
	}
}

// slotAccount is one account with n written slots, sorted: keccak-like
// (uniform words) when spread, else the small integers 0, 3, 6, ... (a
// contract's fixed variables and arrays).
func slotAccount(rng *rand.Rand, n int, spread bool) *BlockAccessList {
	a := AccountAccess{Address: types.Address{0x70}, StorageChanges: make([]SlotChanges, n)}
	for i := range a.StorageChanges {
		s := &a.StorageChanges[i]
		if spread {
			s.Slot = uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		} else {
			s.Slot.SetUint64(uint64(3 * i))
		}
		s.Writes = []StorageWrite{{Index: 1, Value: *uint256.NewInt(uint64(i))}}
	}
	slices.SortFunc(a.StorageChanges, func(x, y SlotChanges) int { return x.Slot.Cmp(&y.Slot) })
	a.StorageChanges = slices.CompactFunc(a.StorageChanges, func(x, y SlotChanges) bool { return x.Slot == y.Slot })
	return &BlockAccessList{Accounts: []AccountAccess{a}}
}

// The slot index answers as the binary search does, for present and
// absent slots, on both kinds of slots and at sizes around slotIndexMin
// and the table's powers of two; an account below slotIndexMin has no
// table.
func TestSlotIndexAgreesWithSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, n := range []int{1, slotIndexMin - 1, slotIndexMin, slotIndexMin + 1, 127, 128, 129, 1000, 10000} {
		for _, spread := range []bool{true, false} {
			l := slotAccount(rng, n, spread)
			sc := l.Accounts[0].StorageChanges
			lk := NewLookup(l)
			if indexed := lk.slotTabs != nil && lk.slotTabs[0].mask != 0; indexed != (len(sc) >= slotIndexMin) {
				t.Fatalf("%d slots: indexed %v", len(sc), indexed)
			}
			var queries []uint256.Int
			for i := range sc {
				next := sc[i].Slot
				next.AddUint64(&next, 1)
				queries = append(queries, sc[i].Slot, next)
			}
			for range 1000 {
				queries = append(queries, uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}, *uint256.NewInt(rng.Uint64N(uint64(4 * n))))
			}
			for _, q := range queries {
				if got, want := lk.slotChanges(0, &q), findSlot(sc, &q); got != want {
					t.Fatalf("%d slots, spread %v, slot %s: index %p, search %p", len(sc), spread, q.Hex(), got, want)
				}
			}
		}
	}
}

// A table too crowded for every slot to sit within slotIndexProbes of its
// entry is left empty and reported, so that the account keeps the binary
// search: that bounds a lookup's probes whatever slots a list names.
func TestSlotTableTooCrowded(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	sc := slotAccount(rng, slotIndexProbes+1, true).Accounts[0].StorageChanges
	tab := make([]int32, slotIndexProbes) // fewer entries than slots
	if fillSlotTable(tab, sc) {
		t.Fatal("a table with fewer entries than slots was filled")
	}
	if slices.ContainsFunc(tab, func(e int32) bool { return e != 0 }) {
		t.Fatal("an abandoned table was not cleared")
	}
	// A Lookup whose table was abandoned searches, and finds every slot.
	l := slotAccount(rng, 2*slotIndexMin, true)
	lk := NewLookup(l)
	if lk.slotTabs[0].mask == 0 {
		t.Fatal("no table to abandon")
	}
	lk.slotTabs[0].mask = 0
	for i := range l.Accounts[0].StorageChanges {
		s := &l.Accounts[0].StorageChanges[i]
		if lk.slotChanges(0, &s.Slot) != s {
			t.Fatalf("slot %d not found without its table", i)
		}
	}
}

// BenchmarkSlotSearch finds written slots of one hot account (an ERC-20's
// balances: keccak outputs) in random order: through a slot table, and by
// the binary search. The sizes straddle slotIndexMin, the smallest account
// given a table.
func BenchmarkSlotSearch(b *testing.B) {
	for _, n := range []int{64, 128, 256, 1000, 10000} {
		rng := rand.New(rand.NewPCG(uint64(n), 2))
		sc := slotAccount(rng, n, true).Accounts[0].StorageChanges
		tab := make([]int32, slotTableSize(len(sc)))
		if !fillSlotTable(tab, sc) {
			b.Fatal("table not filled")
		}
		queries := make([]uint256.Int, 4096)
		for i := range queries {
			queries[i] = sc[rng.IntN(len(sc))].Slot
		}
		for _, c := range []struct {
			name string
			find func(*uint256.Int) *SlotChanges
		}{
			{"table", func(s *uint256.Int) *SlotChanges { return probeSlot(tab, sc, s) }},
			{"binary", func(s *uint256.Int) *SlotChanges { return findSlot(sc, s) }},
		} {
			b.Run(fmt.Sprintf("%s/slots=%d", c.name, n), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if c.find(&queries[i&4095]) == nil {
						b.Fatal("miss")
					}
					i++
				}
			})
		}
	}
}

// TestLatestAgreesWithScan checks the latestX searches against a scan from
// the end on index sequences of every density: changed at every index
// (from 0 and from 1, the fee recipient's shape), at most, at few, and not
// at all, for every query index up to past the last entry.
func TestLatestAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	scan := func(idx []uint32, k uint32) int {
		for p := len(idx) - 1; p >= 0; p-- {
			if idx[p] < k {
				return p
			}
		}
		return -1
	}
	var seqs [][]uint32
	for _, n := range []int{0, 1, 2, 3, 50, 700} {
		from0, from1 := make([]uint32, n), make([]uint32, n)
		for i := range n {
			from0[i], from1[i] = uint32(i), uint32(i+1)
		}
		seqs = append(seqs, from0, from1)
		for _, keep := range []float64{0.98, 0.5, 0.05} {
			var s []uint32
			for i := range 3 * n {
				if rng.Float64() < keep {
					s = append(s, uint32(i))
				}
			}
			seqs = append(seqs, s)
		}
	}
	for si, idx := range seqs {
		bc := make([]BalanceChange, len(idx))
		nc := make([]NonceChange, len(idx))
		cc := make([]CodeChange, len(idx))
		sw := make([]StorageWrite, len(idx))
		for i, x := range idx {
			bc[i].Index, nc[i].Index, cc[i].Index, sw[i].Index = x, x, x, x
		}
		last := uint32(0)
		if len(idx) > 0 {
			last = idx[len(idx)-1]
		}
		for k := uint32(0); k <= last+2; k++ {
			want := scan(idx, k)
			got := [4]int{latestBalance(bc, k), latestNonce(nc, k), latestCode(cc, k), latestWrite(sw, k)}
			if got != [4]int{want, want, want, want} {
				t.Fatalf("sequence %d (%d entries), k=%d: balance, nonce, code, write found %v, want %d", si, len(idx), k, got, want)
			}
		}
	}
}
