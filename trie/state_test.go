package trie

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// TestUpdateStateMatchesScratch applies random blocks of account updates
// (creations, balance changes, storage writes and deletions, wipes and
// account deletions) both incrementally with UpdateState and to an in-memory
// state whose root is computed from scratch; the roots must agree after every
// block, and each new root must open from the store. The large case takes
// the batched paths (many accounts, a few with many slots).
func TestUpdateStateMatchesScratch(t *testing.T) {
	for _, c := range []struct {
		name                       string
		accounts, blocks, maxPicks int
		maxSlots                   int
	}{
		{"small", 40, 60, 12, 6},
		{"large", 3000, 8, 1200, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			seed := uint64(20261126)
			t.Logf("seed: %d", seed)
			updateStateAgainstScratch(t, rand.New(rand.NewPCG(seed, seed)), c.accounts, c.blocks, c.maxPicks, c.maxSlots)
		})
	}
}

func updateStateAgainstScratch(t *testing.T, rng *rand.Rand, accounts, blocks, maxPicks, maxSlots int) {
	mem := state.NewMemory()
	store := NewMemStore()
	root := types.EmptyRootHash
	addrs := make([]types.Address, accounts)
	for i := range addrs {
		addrs[i][0], addrs[i][1], addrs[i][19] = byte(i*7), byte(i>>8), byte(i)
	}
	for block := 0; block < blocks; block++ {
		picked := map[types.Address]bool{}
		for range 1 + rng.IntN(maxPicks) {
			picked[addrs[rng.IntN(len(addrs))]] = true
		}
		var ups []state.AccountUpdate
		for _, a := range addrs {
			if !picked[a] {
				continue
			}
			u := state.AccountUpdate{Address: a}
			switch rng.IntN(10) {
			case 0:
				u.Deleted = true
			default:
				u.Wiped = rng.IntN(8) == 0
				u.Nonce = rng.Uint64N(5)
				u.Balance.SetUint64(rng.Uint64N(1000))
				u.CodeHash = types.EmptyCodeHash
				if rng.IntN(3) == 0 {
					u.Code = []byte{byte(rng.IntN(256)), 0x00}
					u.CodeHash = types.Keccak256One(u.Code)
				}
				slots := rng.IntN(6)
				if rng.IntN(20) == 0 {
					slots = rng.IntN(maxSlots)
				}
				for k := range slots {
					var s state.SlotUpdate
					s.Key.SetUint64(uint64(k*3 + rng.IntN(3)))
					if rng.IntN(3) > 0 {
						s.Value.SetUint64(rng.Uint64N(1 << 40))
					}
					if len(u.Storage) > 0 && u.Storage[len(u.Storage)-1].Key.Cmp(&s.Key) >= 0 {
						continue
					}
					u.Storage = append(u.Storage, s)
				}
			}
			ups = append(ups, u)
		}
		slices.SortFunc(ups, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
		newRoot, nodes, err := UpdateState(root, store, ups)
		if err != nil {
			t.Fatalf("block %d: %v", block, err)
		}
		store.Add(nodes)
		// Every node of the set is one of the new state's (no node of an
		// intermediate trie), and the new state is all in the store.
		inState := stateNodes(t, store, newRoot)
		for h := range nodes.All() {
			if !inState[h] {
				t.Fatalf("block %d: node %s of the set is not in the new state", block, h)
			}
		}
		mem.Apply(ups)
		want, err := memoryRoot(mem)
		if err != nil {
			t.Fatal(err)
		}
		if newRoot != want {
			t.Fatalf("block %d: incremental root %s, from scratch %s", block, newRoot, want)
		}
		st, err := NewSecure(newRoot, store)
		if err != nil {
			t.Fatalf("block %d: new root does not open: %v", block, err)
		}
		// Each applied update carries its account's new storage root.
		for i := range ups {
			u := &ups[i]
			a, ok, err := st.GetAccount(u.Address)
			if err != nil || ok == u.Deleted {
				t.Fatalf("block %d: %s: %v %v", block, u.Address, ok, err)
			}
			if want := a.Root; u.Deleted && u.Root != (types.Hash{}) || !u.Deleted && u.Root != want {
				t.Fatalf("block %d: %s: update root %s, trie %s", block, u.Address, u.Root, want)
			}
		}
		root = newRoot
	}
}

// stateNodes returns the hashes of the nodes of the state with root root,
// its account trie's and its storage tries', read from store.
func stateNodes(t *testing.T, store NodeReader, root types.Hash) map[types.Hash]bool {
	seen := map[types.Hash]bool{}
	var visit func(h types.Hash, accounts bool)
	var walk func(n node, accounts bool)
	walk = func(n node, accounts bool) {
		switch n := n.(type) {
		case *hashNode:
			visit(n.hash(), accounts)
		case *extNode:
			walk(n.child, accounts)
		case *branchNode:
			for _, k := range n.kids {
				if k != nil {
					walk(k, accounts)
				}
			}
		case *leafNode:
			if accounts {
				a, err := types.DecodeAccount(n.val)
				if err != nil {
					t.Fatal(err)
				}
				visit(a.Root, false)
			}
		}
	}
	visit = func(h types.Hash, accounts bool) {
		if h == types.EmptyRootHash || seen[h] {
			return
		}
		seen[h] = true
		enc, err := store.Node(h)
		if err != nil {
			t.Fatalf("node %s: %v", h, err)
		}
		n, err := decodeNode(enc)
		if err != nil {
			t.Fatalf("node %s: %v", h, err)
		}
		walk(n, accounts)
	}
	visit(root, true)
	return seen
}

// memoryRoot returns the state root of an in-memory state, computing every
// storage root from scratch.
func memoryRoot(m *state.Memory) (types.Hash, error) {
	addrs := m.Addresses()
	accounts := make([]StateAccount, len(addrs))
	for i, addr := range addrs {
		acct, _, _ := m.Account(addr)
		a := &accounts[i]
		a.Address, a.Nonce, a.Balance, a.CodeHash = addr, acct.Nonce, acct.Balance, acct.CodeHash
		m.StorageOf(addr, func(k, v uint256.Int) {
			if a.Storage == nil {
				a.Storage = make(map[uint256.Int]uint256.Int)
			}
			a.Storage[k] = v
		})
	}
	return StateRoot(accounts)
}
