package storedb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
)

// TestHive imports the hive chain into a store, sequentially and on the
// parallel path, stopping halfway and reopening the store, and checks the
// head, its root, the flat state recomputed from scratch, the stored
// access lists, and the parallel processor's counts (every Amsterdam block
// in parallel, none sent back).
func TestHive(t *testing.T) {
	h := loadHive(t)
	for _, workers := range []int{0, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			dir := t.TempDir()
			var parallel int
			for _, part := range [][2]int{{0, 300}, {300, 600}} {
				db := openStore(t, dir)
				chain := h.open(t, db)
				if workers > 0 {
					chain.EnableParallel(workers, 0)
				}
				if got := chain.Head().Number; got != uint64(part[0]) {
					t.Fatalf("reopened at block %d, want %d", got, part[0])
				}
				for i := part[0]; i < part[1]; i++ {
					res, err := chain.InsertWithAccessList(context.Background(), h.blocks[i], h.lists[i])
					if err != nil {
						t.Fatalf("block %d: %v", i+1, err)
					}
					if h.lists[i] != nil && !bytes.Equal(res.AccessList.EncodeRLP(), h.lists[i]) {
						t.Fatalf("block %d: built list differs", i+1)
					}
				}
				parallel += chain.ParallelStats().Parallel
				if st := chain.ParallelStats(); st.Sequential != 0 {
					t.Fatalf("%d blocks went back to the sequential processor", st.Sequential)
				}
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if workers > 0 && parallel != 565 {
				t.Fatalf("%d blocks ran in parallel, want the 565 Amsterdam blocks", parallel)
			}
			db := openStore(t, dir)
			defer db.Close()
			hd, ok, err := db.Head()
			if err != nil || !ok || hd.Number != 600 || hd.Hash != hiveHead || hd.Root != hiveRoot {
				t.Fatalf("head %+v %v %v", hd, ok, err)
			}
			root, n, err := flatRoot(db)
			if err != nil || root != hiveRoot {
				t.Fatalf("flat state of %d accounts hashes to %s (%v), want %s", n, root, err, hiveRoot)
			}
			for i, want := range h.lists {
				got, err := db.AccessList(h.blocks[i].Hash())
				switch {
				case want == nil && !errors.Is(err, store.ErrNotFound):
					t.Fatalf("block %d has a stored list: %v", i+1, err)
				case want != nil && (err != nil || !bytes.Equal(got, want)):
					t.Fatalf("block %d: stored list %v", i+1, err)
				}
			}
		})
	}
}

