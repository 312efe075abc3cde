package bal_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// fragOp is one recording call on a Fragment.
type fragOp struct {
	kind  byte // 0 touch, 1 read, 2 write, 3 balance, 4 nonce, 5 code
	addr  types.Address
	slot  uint256.Int
	value uint256.Int
	nonce uint64
	code  []byte
}

func (o fragOp) apply(f *bal.Fragment) {
	switch o.kind {
	case 0:
		f.Touch(o.addr)
	case 1:
		f.ReadSlot(o.addr, &o.slot)
	case 2:
		f.WriteSlot(o.addr, &o.slot, &o.value)
	case 3:
		f.SetBalance(o.addr, &o.value)
	case 4:
		f.SetNonce(o.addr, o.nonce)
	case 5:
		f.SetCode(o.addr, o.code)
	}
}

// randomOp draws an operation over few addresses, slots and values, so that
// steps collide on them.
func randomOp(rng *rand.Rand) fragOp {
	o := fragOp{kind: byte(rng.IntN(6)), addr: driverAddrs[rng.IntN(len(driverAddrs))]}
	o.slot.SetUint64(uint64(rng.IntN(6)))
	o.value.SetUint64(uint64(rng.IntN(4)))
	o.nonce = uint64(rng.IntN(3))
	o.code = make([]byte, rng.IntN(3))
	return o
}

// stepsBlock is a block's steps as operation lists, one per index.
type stepsBlock [][]fragOp

func (s stepsBlock) fragments() []*bal.Fragment {
	out := make([]*bal.Fragment, len(s))
	for k, ops := range s {
		out[k] = bal.NewFragment()
		for _, o := range ops {
			o.apply(out[k])
		}
	}
	return out
}

func (s stepsBlock) build() *bal.BlockAccessList {
	var b bal.Builder
	for k, f := range s.fragments() {
		b.Merge(uint32(k), f)
	}
	return b.Build()
}

// perturb returns a copy of s with one operation added or removed at a
// random index.
func (s stepsBlock) perturb(rng *rand.Rand) stepsBlock {
	out := make(stepsBlock, len(s))
	for k := range s {
		out[k] = append([]fragOp(nil), s[k]...)
	}
	k := rng.IntN(len(out))
	if n := len(out[k]); n > 0 && rng.IntN(2) == 0 {
		i := rng.IntN(n)
		out[k] = append(out[k][:i], out[k][i+1:]...)
	} else {
		out[k] = append(out[k], randomOp(rng))
	}
	return out
}

// cover checks every fragment against lk with a fresh Coverage, each on a
// goroutine of its own, and returns the first error in index order, then
// Complete's.
func cover(lk *bal.Lookup, frags []*bal.Fragment) error {
	var c bal.Coverage
	c.Reset(lk)
	errs := make([]error, len(frags))
	var wg sync.WaitGroup
	for k, f := range frags {
		wg.Go(func() { errs[k] = c.Check(uint32(k), f) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return c.Complete()
}

// The verdict of checking the steps' fragments and the coverage of a list
// is the verdict of building the list from the fragments and comparing:
// on the true list and on lists built from the steps with one operation
// more or less, which differ in an account, a read, a value or an entry,
// or not at all (a read of a slot written elsewhere, a repeated write).
// Run with -race: the checks run concurrently.
func TestCoverageAgreesWithBuilder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7928, 1))
	var same, differ int
	for range 2000 {
		if coverageCase(t, rng) {
			same++
		} else {
			differ++
		}
	}
	t.Logf("%d perturbed lists equal to the true one, %d not", same, differ)
	if same == 0 || differ == 0 {
		t.Fatal("the perturbations do not exercise both verdicts")
	}
}

func FuzzCoverage(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed, seed*31)
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		coverageCase(t, rand.New(rand.NewPCG(a, b)))
	})
}

// coverageCase draws a block's steps, checks that their own list is
// covered, and that a perturbed list is covered exactly when it equals
// theirs; it returns whether it did.
func coverageCase(t *testing.T, rng *rand.Rand) bool {
	t.Helper()
	steps := make(stepsBlock, 1+rng.IntN(6))
	for k := range steps {
		for range rng.IntN(5) {
			steps[k] = append(steps[k], randomOp(rng))
		}
	}
	truth := steps.build()
	if err := cover(bal.NewLookup(truth), steps.fragments()); err != nil {
		t.Fatalf("the true list is not covered: %v\nsteps %+v", err, steps)
	}
	other := steps.perturb(rng).build()
	if err := other.Validate(1<<62, len(steps)-1); err != nil {
		t.Fatalf("perturbed list invalid: %v", err)
	}
	err := cover(bal.NewLookup(other), steps.fragments())
	equal := bal.Equal(truth, other)
	if equal != (err == nil) {
		t.Fatalf("lists equal %v, coverage says %v\nsteps %+v\ntrue  %+v\nother %+v", equal, err, steps, truth.Accounts, other.Accounts)
	}
	if err != nil && !errors.Is(err, bal.ErrFragmentMismatch) && !errors.Is(err, bal.ErrNotAccessed) {
		t.Fatalf("unmatchable error %v", err)
	}
	return equal
}

// What only Complete sees: an account no step touched, a read no step
// made, changes at an index no step was checked at.
func TestCoverageComplete(t *testing.T) {
	steps := stepsBlock{
		{{kind: 3, addr: alice, value: u(5)}},
		{{kind: 1, addr: bob, slot: u(1)}},
	}
	listOf := func(extra ...bal.AccountAccess) *bal.BlockAccessList {
		l := steps.build()
		l.Accounts = append(l.Accounts, extra...)
		return l
	}
	for _, tc := range []struct {
		name string
		list *bal.BlockAccessList
		want string
	}{
		{"account", listOf(bal.AccountAccess{Address: carol}), "account " + carol.String()},
		{"read", listOf(bal.AccountAccess{Address: carol, StorageReads: []uint256.Int{u(9)}}), "account " + carol.String()},
		{"index", listOf(bal.AccountAccess{Address: carol, BalanceChanges: []bal.BalanceChange{{Index: 2, Balance: u(1)}}}), "1 changes at index 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := cover(bal.NewLookup(tc.list), steps.fragments())
			if !errors.Is(err, bal.ErrNotAccessed) || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Fatalf("got %v, want ErrNotAccessed naming %q", err, tc.want)
			}
		})
	}
	// A read of bob's slot the list names beside the one made.
	l := steps.build()
	l.Accounts[1].StorageReads = append(l.Accounts[1].StorageReads, u(2))
	if err := cover(bal.NewLookup(l), steps.fragments()); !errors.Is(err, bal.ErrNotAccessed) || !strings.Contains(fmt.Sprint(err), "slot 0x2 read") {
		t.Fatalf("an extra read: got %v", err)
	}
	// Reset reuses the memory of a larger list for a smaller one.
	var c bal.Coverage
	c.Reset(bal.NewLookup(listOf(bal.AccountAccess{Address: carol})))
	small := steps.build()
	c.Reset(bal.NewLookup(small))
	for k, f := range steps.fragments() {
		if err := c.Check(uint32(k), f); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Complete(); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
}
