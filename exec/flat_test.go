package exec

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// TestFlatStateMoves builds a random tree of blocks (each a set of random
// account updates on a random recent parent), moves the flat state to
// random blocks of it, and compares it every time with the state rebuilt
// from genesis along that block's ancestry: the slow twin. Blocks beyond
// the window must be refused and leave the state where it was.
func TestFlatStateMoves(t *testing.T) {
	seed := uint64(5)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	type block struct {
		parent  types.Hash
		updates []state.AccountUpdate
		seq     int
	}
	genesis := types.Hash{1}
	blocks := map[types.Hash]*block{genesis: {}}
	var hashes []types.Hash // in creation order
	rebuild := func(h types.Hash) *state.Memory {
		var path [][]state.AccountUpdate
		for h != genesis {
			b := blocks[h]
			path = append(path, b.updates)
			h = b.parent
		}
		m := state.NewMemory()
		for i := len(path) - 1; i >= 0; i-- {
			m.Apply(path[i])
		}
		return m
	}
	randomUpdates := func() []state.AccountUpdate {
		var out []state.AccountUpdate
		for a := range 16 {
			if rng.IntN(3) != 0 {
				continue
			}
			u := state.AccountUpdate{Address: types.Address{19: byte(a)}, Nonce: rng.Uint64N(4), Balance: *uint256.NewInt(rng.Uint64N(9)), CodeHash: types.EmptyCodeHash}
			switch rng.IntN(8) {
			case 0:
				u = state.AccountUpdate{Address: u.Address, Deleted: true}
			case 1:
				u.Wiped = true
			}
			if !u.Deleted {
				for k := range rng.IntN(3) {
					u.Storage = append(u.Storage, state.SlotUpdate{Key: *uint256.NewInt(uint64(k)), Value: *uint256.NewInt(rng.Uint64N(3))})
				}
			}
			out = append(out, u)
		}
		return out
	}
	f := newFlatState(state.NewMemory(), genesis)
	for i := range 400 {
		// A parent among the last few blocks (a short fork), or the tip.
		parent := genesis
		if n := len(hashes); n > 0 {
			parent = hashes[n-1-rng.IntN(min(n, 6))]
		}
		if !f.moveTo(parent) {
			t.Fatalf("block %d: cannot reach a recent parent", i)
		}
		if got, want := snapshotFlat(f.mem), snapshotFlat(rebuild(parent)); !equalFlat(got, want) {
			t.Fatalf("block %d: flat state at its parent differs from the rebuilt one", i)
		}
		h := types.Hash{0: 2, 1: byte(i), 2: byte(i >> 8)}
		b := &block{parent: parent, updates: randomUpdates(), seq: i}
		blocks[h] = b
		hashes = append(hashes, h)
		f.apply(h, b.updates)
	}
	// A block far behind the window is out of reach, and the state stays.
	at := f.at
	if f.moveTo(hashes[10]) {
		t.Fatal("moved to a block outside the window")
	}
	if f.at != at || !equalFlat(snapshotFlat(f.mem), snapshotFlat(rebuild(at))) {
		t.Fatal("a refused move changed the state")
	}
}

type flatSnapshot map[types.Address]string

func snapshotFlat(m *state.Memory) flatSnapshot {
	out := make(flatSnapshot)
	for _, a := range m.Addresses() {
		acct, _, _ := m.Account(a)
		s := acct.Balance.Hex() + "/" + acct.CodeHash.String() + "/" + acct.Root.String()
		var slots []string
		m.StorageOf(a, func(k, v uint256.Int) { slots = append(slots, k.Hex()+"="+v.Hex()) })
		slices.Sort(slots)
		for _, x := range slots {
			s += "/" + x
		}
		out[a] = s + "/" + uint256.NewInt(acct.Nonce).Hex()
	}
	return out
}

func equalFlat(a, b flatSnapshot) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
