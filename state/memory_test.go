package state_test

import (
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// memorySnapshot is everything a Memory holds, for comparison.
type memorySnapshot map[types.Address]struct {
	acct    types.Account
	storage map[uint256.Int]uint256.Int
}

func snapshotMemory(m *state.Memory) memorySnapshot {
	out := make(memorySnapshot)
	for _, a := range m.Addresses() {
		acct, _, _ := m.Account(a)
		st := make(map[uint256.Int]uint256.Int)
		m.StorageOf(a, func(k, v uint256.Int) { st[k] = v })
		out[a] = struct {
			acct    types.Account
			storage map[uint256.Int]uint256.Int
		}{acct, st}
	}
	return out
}

func equalSnapshots(a, b memorySnapshot) bool {
	if len(a) != len(b) {
		return false
	}
	for addr, x := range a {
		y, ok := b[addr]
		if !ok || x.acct != y.acct || len(x.storage) != len(y.storage) {
			return false
		}
		for k, v := range x.storage {
			if y.storage[k] != v {
				return false
			}
		}
	}
	return true
}

// TestApplyWithUndo applies random block updates (creations, changes,
// deletions, wipes, slot writes and clears) and checks that the undo
// restores the state exactly, and that applying the updates again gives
// the same state as the first time.
func TestApplyWithUndo(t *testing.T) {
	seed := uint64(11)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	addr := func() types.Address { return types.Address{19: byte(rng.IntN(24))} }
	slot := func() uint256.Int { return *uint256.NewInt(uint64(rng.IntN(8))) }
	m := state.NewMemory()
	for round := range 300 {
		var updates []state.AccountUpdate
		seen := map[types.Address]bool{}
		for range 1 + rng.IntN(8) {
			a := addr()
			if seen[a] {
				continue
			}
			seen[a] = true
			u := state.AccountUpdate{Address: a, Nonce: rng.Uint64N(5), Balance: *uint256.NewInt(rng.Uint64N(100)), CodeHash: types.EmptyCodeHash}
			switch rng.IntN(6) {
			case 0:
				u = state.AccountUpdate{Address: a, Deleted: true}
			case 1:
				u.Wiped = true
			}
			if !u.Deleted {
				for k := range rng.IntN(4) {
					s := slot()
					s.AddUint64(&s, uint64(k)*8) // distinct keys
					u.Storage = append(u.Storage, state.SlotUpdate{Key: s, Value: *uint256.NewInt(rng.Uint64N(3))})
				}
			}
			updates = append(updates, u)
		}
		before := snapshotMemory(m)
		undo := m.ApplyWithUndo(updates)
		after := snapshotMemory(m)
		m.Apply(undo)
		if got := snapshotMemory(m); !equalSnapshots(got, before) {
			t.Fatalf("round %d: the undo does not restore the state", round)
		}
		m.Apply(updates)
		if got := snapshotMemory(m); !equalSnapshots(got, after) {
			t.Fatalf("round %d: applying again differs", round)
		}
	}
}
