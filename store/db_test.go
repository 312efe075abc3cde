package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
	"github.com/holiman/uint256"
)

func TestOpenFormat(t *testing.T) {
	db, dir := openTemp(t)
	if _, ok, err := db.Head(); ok || err != nil {
		t.Fatalf("new store has a head: %v %v", ok, err)
	}
	db = reopen(t, db, dir, store.Options{ReadOnly: true})
	if _, ok, err := db.Head(); ok || err != nil {
		t.Fatalf("reopened store has a head: %v %v", ok, err)
	}
	if err := db.CommitBlock(&store.Block{Header: &types.Header{Root: types.EmptyRootHash}}); !errors.Is(err, store.ErrReadOnly) {
		t.Fatalf("commit read-only: %v", err)
	}
	db = reopen(t, db, dir, store.Options{})

	// Another format version.
	if err := store.RawSet(db, store.FormatKey, store.EncodeFormat(store.FormatVersion+1)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(dir, store.Options{}); !errors.Is(err, store.ErrFormat) {
		t.Fatalf("other version: %v", err)
	}

	// A pebble database of something else.
	other := filepath.Join(t.TempDir(), "other")
	pdb, err := pebble.Open(other, &pebble.Options{Logger: silent{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pdb.Set([]byte("hello"), []byte("world"), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := pdb.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(other, store.Options{}); !errors.Is(err, store.ErrFormat) {
		t.Fatalf("foreign database: %v", err)
	}
	// A read-only open of nothing fails.
	if _, err := store.Open(filepath.Join(t.TempDir(), "none"), store.Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing store succeeded")
	}
}

func TestClosed(t *testing.T) {
	db, _ := openTemp(t)
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := snap.Account(types.Address{}); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("read of a closed snapshot: %v", err)
	}
	if err := snap.Close(); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("second snapshot close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	checks := map[string]error{
		"close":  db.Close(),
		"commit": db.CommitBlock(&store.Block{Header: &types.Header{Root: types.EmptyRootHash}}),
		"reads":  db.ReadAccounts([]store.AccountRead{{}}),
	}
	_, _, checks["account"] = db.Account(types.Address{})
	_, checks["storage"] = db.Storage(types.Address{}, uint256.Int{})
	_, checks["node"] = db.Node(types.Hash{})
	_, _, checks["head"] = db.Head()
	_, checks["snapshot"] = db.Snapshot()
	checks["iterate"] = db.ForEachAccount(func(types.Address, types.Account) error { return nil })
	for name, err := range checks {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after close: %v", name, err)
		}
	}
}

// TestCommitChain commits a generated chain of blocks with creations,
// deletions, wipes, slot deletions and code, and after every block checks
// the flat state, the trie and the chain records against the model; older
// states stay readable through their roots; everything survives a reopen.
func TestCommitChain(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	db, dir := openTemp(t)
	g := newGen(seed, 120)
	model := state.NewMemory()
	var headers []*types.Header
	var models []map[types.Address]types.Account
	blocks, every := 40, 1
	if testing.Short() {
		every = 8 // the full check after every block is slow under -race
	}
	for n := range blocks {
		h, err := commitNext(db, g, model)
		if err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
		headers = append(headers, h)
		snap := map[types.Address]types.Account{}
		if err := db.ForEachAccount(func(a types.Address, acct types.Account) error { snap[a] = acct; return nil }); err != nil {
			t.Fatal(err)
		}
		models = append(models, snap)
		if n%every != 0 && n != blocks-1 {
			continue
		}
		if err := checkState(db, model); err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
	}
	db = reopen(t, db, dir, store.Options{})
	if err := checkState(db, model); err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	hd, _, _ := db.Head()
	if hd.Hash != headers[len(headers)-1].Hash() || hd.Number != 39 {
		t.Fatalf("head %+v", hd)
	}
	// Every block's header, access list and state.
	for n, h := range headers {
		got, err := db.HeaderByNumber(uint64(n))
		if err != nil || got.Hash() != h.Hash() {
			t.Fatalf("header %d: %v", n, err)
		}
		list, err := db.AccessList(h.Hash())
		if n%3 == 0 {
			if err != nil || types.Keccak256One(list) != h.BlockAccessListHash {
				t.Fatalf("access list %d: %x %v", n, list, err)
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("block %d has no access list, got %x %v", n, list, err)
		}
		r, err := db.StateAt(h.Root)
		if err != nil {
			t.Fatalf("state of block %d: %v", n, err)
		}
		for addr, want := range models[n] {
			got, ok, err := r.Account(addr)
			if err != nil || !ok || got != want {
				t.Fatalf("block %d account %s: %+v %v %v, want %+v", n, addr, got, ok, err, want)
			}
		}
	}
	if _, err := db.CanonicalHash(40); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("canonical past the head: %v", err)
	}
	if _, err := db.Header(types.Hash{1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown header: %v", err)
	}
}

// A wiped account's old slots go, and the slots written in the same block
// (after the range deletion in the batch) stay.
func TestWipeKeepsNewSlots(t *testing.T) {
	db, _ := openTemp(t)
	addr := types.Address{0xaa}
	neighbour := types.Address{0xaa, 1} // shares a prefix: must not be touched
	slot := func(k, v uint64) state.SlotUpdate {
		return state.SlotUpdate{Key: *uint256.NewInt(k), Value: *uint256.NewInt(v)}
	}
	commit := func(n uint64, parent types.Hash, prev types.Hash, ups []state.AccountUpdate) *types.Header {
		t.Helper()
		root, nodes, err := trie.UpdateState(prev, db, ups)
		if err != nil {
			t.Fatal(err)
		}
		h, list := header(n, parent, root)
		if err := db.CommitBlock(&store.Block{Header: h, AccessList: list, Nodes: nodes, Updates: ups}); err != nil {
			t.Fatal(err)
		}
		return h
	}
	h0 := commit(0, types.Hash{}, types.EmptyRootHash, []state.AccountUpdate{
		{Address: addr, Nonce: 1, CodeHash: types.EmptyCodeHash, Storage: []state.SlotUpdate{slot(1, 1), slot(2, 2), slot(3, 3)}},
		{Address: neighbour, Nonce: 1, CodeHash: types.EmptyCodeHash, Storage: []state.SlotUpdate{slot(1, 7)}},
	})
	h1 := commit(1, h0.Hash(), h0.Root, []state.AccountUpdate{
		{Address: addr, Nonce: 2, Wiped: true, CodeHash: types.EmptyCodeHash, Storage: []state.SlotUpdate{slot(2, 20), slot(4, 40)}},
	})
	want := map[uint64]uint64{1: 0, 2: 20, 3: 0, 4: 40}
	for k, v := range want {
		got, err := db.Storage(addr, *uint256.NewInt(k))
		if err != nil || got.Uint64() != v {
			t.Fatalf("slot %d = %d %v, want %d", k, got.Uint64(), err, v)
		}
	}
	if v, _ := db.Storage(neighbour, *uint256.NewInt(1)); v.Uint64() != 7 {
		t.Fatalf("neighbour's slot = %d", v.Uint64())
	}
	acct, _, _ := db.Account(addr)
	if acct.Root != trie.StorageRoot(map[uint256.Int]uint256.Int{*uint256.NewInt(2): *uint256.NewInt(20), *uint256.NewInt(4): *uint256.NewInt(40)}) {
		t.Fatalf("storage root %s", acct.Root)
	}
	// Deleting removes the account and every slot.
	commit(2, h1.Hash(), h1.Root, []state.AccountUpdate{{Address: addr, Deleted: true}})
	if _, ok, err := db.Account(addr); ok || err != nil {
		t.Fatalf("deleted account exists: %v", err)
	}
	n := 0
	if err := db.ForEachSlot(addr, func(uint256.Int, uint256.Int) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("deleted account keeps %d slots (%v)", n, err)
	}
	if v, _ := db.Storage(neighbour, *uint256.NewInt(1)); v.Uint64() != 7 {
		t.Fatalf("neighbour's slot = %d after the delete", v.Uint64())
	}
}

func TestStorageRangeBounds(t *testing.T) {
	for _, addr := range []types.Address{{}, {0xff, 0xff}, {19: 0xff}, {0: 1, 19: 0xff}} {
		lo, hi := store.StorageRange(addr)
		in := store.StorageKey(addr, uint256.Int{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)})
		if bytes.Compare(lo, store.StorageKey(addr, uint256.Int{})) > 0 || bytes.Compare(in, hi) >= 0 {
			t.Fatalf("%s: range [%x, %x) misses its slots", addr, lo, hi)
		}
	}
	all := types.Address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	_, hi := store.StorageRange(all)
	if !bytes.Equal(hi, append([]byte{'t'}, make([]byte, 20)...)) {
		t.Fatalf("range end of the last address: %x", hi)
	}
	carry := types.Address{0: 1}
	for i := 1; i < len(carry); i++ {
		carry[i] = 0xff
	}
	_, hi = store.StorageRange(carry)
	if want := append([]byte{'s', 2}, make([]byte, 19)...); !bytes.Equal(hi, want) {
		t.Fatalf("range end of %s: %x, want %x", carry, hi, want)
	}
}

// A block that does not fit is rejected and nothing of it is written.
func TestCommitRejects(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	db, _ := openTemp(t)
	g := newGen(seed, 60)
	model := state.NewMemory()
	for range 3 {
		if _, err := commitNext(db, g, model); err != nil {
			t.Fatal(err)
		}
	}
	head, _, _ := db.Head()
	ups := g.updates(head.Number+1, model)
	root, nodes, err := trie.UpdateState(head.Root, db, ups)
	if err != nil {
		t.Fatal(err)
	}
	good := func() (*store.Block, *types.Header) {
		h, list := header(head.Number+1, head.Hash, root)
		return &store.Block{Header: h, AccessList: list, Nodes: nodes, Updates: slices.Clone(ups)}, h
	}
	firstLive := -1
	for i, u := range ups {
		if !u.Deleted {
			firstLive = i
			break
		}
	}
	cases := map[string]struct {
		mutate func(b *store.Block)
		want   error
	}{
		"wrong parent":  {func(b *store.Block) { b.Header.ParentHash[0]++ }, store.ErrNotHead},
		"wrong number":  {func(b *store.Block) { b.Header.Number++ }, store.ErrNotHead},
		"missing nodes": {func(b *store.Block) { b.Nodes = trie.NodeSet{} }, store.ErrInconsistent},
		"wrong root":    {func(b *store.Block) { b.Header.Root = head.Root }, store.ErrInconsistent},
		"no updates":    {func(b *store.Block) { b.Updates = nil }, store.ErrInconsistent},
		"wrong nonce":   {func(b *store.Block) { b.Updates[firstLive].Nonce += 5 }, store.ErrInconsistent},
		"wrong balance": {func(b *store.Block) { b.Updates[firstLive].Balance.AddUint64(&b.Updates[firstLive].Balance, 1) }, store.ErrInconsistent},
		"bad code": {func(b *store.Block) {
			u := &b.Updates[firstLive]
			u.Code = []byte{1, 2, 3}
		}, store.ErrInconsistent},
		"unsorted": {func(b *store.Block) {
			b.Updates = append(b.Updates, b.Updates[0])
		}, store.ErrInconsistent},
		"access list hash": {func(b *store.Block) { b.AccessList = []byte{0xc1, 0x01} }, store.ErrInconsistent},
		// A slot value the new trie does not hold: the account fields
		// agree, only the storage lies.
		"wrong slot": {func(b *store.Block) {
			// (good clones the updates, not their slots: copy before
			// changing them.)
			for i := range b.Updates {
				if st := slices.Clone(b.Updates[i].Storage); len(st) > 0 {
					st[0].Value.AddUint64(&st[0].Value, 1)
					b.Updates[i].Storage = st
					return
				}
			}
			u := &b.Updates[firstLive]
			u.Storage = []state.SlotUpdate{{Key: *uint256.NewInt(0xdead), Value: *uint256.NewInt(1)}}
		}, store.ErrInconsistent},
		"not deleted": {func(b *store.Block) {
			b.Updates[firstLive].Deleted = true
		}, store.ErrInconsistent},
		"phantom": {func(b *store.Block) {
			u := b.Updates[firstLive]
			u.Address = types.Address{0xff, 0xff, 0xff, 0xff}
			b.Updates = append(b.Updates, u)
		}, store.ErrInconsistent},
	}
	for name, c := range cases {
		b, _ := good()
		c.mutate(b)
		if err := db.CommitBlock(b); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		if err := checkState(db, model); err != nil {
			t.Fatalf("%s: state changed: %v", name, err)
		}
		if hd, _, _ := db.Head(); hd != head {
			t.Fatalf("%s: head moved to %+v", name, hd)
		}
	}
	for _, b := range []*store.Block{nil, {}} {
		if err := db.CommitBlock(b); !errors.Is(err, store.ErrInconsistent) {
			t.Errorf("block without header: %v", err)
		}
	}
	b, _ := good()
	if err := db.CommitBlock(b); err != nil {
		t.Fatal(err)
	}
	model.Apply(ups)
	if err := checkState(db, model); err != nil {
		t.Fatal(err)
	}
}

// Batched reads give what point reads give, for any order, duplicates and
// absent keys; and they sort their input.
func TestBatchReads(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	db, _ := openTemp(t)
	g := newGen(seed, 200)
	model := state.NewMemory()
	for range 20 {
		if _, err := commitNext(db, g, model); err != nil {
			t.Fatal(err)
		}
	}
	var accts []store.AccountRead
	var slots []store.SlotRead
	for range 500 {
		a := g.addr(rng.IntN(250)) // some never created
		accts = append(accts, store.AccountRead{Address: a, Exists: true, Account: types.Account{Nonce: 99}})
		slots = append(slots, store.SlotRead{Address: a, Slot: *uint256.NewInt(uint64(rng.IntN(30))), Value: *uint256.NewInt(5)})
	}
	if err := db.ReadAccounts(accts); err != nil {
		t.Fatal(err)
	}
	if err := db.ReadStorage(slots); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(accts, func(a, b store.AccountRead) int { return a.Address.Compare(&b.Address) }) {
		t.Fatal("account reads not sorted")
	}
	exists := 0
	for _, r := range accts {
		a, ok, err := db.Account(r.Address)
		if err != nil || ok != r.Exists || a != r.Account {
			t.Fatalf("account %s: batch %+v %v, point %+v %v %v", r.Address, r.Account, r.Exists, a, ok, err)
		}
		if ok {
			exists++
		}
	}
	nonzero := 0
	for i, r := range slots {
		if i > 0 && bytes.Compare(store.StorageKey(slots[i-1].Address, slots[i-1].Slot), store.StorageKey(r.Address, r.Slot)) > 0 {
			t.Fatal("slot reads not sorted")
		}
		v, err := db.Storage(r.Address, r.Slot)
		if err != nil || v != r.Value {
			t.Fatalf("slot %s %d: batch %d, point %d %v", r.Address, r.Slot.Uint64(), r.Value.Uint64(), v.Uint64(), err)
		}
		if !v.IsZero() {
			nonzero++
		}
	}
	if exists == 0 || exists == len(accts) || nonzero == 0 || nonzero == len(slots) {
		t.Fatalf("reads should mix present and absent keys: %d/%d accounts, %d/%d slots", exists, len(accts), nonzero, len(slots))
	}
	if err := db.ReadAccounts(nil); err != nil {
		t.Fatal(err)
	}
	// ReadBatch on several goroutines gives the same, from any order.
	for _, workers := range []int{0, 1, 3, 64} {
		a2, s2 := slices.Clone(accts), slices.Clone(slots)
		rng.Shuffle(len(a2), func(i, j int) { a2[i], a2[j] = a2[j], a2[i] })
		rng.Shuffle(len(s2), func(i, j int) { s2[i], s2[j] = s2[j], s2[i] })
		for i := range a2 {
			a2[i].Exists, a2[i].Account = false, types.Account{}
			s2[i].Value = uint256.Int{}
		}
		if err := db.ReadBatch(a2, s2, workers); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a2, accts) || !slices.Equal(s2, slots) {
			t.Fatalf("ReadBatch with %d workers differs from the sequential batched reads", workers)
		}
	}
}

// A snapshot keeps reading the state it was taken at.
func TestSnapshot(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	db, _ := openTemp(t)
	g := newGen(seed, 80)
	model := state.NewMemory()
	if _, err := commitNext(db, g, model); err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	before := map[types.Address]types.Account{}
	if err := snap.ForEachAccount(func(a types.Address, acct types.Account) error { before[a] = acct; return nil }); err != nil {
		t.Fatal(err)
	}
	h0, _, _ := snap.Head()
	for range 5 {
		if _, err := commitNext(db, g, model); err != nil {
			t.Fatal(err)
		}
	}
	if h, _, _ := snap.Head(); h != h0 {
		t.Fatalf("snapshot head moved: %+v", h)
	}
	n := 0
	if err := snap.ForEachAccount(func(a types.Address, acct types.Account) error {
		n++
		if before[a] != acct {
			t.Fatalf("snapshot account %s changed", a)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(before) {
		t.Fatalf("snapshot has %d accounts, had %d", n, len(before))
	}
	if hd, _, _ := db.Head(); hd.Number != 5 {
		t.Fatalf("db head %d", hd.Number)
	}
}

func TestStats(t *testing.T) {
	db, _ := openTemp(t)
	g := newGen(3, 100)
	model := state.NewMemory()
	for range 10 {
		if _, err := commitNext(db, g, model); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Flush(db); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	hd, _, _ := db.Head()
	if !st.HasHead || st.Head != hd || hd.Number != 9 {
		t.Fatalf("stats head %+v, head %+v", st.Head, hd)
	}
	slots := 0
	for _, a := range model.Addresses() {
		model.StorageOf(a, func(uint256.Int, uint256.Int) { slots++ })
	}
	want := map[store.Kind]int{
		store.KindFormat: 1, store.KindHead: 1, store.KindAccount: model.Len(), store.KindStorage: slots,
		store.KindHeader: 10, store.KindCanonical: 10, store.KindBAL: 4,
	}
	for _, k := range st.Kinds {
		t.Logf("%-10s %6d records %8d bytes %8d on disk", k.Kind, k.Count, k.Bytes, k.DiskBytes)
		if w, ok := want[k.Kind]; ok && int(k.Count) != w {
			t.Errorf("%s: %d records, want %d", k.Kind, k.Count, w)
		}
		if k.Count > 0 && (k.Bytes == 0 || k.DiskBytes == 0 || k.DiskBytes > st.DiskBytes) {
			t.Errorf("%s: %d bytes, %d on disk of %d", k.Kind, k.Bytes, k.DiskBytes, st.DiskBytes)
		}
	}
}

type silent struct{}

func (silent) Infof(string, ...any)         {}
func (silent) Errorf(string, ...any)        {}
func (silent) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

// The batched reads allocate per call, not per key.
func TestBatchReadAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	db, _ := openTemp(t)
	g := newGen(5, 200)
	model := state.NewMemory()
	for range 5 {
		if _, err := commitNext(db, g, model); err != nil {
			t.Fatal(err)
		}
	}
	accts := make([]store.AccountRead, 1000)
	slots := make([]store.SlotRead, 1000)
	for i := range accts {
		accts[i].Address = g.addr(i % 250)
		slots[i] = store.SlotRead{Address: g.addr(i % 250), Slot: *uint256.NewInt(uint64(i % 7))}
	}
	slices.SortFunc(accts, func(a, b store.AccountRead) int { return a.Address.Compare(&b.Address) })
	slices.SortFunc(slots, func(a, b store.SlotRead) int {
		if c := a.Address.Compare(&b.Address); c != 0 {
			return c
		}
		return a.Slot.Cmp(&b.Slot)
	})
	allocs := testing.AllocsPerRun(20, func() {
		if err := db.ReadAccounts(accts); err != nil {
			t.Fatal(err)
		}
		if err := db.ReadStorage(slots); err != nil {
			t.Fatal(err)
		}
	})
	// Two iterators and two key buffers; pebble may allocate a few more
	// when it opens table iterators. Nothing per key.
	if allocs > 40 {
		t.Fatalf("%v allocations for 2000 keys", allocs)
	}
	t.Logf("%v allocations for 2000 keys", allocs)
}
