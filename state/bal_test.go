package state

import (
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
)

// buildFragment runs fn on a fresh Amsterdam StateDB recording into a
// fragment, finalises, and returns the access list built from it at index 1.
func buildFragment(t *testing.T, r Reader, fn func(s *StateDB)) *bal.BlockAccessList {
	t.Helper()
	s := New(r)
	f := bal.NewFragment()
	s.SetAmsterdam(f)
	// An access before Prepare is not recorded.
	_ = s.GetBalance(types.Address{0xee})
	s.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	fn(s)
	s.Finalise()
	var b bal.Builder
	b.Merge(1, f)
	return b.Build()
}

func findAccount(l *bal.BlockAccessList, addr types.Address) *bal.AccountAccess {
	for i := range l.Accounts {
		if l.Accounts[i].Address == addr {
			return &l.Accounts[i]
		}
	}
	return nil
}

func TestRecordAccessesAndReads(t *testing.T) {
	l := buildFragment(t, testState(), func(s *StateDB) {
		_ = s.Exist(addrB)          // absent account: present, empty
		_ = s.GetState(addrA, u(1)) // read
		snap := s.Snapshot()
		s.SetState(addrA, u(2), u(7)) // reverted write: stays a read
		s.RevertToSnapshot(snap)
		s.SetState(addrA, u(3), u(9)) // X -> Y -> X: a read
		s.SetState(addrA, u(3), u(0))
		s.SetState(addrA, u(4), u(1)) // net write
		_ = s.GetState(addrB, u(5))   // absent account: no storage read
	})
	if findAccount(l, types.Address{0xee}) != nil {
		t.Error("access before Prepare recorded")
	}
	b := findAccount(l, addrB)
	if b == nil || len(b.StorageReads) != 0 || len(b.StorageChanges) != 0 {
		t.Errorf("absent account: %+v", b)
	}
	a := findAccount(l, addrA)
	if a == nil {
		t.Fatal("A missing")
	}
	var reads []uint64
	for _, r := range a.StorageReads {
		reads = append(reads, r.Uint64())
	}
	if len(reads) != 3 || reads[0] != 1 || reads[1] != 2 || reads[2] != 3 {
		t.Errorf("reads %v, want [1 2 3]", reads)
	}
	if len(a.StorageChanges) != 1 || a.StorageChanges[0].Slot != u(4) || a.StorageChanges[0].Writes[0].Value != u(1) {
		t.Errorf("writes %+v", a.StorageChanges)
	}
	if len(a.BalanceChanges)+len(a.NonceChanges)+len(a.CodeChanges) != 0 {
		t.Errorf("unexpected metadata changes %+v", a)
	}
}

func TestRecordMetadataNetChanges(t *testing.T) {
	l := buildFragment(t, testState(), func(s *StateDB) {
		s.AddBalance(addrA, ptr(u(5))) // round trip: no entry
		s.SubBalance(addrA, ptr(u(5)))
		s.SetNonce(addrA, 2)                       // change
		s.SetCode(addrA, []byte{0x60, 0x00, 0x00}) // same code: no entry
		s.AddBalance(addrB, ptr(u(3)))             // new account
		s.AddBalance(addrC, ptr(u(0)))             // touched empty account, deleted: no entry
	})
	a := findAccount(l, addrA)
	if a == nil || len(a.BalanceChanges) != 0 || len(a.CodeChanges) != 0 || len(a.NonceChanges) != 1 || a.NonceChanges[0].Nonce != 2 {
		t.Errorf("A: %+v", a)
	}
	b := findAccount(l, addrB)
	if b == nil || len(b.BalanceChanges) != 1 || b.BalanceChanges[0].Balance != u(3) || b.BalanceChanges[0].Index != 1 {
		t.Errorf("B: %+v", b)
	}
	c := findAccount(l, addrC)
	if c == nil || len(c.BalanceChanges)+len(c.NonceChanges)+len(c.CodeChanges) != 0 {
		t.Errorf("C: %+v", c)
	}
}

