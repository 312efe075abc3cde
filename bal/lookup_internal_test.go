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
