package store_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

func openTemp(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(dir, store.Options{CacheSize: 4 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db, dir
}

func reopen(tb testing.TB, db *store.DB, dir string, opts store.Options) *store.DB {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	db2, err := store.Open(dir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db2.Close() })
	return db2
}

// gen generates a deterministic chain of state diffs: block n's updates are
// a function of the seed, n and the state before n (the model). The model is
// a state.Memory; the store must always equal the model of its head.
type gen struct {
	seed  uint64
	pop   int // addresses in play
	codes [][]byte
}

func newGen(seed uint64, pop int) *gen {
	g := &gen{seed: seed, pop: pop}
	for i := range 6 {
		code := make([]byte, 20+i*37)
		for j := range code {
			code[j] = byte(seed) + byte(i*j)
		}
		g.codes = append(g.codes, code)
	}
	return g
}

func (g *gen) addr(i int) types.Address {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], g.seed)
	binary.BigEndian.PutUint64(b[8:], uint64(i))
	h := types.Keccak256One(b[:])
	return types.Address(h[:20])
}

// updates returns block n's updates against model (which it does not
// change), sorted by address. Block 0 creates a third of the population.
func (g *gen) updates(n uint64, model *state.Memory) []state.AccountUpdate {
	rng := rand.New(rand.NewPCG(g.seed, n))
	count := 1 + rng.IntN(30)
	if n == 0 {
		count = g.pop / 3
	}
	chosen := map[types.Address]bool{}
	var out []state.AccountUpdate
	for range count {
		addr := g.addr(rng.IntN(g.pop))
		if chosen[addr] {
			continue
		}
		chosen[addr] = true
		cur, exists, _ := model.Account(addr)
		u := state.AccountUpdate{Address: addr}
		switch r := rng.IntN(100); {
		case exists && r < 6:
			u.Deleted = true
			out = append(out, u)
			continue
		case exists && r < 12:
			u.Wiped = true
			u.Nonce, u.Balance, u.CodeHash = cur.Nonce, cur.Balance, cur.CodeHash
		case exists:
			u.Nonce, u.Balance, u.CodeHash = cur.Nonce+uint64(rng.IntN(2)), cur.Balance, cur.CodeHash
			u.Balance.AddUint64(&u.Balance, rng.Uint64N(1_000_000))
		default:
			u.Nonce = uint64(rng.IntN(3))
			u.Balance.SetUint64(rng.Uint64())
			if rng.IntN(4) == 0 {
				u.Balance.Lsh(&u.Balance, uint(rng.IntN(190)))
			}
			u.CodeHash = types.EmptyCodeHash
			if rng.IntN(2) == 0 {
				u.Code = g.codes[rng.IntN(len(g.codes))]
				u.CodeHash = types.Keccak256One(u.Code)
			}
		}
		nslots := rng.IntN(12)
		if n == 0 {
			nslots = rng.IntN(40)
		}
		seen := map[uint256.Int]bool{}
		for range nslots {
			var s state.SlotUpdate
			if rng.IntN(5) == 0 {
				s.Key = uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
			} else {
				s.Key.SetUint64(uint64(rng.IntN(24)))
			}
			if seen[s.Key] {
				continue
			}
			seen[s.Key] = true
			if rng.IntN(4) != 0 {
				s.Value = uint256.Int{rng.Uint64(), rng.Uint64N(3), 0, rng.Uint64N(2) * rng.Uint64()}
			}
			u.Storage = append(u.Storage, s)
		}
		slices.SortFunc(u.Storage, func(a, b state.SlotUpdate) int { return a.Key.Cmp(&b.Key) })
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	return out
}

// header returns block n's header over parent with the given root, with an
// access list in every third block.
func header(n uint64, parent types.Hash, root types.Hash) (*types.Header, []byte) {
	h := &types.Header{
		ParentHash: parent, UncleHash: types.EmptyListHash, Root: root, Number: n,
		GasLimit: 30_000_000, Time: 1_700_000_000 + 12*n, Optional: types.FieldsAmsterdam,
		TxHash: types.EmptyRootHash, ReceiptHash: types.EmptyRootHash,
		WithdrawalsHash: types.EmptyRootHash, RequestsHash: types.EmptyRequestsHash,
		BlockAccessListHash: types.Keccak256One([]byte{0xc0}),
	}
	var list []byte
	if n%3 == 0 {
		list = binary.BigEndian.AppendUint64([]byte{0xc9, 0x88}, n)
		h.BlockAccessListHash = types.Keccak256One(list)
	}
	return h, list
}

// commitNext computes block n (the head's child, or block 0 of an empty
// store) from the generator, commits it and applies it to the model.
func commitNext(db *store.DB, g *gen, model *state.Memory) (*types.Header, error) {
	hd, ok, err := db.Head()
	if err != nil {
		return nil, err
	}
	var n uint64
	parent, prevRoot := types.Hash{}, types.EmptyRootHash
	if ok {
		n, parent, prevRoot = hd.Number+1, hd.Hash, hd.Root
	}
	updates := g.updates(n, model)
	root, nodes, err := trie.UpdateState(prevRoot, db, updates)
	if err != nil {
		return nil, fmt.Errorf("block %d: update state: %w", n, err)
	}
	h, list := header(n, parent, root)
	if err := db.CommitBlock(&store.Block{Header: h, AccessList: list, Nodes: nodes, Updates: updates}); err != nil {
		return nil, err
	}
	model.Apply(updates)
	return h, nil
}

// replay returns the model after blocks 0..head of the generator.
func replay(g *gen, head uint64) *state.Memory {
	m := state.NewMemory()
	for n := uint64(0); n <= head; n++ {
		m.Apply(g.updates(n, m))
	}
	return m
}

// checkState compares the store's flat state, its trie at the head root and
// the model, and checks the head root against the model's root.
func checkState(db *store.DB, model *state.Memory) error {
	hd, ok, err := db.Head()
	if err != nil {
		return err
	}
	if !ok {
		if model.Len() != 0 {
			return fmt.Errorf("no head, model has %d accounts", model.Len())
		}
		return nil
	}
	want, _, err := trie.UpdateState(types.EmptyRootHash, trie.NewMemStore(), model.Updates())
	if err != nil {
		return err
	}
	if hd.Root != want {
		return fmt.Errorf("head %d root %s, model root %s", hd.Number, hd.Root, want)
	}
	hdr, err := db.Header(hd.Hash)
	if err != nil {
		return err
	}
	if hdr.Root != hd.Root || hdr.Number != hd.Number {
		return fmt.Errorf("head record %+v disagrees with its header (%d, %s)", hd, hdr.Number, hdr.Root)
	}
	tr, err := db.StateAt(hd.Root)
	if err != nil {
		return err
	}
	// Every flat account is in the model and in the trie, and equal.
	flat := map[types.Address]types.Account{}
	err = db.ForEachAccount(func(addr types.Address, a types.Account) error {
		flat[addr] = a
		m, ok, _ := model.Account(addr)
		if !ok {
			return fmt.Errorf("flat account %s not in the model", addr)
		}
		if m.Nonce != a.Nonce || m.Balance != a.Balance || m.CodeHash != a.CodeHash {
			return fmt.Errorf("flat account %s = %+v, model %+v", addr, a, m)
		}
		ta, ok, err := tr.Account(addr)
		if err != nil || !ok || ta != a {
			return fmt.Errorf("flat account %s = %+v, trie %+v %v %v", addr, a, ta, ok, err)
		}
		slots := map[uint256.Int]uint256.Int{}
		if err := db.ForEachSlot(addr, func(k, v uint256.Int) error {
			slots[k] = v
			if tv, err := tr.Storage(addr, k); err != nil || tv != v {
				return fmt.Errorf("flat slot %s %#x = %#x, trie %#x %v", addr, &k, &v, &tv, err)
			}
			return nil
		}); err != nil {
			return err
		}
		want := map[uint256.Int]uint256.Int{}
		model.StorageOf(addr, func(k, v uint256.Int) { want[k] = v })
		if len(want) != len(slots) {
			return fmt.Errorf("account %s: %d flat slots, model %d", addr, len(slots), len(want))
		}
		for k, v := range want {
			if slots[k] != v {
				return fmt.Errorf("account %s slot %#x: flat %#x, model %#x", addr, &k, slots[k], &v)
			}
		}
		if a.Root != trie.StorageRoot(want) {
			return fmt.Errorf("account %s: flat storage root %s, model's storage gives %s", addr, a.Root, trie.StorageRoot(want))
		}
		if a.CodeHash != types.EmptyCodeHash {
			code, err := db.Code(addr, a.CodeHash)
			if err != nil || types.Keccak256One(code) != a.CodeHash {
				return fmt.Errorf("code of %s: %v", addr, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(flat) != model.Len() {
		return fmt.Errorf("%d flat accounts, model has %d", len(flat), model.Len())
	}
	// The canonical chain leads from the head back to block 0.
	for n, hash := hd.Number, hd.Hash; ; n-- {
		got, err := db.CanonicalHash(n)
		if err != nil || got != hash {
			return fmt.Errorf("canonical %d: %s %v, want %s", n, got, err, hash)
		}
		h, err := db.Header(hash)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		hash = h.ParentHash
	}
	return nil
}
