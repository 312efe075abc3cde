package store_test

import (
	"errors"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// corruptFixture is a store with two blocks, and an account with code and
// storage in it.
type corruptFixture struct {
	db     *store.DB
	dir    string
	head   store.Head
	addr   types.Address // has code and storage
	slot   uint256.Int   // a set slot of addr
	acct   types.Account
	header *types.Header
}

func newCorruptFixture(t *testing.T) *corruptFixture {
	t.Helper()
	db, dir := openTemp(t)
	g := newGen(11, 90)
	model := state.NewMemory()
	var h *types.Header
	for range 4 {
		var err error
		if h, err = commitNext(db, g, model); err != nil {
			t.Fatal(err)
		}
	}
	f := &corruptFixture{db: db, dir: dir, header: h}
	f.head, _, _ = db.Head()
	for _, a := range model.Addresses() {
		acct, _, _ := model.Account(a)
		if acct.CodeHash == types.EmptyCodeHash {
			continue
		}
		found := false
		model.StorageOf(a, func(k, _ uint256.Int) { f.slot, found = k, true })
		if found {
			f.addr = a
			f.acct, _, _ = db.Account(a)
			return f
		}
	}
	t.Fatal("generator made no account with code and storage")
	return nil
}

func (f *corruptFixture) set(t *testing.T, key, val []byte) {
	t.Helper()
	if err := store.RawSet(f.db, key, val); err != nil {
		t.Fatal(err)
	}
}

func (f *corruptFixture) del(t *testing.T, key []byte) {
	t.Helper()
	if err := store.RawDelete(f.db, key); err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, what string, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Fatalf("%s: %v, want %v", what, err, target)
		}
	}
	t.Logf("%s: %v", what, err)
}

func TestCorruptAccount(t *testing.T) {
	f := newCorruptFixture(t)
	for name, rec := range map[string][]byte{
		"undecodable": {7, 7},
		"trailing":    append(store.EncodeAccount(&f.acct), 0),
		"empty":       {},
	} {
		f.set(t, store.AccountKey(f.addr), rec)
		_, _, err := f.db.Account(f.addr)
		wantErr(t, name+": Account", err, store.ErrCorrupt)
		err = f.db.ReadAccounts([]store.AccountRead{{Address: types.Address{}}, {Address: f.addr}})
		wantErr(t, name+": ReadAccounts", err, store.ErrCorrupt)
		err = f.db.ForEachAccount(func(types.Address, types.Account) error { return nil })
		wantErr(t, name+": ForEachAccount", err, store.ErrCorrupt)
	}
}

func TestCorruptSlot(t *testing.T) {
	f := newCorruptFixture(t)
	k := store.StorageKey(f.addr, f.slot)
	for name, rec := range map[string][]byte{
		"leading zero": {0, 1},
		"zero":         {},
		"too long":     make([]byte, 33),
	} {
		f.set(t, k, rec)
		_, err := f.db.Storage(f.addr, f.slot)
		wantErr(t, name+": Storage", err, store.ErrCorrupt)
		err = f.db.ReadStorage([]store.SlotRead{{Address: f.addr, Slot: f.slot}})
		wantErr(t, name+": ReadStorage", err, store.ErrCorrupt)
		err = f.db.ForEachSlot(f.addr, func(uint256.Int, uint256.Int) error { return nil })
		wantErr(t, name+": ForEachSlot", err, store.ErrCorrupt)
	}
}

func TestCorruptCode(t *testing.T) {
	f := newCorruptFixture(t)
	ck := store.CodeKey(f.acct.CodeHash)
	code, err := f.db.Code(f.addr, f.acct.CodeHash)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte{}, code...)
	bad[0] ^= 1
	f.set(t, ck, bad)
	_, err = f.db.Code(f.addr, f.acct.CodeHash)
	wantErr(t, "changed code", err, store.ErrCorrupt)
	f.del(t, ck)
	_, err = f.db.Code(f.addr, f.acct.CodeHash)
	wantErr(t, "missing code", err, store.ErrNotFound, state.ErrMissingCode)
	_, err = f.db.Codes().Code(f.acct.CodeHash)
	wantErr(t, "missing code (trie reader)", err, store.ErrNotFound, state.ErrMissingCode)
	// The empty code hash needs no record.
	if c, err := f.db.Code(f.addr, types.EmptyCodeHash); c != nil || err != nil {
		t.Fatalf("empty code: %x %v", c, err)
	}
}

