package store_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// reorgBlock is a block of TestReorg's tree with the state after it.
type reorgBlock struct {
	h     *types.Header
	model *state.Memory
}

// TestReorg commits a random tree of blocks: each block's parent is drawn
// from the recent blocks of every branch, so most commits extend the head
// and many reorganise (to a sibling, back along the head's chain, or over
// to another branch up to the history's depth). After every commit the flat
// state, the trie and the canonical chain must be the new block's; a parent
// farther than the history must fail with ErrReorgTooDeep and change
// nothing. The store is reopened now and then.
func TestReorg(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0x4e06))
	const history = 8
	steps := 200
	if testing.Short() {
		steps = 60
	}
	g := newGen(seed, 120)
	dir := t.TempDir()
	opts := store.Options{CacheSize: 32 << 20, History: history}
	db, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })

	var blocks []reorgBlock
	commit := func(step int, parent *reorgBlock) (*reorgBlock, error) {
		model := state.NewMemory()
		n, parentHash, prevRoot := uint64(0), types.Hash{}, types.EmptyRootHash
		if parent != nil {
			model.Apply(parent.model.Updates())
			n, parentHash, prevRoot = parent.h.Number+1, parent.h.Hash(), parent.h.Root
		}
		key := n
		if n > 0 {
			key = uint64(step)<<24 | n
		}
		updates := g.updates(key, model)
		root, nodes, err := trie.UpdateState(prevRoot, db, updates)
		if err != nil {
			t.Fatal(err)
		}
		h, list := header(n, parentHash, root)
		h.Extra = []byte{byte(step), byte(step >> 8)}
		if err := db.CommitBlock(&store.Block{Header: h, AccessList: list, Nodes: nodes, Updates: updates}); err != nil {
			return nil, err
		}
		model.Apply(updates)
		return &reorgBlock{h, model}, nil
	}
	first, err := commit(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	blocks = append(blocks, *first)
	head := first
	var reorgs, tooDeep, extends int
	var highest uint64 // the highest block number committed
	for step := 1; step <= steps; step++ {
		// Parents: the head mostly, else a block near the head's height
		// on any branch; now and then one too deep.
		byHash := make(map[types.Hash]*reorgBlock, len(blocks))
		for i := range blocks {
			byHash[blocks[i].h.Hash()] = &blocks[i]
		}
		onHead := map[types.Hash]bool{}
		for b := head; b != nil; b = byHash[b.h.ParentHash] {
			onHead[b.h.Hash()] = true
		}
		// reachable: the store can move its flat state to b: the
		// records of the blocks above the common ancestor are kept (those
		// within history of the highest block committed).
		reachable := func(b *reorgBlock) bool {
			for !onHead[b.h.Hash()] {
				b = byHash[b.h.ParentHash]
			}
			return b.h.Number+history >= highest
		}
		var near, far []*reorgBlock
		for i := range blocks {
			b := &blocks[i]
			if b == head {
				continue
			}
			if reachable(b) {
				near = append(near, b)
			} else {
				far = append(far, b)
			}
		}
		parent, deep := head, false
		switch r := rng.IntN(10); {
		case r < 5 || (r < 9 && len(near) == 0) || (r == 9 && len(far) == 0):
		case r < 9:
			parent = near[rng.IntN(len(near))]
		default:
			parent, deep = far[rng.IntN(len(far))], true
		}
		b, err := commit(step, parent)
		if deep {
			if !errors.Is(err, store.ErrReorgTooDeep) {
				t.Fatalf("step %d: block on parent %d (head %d): %v, want ErrReorgTooDeep", step, parent.h.Number, head.h.Number, err)
			}
			tooDeep++
		} else {
			if err != nil {
				t.Fatalf("step %d: block %d on %s (head %d %s): %v", step, parent.h.Number+1, parent.h.Hash(), head.h.Number, head.h.Hash(), err)
			}
			if parent == head {
				extends++
			} else {
				reorgs++
			}
			blocks = append(blocks, *b)
			head = &blocks[len(blocks)-1]
			highest = max(highest, b.h.Number)
		}
		if step%25 == 0 {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if db, err = store.Open(dir, opts); err != nil {
				t.Fatal(err)
			}
		}
		hd, _, err := db.Head()
		if err != nil || hd.Hash != head.h.Hash() {
			t.Fatalf("step %d: head %d %s, want %d %s (%v)", step, hd.Number, hd.Hash, head.h.Number, head.h.Hash(), err)
		}
		if err := checkState(db, head.model); err != nil {
			t.Fatalf("step %d (head %d): %v", step, head.h.Number, err)
		}
		// No canonical entry above the head survives a reorganisation to
		// a lower block.
		if _, err := db.CanonicalHash(head.h.Number + 1); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("step %d: canonical entry above the head: %v", step, err)
		}
	}
	if tooDeep == 0 {
		// The draw never reached a parent beyond the history (a tree that
		// kept reorganising near its root): grow the head past it, then
		// a block on the first block must be too deep and change nothing.
		for i := range history + 1 {
			b, err := commit(steps+1+i, head)
			if err != nil {
				t.Fatalf("extending the head: %v", err)
			}
			blocks = append(blocks, *b)
			head = &blocks[len(blocks)-1]
			highest = max(highest, b.h.Number)
			extends++
		}
		if _, err := commit(steps+history+2, &blocks[0]); !errors.Is(err, store.ErrReorgTooDeep) {
			t.Fatalf("block on block %d (head %d): %v, want ErrReorgTooDeep", blocks[0].h.Number, head.h.Number, err)
		}
		tooDeep++
		if hd, _, err := db.Head(); err != nil || hd.Hash != head.h.Hash() {
			t.Fatalf("the rejected block moved the head: %d %s (%v)", hd.Number, hd.Hash, err)
		}
		if err := checkState(db, head.model); err != nil {
			t.Fatalf("after the rejected block: %v", err)
		}
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	var diffs uint64
	for _, k := range st.Kinds {
		if k.Kind == store.KindDiff {
			diffs = k.Count
		}
	}
	t.Logf("%d blocks extended the head, %d reorganised, %d too deep; %d diff records kept (history %d)", extends, reorgs, tooDeep, diffs, history)
	if reorgs == 0 || tooDeep == 0 {
		t.Fatalf("the tree had %d reorganisations and %d too deep: nothing tested", reorgs, tooDeep)
	}
	// Pruning keeps the records of the blocks within history of the
	// highest block committed, and no older ones.
	nums, err := store.HistoryNumbers(db)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(nums)) != diffs || len(nums) == 0 {
		t.Fatalf("%d diff records listed, %d counted", len(nums), diffs)
	}
	for _, n := range nums {
		if n+history <= highest {
			t.Fatalf("a diff record of block %d is kept, the highest block is %d (history %d)", n, highest, history)
		}
	}
}

