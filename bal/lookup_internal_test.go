package bal

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/types"
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

// BenchmarkAccountSearch compares the two ways of finding an account, both
// called with the address by value as real callers do: Lookup's binary
// search over dense keys and a map. Queries cycle through present addresses
// in random order so that neither gains from repetition.
func BenchmarkAccountSearch(b *testing.B) {
	for _, n := range []int{8, 64, 512, 4096} {
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		l := sortedAccounts(rng, n)
		queries := make([]types.Address, 1024)
		for i := range queries {
			queries[i] = l.Accounts[rng.IntN(n)].Address
		}
		lk := NewLookup(l)
		m := make(addrIndex, n)
		for i := range l.Accounts {
			m[l.Accounts[i].Address] = int32(i)
		}
		b.Run(fmt.Sprintf("binary/accounts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			i, hits := 0, 0
			for b.Loop() {
				if _, ok := lk.Find(queries[i&1023]); ok {
					hits++
				}
				i++
			}
			if hits != i {
				b.Fatal("miss")
			}
		})
		b.Run(fmt.Sprintf("map/accounts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			i, hits := 0, 0
			for b.Loop() {
				if _, ok := m.find(queries[i&1023]); ok {
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

// Binary search agrees with the map on present and absent addresses, so the
// benchmark compares equals.
func TestFindAgreesWithMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	l := &BlockAccessList{Accounts: make([]AccountAccess, 100)}
	for i := range l.Accounts {
		// Few distinct bytes, so that addresses share long prefixes.
		l.Accounts[i].Address[rng.IntN(20)] = byte(rng.IntN(4))
		l.Accounts[i].Address[19] = byte(i)
	}
	slices.SortFunc(l.Accounts, func(x, y AccountAccess) int { return x.Address.Compare(&y.Address) })
	m := make(addrIndex)
	for i := range l.Accounts {
		m[l.Accounts[i].Address] = int32(i)
	}
	lk := NewLookup(l)
	for i := range 5000 {
		var a types.Address
		if i%2 == 0 {
			a = l.Accounts[rng.IntN(len(l.Accounts))].Address
		} else {
			a[rng.IntN(20)] = byte(rng.IntN(4))
			a[19] = byte(rng.IntN(256))
		}
		p1, ok1 := lk.Find(a)
		p2, ok2 := m.find(a)
		if ok1 != ok2 || ok1 && p1 != p2 {
			t.Fatalf("%s: binary %d %v, map %d %v", a, p1, ok1, p2, ok2)
		}
	}
}