// TestReorg imports a tree of blocks, in one order, into a chain over a
// store and into a chain in memory: most blocks extend the head, others go
// back to an ancestor or over to another branch. After each, the two heads
// and their state roots are equal, the store's flat state hashes to the
// head's root, and reads of the head state through the two databases
// agree. Blocks are built (exec.Chain.BuildBlock) on a third chain, from
// withdrawals to random accounts and the system contracts' writes.
func TestReorg(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0xd15c))
	h := loadHive(t)
	steps := 80
	if testing.Short() {
		steps = 30
	}
	ctx := context.Background()
	cfg := h.genesis.Config
	builder, err := exec.NewChain(cfg, &h.header, h.genesis.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := exec.NewChain(cfg, &h.header, h.genesis.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	db := openStore(t, t.TempDir())
	defer db.Close()
	disk := h.open(t, db)

	type built struct {
		block *types.Block
		list  []byte
	}
	blocks := map[types.Hash]built{}
	headers := []*types.Header{&h.header}
	addrs := make([]types.Address, 40)
	for i := range addrs {
		addrs[i][0], addrs[i][19] = 0xee, byte(i)
	}
	var reorgs int
	for step := range steps {
		// The parent: the head mostly, else a recent block of any branch.
		parent := disk.Head()
		if step > 3 && rng.IntN(3) == 0 {
			var near []*types.Header
			for _, hd := range headers[1:] {
				if hd.Number+6 >= parent.Number {
					near = append(near, hd)
				}
			}
			parent = near[rng.IntN(len(near))]
		}
		if builder.Head().Hash() != parent.Hash() {
			b := blocks[parent.Hash()]
			if _, err := builder.InsertWithAccessList(ctx, b.block, b.list); err != nil {
				t.Fatalf("step %d: back to block %d on the builder: %v", step, parent.Number, err)
			}
		}
		attrs := &exec.BuildAttributes{
			Timestamp: parent.Time + 12, FeeRecipient: addrs[rng.IntN(len(addrs))],
			PrevRandao: types.Hash{byte(step)}, ParentBeaconRoot: types.Hash{byte(step), 1},
			SlotNumber: parent.Number + 1, Extra: []byte{byte(step)},
		}
		for range 1 + rng.IntN(8) {
			attrs.Withdrawals = append(attrs.Withdrawals, types.Withdrawal{
				Index: uint64(step), Address: addrs[rng.IntN(len(addrs))], Amount: 1 + rng.Uint64N(1e9),
			})
		}
		out, err := builder.BuildBlock(ctx, attrs, nil)
		if err != nil {
			t.Fatalf("step %d: build: %v", step, err)
		}
		if _, err := builder.InsertWithAccessList(ctx, out.Block, out.AccessListRLP); err != nil {
			t.Fatalf("step %d: builder: %v", step, err)
		}
		blocks[out.Block.Hash()] = built{out.Block, out.AccessListRLP}
		headers = append(headers, &out.Block.Header)
		if parent.Hash() != disk.Head().Hash() {
			reorgs++
		}
		for name, c := range map[string]*exec.Chain{"memory": mem, "store": disk} {
			if _, err := c.InsertWithAccessList(ctx, out.Block, out.AccessListRLP); err != nil {
				t.Fatalf("step %d: %s: block %d on %d: %v", step, name, out.Block.Header.Number, parent.Number, err)
			}
		}
		head := disk.Head()
		if head.Hash() != mem.Head().Hash() || head.Hash() != out.Block.Hash() {
			t.Fatalf("step %d: heads differ", step)
		}
		if root, _, err := flatRoot(db); err != nil || root != head.Root {
			t.Fatalf("step %d: flat state hashes to %s (%v), head root %s", step, root, err, head.Root)
		}
		dr, err := disk.Database().State(head)
		if err != nil {
			t.Fatal(err)
		}
		mr, err := mem.State(head.Hash())
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range append(addrs, exec.BeaconRootsAddress, exec.HistoryStorageAddress) {
			x, xok, xerr := dr.Account(a)
			y, yok, yerr := mr.Account(a)
			if x != y || xok != yok || xerr != nil || yerr != nil {
				t.Fatalf("step %d: account %s: store %+v %v %v, memory %+v %v %v", step, a, x, xok, xerr, y, yok, yerr)
			}
		}
	}
	t.Logf("%d blocks, %d imported off the head", steps, reorgs)
	if reorgs == 0 {
		t.Fatal("no reorganisation happened")
	}
}

// TestCorrupt damages records a block needs (by writing them through pebble
// directly) and checks that importing it fails with an error matching the
// store's sentinel (and exec's), never with a wrong root, and that the
// block imports once the record is repaired.
func TestCorrupt(t *testing.T) {
	h := loadHive(t)
	const stop = 50 // blocks 1..50 are imported; block 51 is the victim
	dir := t.TempDir()
	db := openStore(t, dir)
	chain := h.open(t, db)
	for i := range stop {
		if _, err := chain.InsertWithAccessList(context.Background(), h.blocks[i], h.lists[i]); err != nil {
			t.Fatal(err)
		}
	}
	head := chain.Head()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	accountKey := append([]byte{'a'}, exec.BeaconRootsAddress[:]...)
	rootNode := append([]byte{'n'}, head.Root[:]...)
	ancestor := h.blocks[stop-2].Hash()
	ancestorKey := append([]byte{'h'}, ancestor[:]...)
	cases := []struct {
		name string
		key  []byte
		bad  []byte // nil: delete the record
		want []error
	}{
		{"account record", accountKey, []byte{0xff}, []error{store.ErrCorrupt, exec.ErrState}},
		{"state root node", rootNode, []byte{0xc0}, []error{store.ErrCorrupt}},
		{"missing root node", rootNode, nil, []error{store.ErrNotFound}},
		{"ancestor header", ancestorKey, []byte{0xc0}, []error{store.ErrCorrupt, exec.ErrDatabase}},
	}
	for _, c := range cases {
		good := rawSwap(t, dir, c.key, c.bad)
		db := openStore(t, dir)
		chain := h.open(t, db)
		for _, workers := range []int{0, 2} {
			if workers > 0 {
				chain.EnableParallel(workers, 0)
			}
			_, err := chain.InsertWithAccessList(context.Background(), h.blocks[stop], h.lists[stop])
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Fatalf("%s, %d workers: %v, want %v", c.name, workers, err, w)
				}
			}
			if chain.Head().Hash() != head.Hash() {
				t.Fatalf("%s: the head moved", c.name)
			}
			if workers == 0 {
				t.Logf("%s: %v", c.name, err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		rawSwap(t, dir, c.key, good)
	}
	db = openStore(t, dir)
	defer db.Close()
	chain = h.open(t, db)
	if _, err := chain.InsertWithAccessList(context.Background(), h.blocks[stop], h.lists[stop]); err != nil {
		t.Fatalf("after the repairs: %v", err)
	}
}

// rawSwap sets key to val in the (closed) store in dir, deleting it when
// val is nil, and returns the old value (nil when there was none).
func rawSwap(t *testing.T, dir string, key, val []byte) []byte {
	t.Helper()
	pdb, err := pebble.Open(dir, &pebble.Options{Logger: quiet{}})
	if err != nil {
		t.Fatal(err)
	}
	old, closer, err := pdb.Get(key)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		old = nil
	case err != nil:
		t.Fatalf("record %x: %v", key, err)
	default:
		old = bytes.Clone(old)
		closer.Close()
	}
	if val == nil {
		err = pdb.Delete(key, pebble.Sync)
	} else {
		err = pdb.Set(key, val, pebble.Sync)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := pdb.Close(); err != nil {
		t.Fatal(err)
	}
	return old
}

// quiet drops pebble's messages.
type quiet struct{}

func (quiet) Infof(string, ...any)  {}
func (quiet) Errorf(string, ...any) {}
func (quiet) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