// historyStore commits blocks 0 to n of a generator and returns the store
// and the headers.
func historyStore(t testing.TB, seed uint64, n int) (*store.DB, []*types.Header) {
	t.Helper()
	db, _ := openTemp(t)
	g := newGen(seed, 60)
	model := state.NewMemory()
	var hs []*types.Header
	for range n + 1 {
		h, err := commitNext(db, g, model)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return db, hs
}

// TestReorgCorruptHistory: a damaged undo or diff record makes a
// reorganisation fail with ErrCorrupt and write nothing; a missing one is
// ErrReorgTooDeep.
func TestReorgCorruptHistory(t *testing.T) {
	db, hs := historyStore(t, 7, 4)
	sibling := func(parent *types.Header) *store.Block {
		h := *hs[len(hs)-1]
		h.ParentHash, h.Number, h.Root = parent.Hash(), parent.Number+1, parent.Root
		h.Extra = []byte("sibling")
		h.BlockAccessListHash = types.Keccak256One([]byte{0xc0})
		return &store.Block{Header: &h}
	}
	undo := store.UndoKey(4, hs[4].Hash())
	good, err := store.RawGet(db, undo)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"truncated": good[:len(good)-1],
		"trailing":  append(append([]byte{}, good...), 0),
		"count":     append([]byte{0xff, 0xff, 0xff, 0xff}, good[4:]...),
	} {
		if err := store.RawSet(db, undo, bad); err != nil {
			t.Fatal(err)
		}
		if err := db.CommitBlock(sibling(hs[3])); !errors.Is(err, store.ErrCorrupt) {
			t.Fatalf("%s undo record: %v, want ErrCorrupt", name, err)
		}
		if hd, _, _ := db.Head(); hd.Hash != hs[4].Hash() {
			t.Fatalf("%s undo record: head moved to %d", name, hd.Number)
		}
	}
	if err := store.RawDelete(db, undo); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitBlock(sibling(hs[3])); !errors.Is(err, store.ErrReorgTooDeep) {
		t.Fatalf("missing undo record: %v, want ErrReorgTooDeep", err)
	}
	if err := store.RawSet(db, undo, good); err != nil {
		t.Fatal(err)
	}
	// With the record back, the reorganisation goes through: block 3's
	// sibling has block 3's state.
	if err := db.CommitBlock(sibling(hs[3])); err != nil {
		t.Fatal(err)
	}
	if hd, _, _ := db.Head(); hd.Number != 4 || hd.Root != hs[3].Root {
		t.Fatalf("head %+v after the reorganisation", hd)
	}
}

// FuzzDecodeChange: a diff or undo record that decodes encodes back to the
// same bytes (the decoder is strict), and no input panics.
func FuzzDecodeChange(f *testing.F) {
	db, hs := historyStore(f, 3, 6)
	for _, h := range hs[1:] {
		for _, k := range [][]byte{store.DiffKey(h.Number, h.Hash()), store.UndoKey(h.Number, h.Hash())} {
			rec, err := store.RawGet(db, k)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(rec)
		}
	}
	f.Add([]byte{0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := store.RecodeChange(b)
		if err != nil {
			return
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("record %x re-encodes as %x", b, out)
		}
	})
}