// TestEIP8246Survivor: a contract created and self-destructed in one
// transaction keeps its balance as a balance-only account; its storage is a
// read only, and there is no nonce or code entry.
func TestEIP8246Survivor(t *testing.T) {
	var changes *Changes
	s := New(testState())
	f := bal.NewFragment()
	s.SetAmsterdam(f)
	s.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	s.CreateAccount(addrB)
	s.CreateContract(addrB)
	s.SetNonce(addrB, 1)
	s.SetCode(addrB, []byte{0x00})
	s.SetState(addrB, u(1), u(1))
	s.AddBalance(addrB, ptr(u(9)))
	s.SelfDestruct(addrB)
	changes = s.Finalise()
	if len(changes.Accounts) != 1 {
		t.Fatalf("changes %+v", changes.Accounts)
	}
	up := changes.Accounts[0]
	if up.Deleted || !up.Wiped || up.Balance != u(9) || up.Nonce != 0 || up.CodeHash != types.EmptyCodeHash || len(up.Storage) != 0 {
		t.Fatalf("survivor %+v", up)
	}
	var b bal.Builder
	b.Merge(1, f)
	acc := findAccount(b.Build(), addrB)
	if acc == nil || len(acc.NonceChanges) != 0 || len(acc.CodeChanges) != 0 || len(acc.StorageChanges) != 0 ||
		len(acc.StorageReads) != 1 || len(acc.BalanceChanges) != 1 {
		t.Fatalf("BAL entry %+v", acc)
	}
}

// TestRecordTouchEachRecording: the StateDB puts an account (and a slot it
// reads) into the fragment once per recording, whichever way it is reached
// (the last-used object, the map, a fresh load), and again in every new
// recording: after Prepare when it was loaded before, in a new fragment on
// the same transaction's objects, and in the next transaction.
func TestRecordTouchEachRecording(t *testing.T) {
	built := func(f *bal.Fragment) *bal.BlockAccessList {
		var b bal.Builder
		b.Merge(1, f)
		return b.Build()
	}
	has := func(t *testing.T, what string, f *bal.Fragment, want ...types.Address) {
		t.Helper()
		l := built(f)
		if len(l.Accounts) != len(want) {
			t.Errorf("%s: %d accounts, want %d", what, len(l.Accounts), len(want))
		}
		for _, a := range want {
			if findAccount(l, a) == nil {
				t.Errorf("%s: %s not recorded", what, a)
			}
		}
	}
	s := New(testState())
	f1 := bal.NewFragment()
	s.SetAmsterdam(f1)
	_ = s.GetBalance(addrA) // loaded before Prepare: not recorded yet
	s.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	_ = s.GetBalance(addrA) // the last-used object
	_ = s.GetNonce(addrB)
	_ = s.GetState(addrA, u(1)) // from the map
	_ = s.GetBalance(addrA)
	has(t, "first recording", f1, addrA, addrB)

	// A new fragment on the same objects, without a Reset: the account and
	// the slot read in the first recording go into it again.
	f2 := bal.NewFragment()
	s.SetAmsterdam(f2)
	s.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	_ = s.GetBalance(addrB)
	_ = s.GetState(addrA, u(1))
	has(t, "second fragment", f2, addrA, addrB)
	if a := findAccount(built(f2), addrA); a == nil || len(a.StorageReads) != 1 || a.StorageReads[0] != u(1) {
		t.Errorf("second fragment: A's reads %+v, want slot 1", a)
	}
	s.Finalise()

	// Recording again into the same fragment, emptied in between.
	f2.Reset()
	s.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	_ = s.GetBalance(addrB)
	has(t, "second Prepare", f2, addrB)
	s.Finalise()

	// The next transaction, into a fragment reset in between.
	f2.Reset()
	s.Reset(testState())
	s.SetAmsterdam(f2)
	s.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	_ = s.GetBalance(addrB)
	_ = s.GetState(addrA, u(1))
	has(t, "next transaction", f2, addrA, addrB)
	s.Finalise()
}