func TestCorruptNode(t *testing.T) {
	f := newCorruptFixture(t)
	root := f.head.Root
	enc, err := f.db.Node(root)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte{}, enc...)
	bad[len(bad)-1] ^= 1
	f.set(t, store.NodeKey(root), bad)
	_, err = f.db.Node(root)
	wantErr(t, "changed node", err, store.ErrCorrupt)
	_, err = f.db.StateAt(root)
	wantErr(t, "state over a changed root node", err, store.ErrCorrupt)
	// Through the trie, a deeper node.
	f.set(t, store.NodeKey(root), enc)
	sr, err := f.db.StateAt(root)
	if err != nil {
		t.Fatal(err)
	}
	f.del(t, store.NodeKey(f.acct.Root))
	_, err = sr.Storage(f.addr, f.slot)
	wantErr(t, "missing storage root node", err, store.ErrNotFound, trie.ErrMissingNode)
	_, err = f.db.Node(f.acct.Root)
	wantErr(t, "missing node", err, store.ErrNotFound, trie.ErrMissingNode)
	// A commit on top of a missing node fails and writes nothing.
	_, _, err = trie.UpdateState(root, f.db, []state.AccountUpdate{{Address: f.addr, Nonce: 1, CodeHash: f.acct.CodeHash,
		Storage: []state.SlotUpdate{{Key: f.slot, Value: *uint256.NewInt(1)}}}})
	wantErr(t, "update over a missing node", err, trie.ErrMissingNode)
}

func TestCorruptChainRecords(t *testing.T) {
	f := newCorruptFixture(t)
	hash := f.head.Hash

	// A header that is not the one its key names.
	other := *f.header
	other.GasUsed++
	f.set(t, store.HeaderKey(hash), other.AppendRLP(nil))
	_, err := f.db.Header(hash)
	wantErr(t, "changed header", err, store.ErrCorrupt)
	_, err = f.db.HeaderByNumber(f.head.Number)
	wantErr(t, "changed header by number", err, store.ErrCorrupt)
	f.set(t, store.HeaderKey(hash), []byte{0xc0})
	_, err = f.db.Header(hash)
	wantErr(t, "undecodable header", err, store.ErrCorrupt)
	f.set(t, store.HeaderKey(hash), f.header.AppendRLP(nil))
	if _, err := f.db.Header(hash); err != nil {
		t.Fatal(err)
	}

	// A canonical entry of the wrong length, or naming another block.
	f.set(t, store.CanonicalKey(f.head.Number), hash[:31])
	_, err = f.db.CanonicalHash(f.head.Number)
	wantErr(t, "short canonical hash", err, store.ErrCorrupt)
	f.set(t, store.CanonicalKey(f.head.Number), f.header.ParentHash[:])
	_, err = f.db.HeaderByNumber(f.head.Number)
	wantErr(t, "canonical entry naming the parent", err, store.ErrCorrupt)
	f.del(t, store.CanonicalKey(f.head.Number))
	_, err = f.db.HeaderByNumber(f.head.Number)
	wantErr(t, "missing canonical entry", err, store.ErrNotFound)

	// An access list that does not hash to its header's field (block 3
	// has one).
	h3 := f.header
	if _, err := f.db.AccessList(h3.Hash()); err != nil {
		t.Fatal(err)
	}
	f.set(t, store.AccessListKey(h3.Hash()), []byte{0xc0})
	_, err = f.db.AccessList(h3.Hash())
	wantErr(t, "changed access list", err, store.ErrCorrupt)

	// A damaged head record.
	f.set(t, store.HeadKey, []byte{1, 2, 3})
	_, _, err = f.db.Head()
	wantErr(t, "head record", err, store.ErrCorrupt)
	err = f.db.CommitBlock(&store.Block{Header: &types.Header{Root: f.head.Root}})
	wantErr(t, "commit over a damaged head", err, store.ErrCorrupt)
}

// Damage survives a reopen as an error, not as a value: the format record.
func TestCorruptFormatRecord(t *testing.T) {
	f := newCorruptFixture(t)
	f.set(t, store.FormatKey, []byte("not a store"))
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(f.dir, store.Options{})
	wantErr(t, "open with a damaged format record", err, store.ErrFormat)
}
