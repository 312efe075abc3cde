package store_test

import (
	"os"
	"slices"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// hiveRoot and hiveHeadHash are the state root and the hash of the hive
// Amsterdam chain's head block (headblock.json).
var (
	hiveRoot     = testdata.HiveHeadRoot
	hiveHeadHash = testdata.HiveHeadHash
)

// TestHiveConformance builds the hive chain's head state from its dump into
// a store (trie from the empty root into the store's nodes, committed with
// the real head block and its access list), reopens it, and checks the root,
// every account and slot through the flat reader and through a trie reader
// over the stored nodes, and every code.
func TestHiveConformance(t *testing.T) {
	f, err := os.Open(testdata.Repo(t, "hivechain-amsterdam/headstate.json"))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := chainspec.ReadDump(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if dump.Root != hiveRoot || len(dump.Accounts) != 48 {
		t.Fatalf("dump: root %s, %d accounts", dump.Root, len(dump.Accounts))
	}
	head, list := hiveHead(t)
	if head.Root != hiveRoot || head.Hash() != hiveHeadHash {
		t.Fatalf("head block %s root %s", head.Hash(), head.Root)
	}

	alloc := dump.Alloc()
	updates := make([]state.AccountUpdate, 0, len(alloc))
	slots := 0
	for addr, g := range alloc {
		u := state.AccountUpdate{Address: addr, Nonce: g.Nonce, Balance: g.Balance, CodeHash: g.CodeHash(), Code: g.Code}
		for k, v := range g.Storage {
			u.Storage = append(u.Storage, state.SlotUpdate{Key: k, Value: v})
		}
		slots += len(u.Storage)
		slices.SortFunc(u.Storage, func(a, b state.SlotUpdate) int { return a.Key.Cmp(&b.Key) })
		updates = append(updates, u)
	}
	slices.SortFunc(updates, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	if slots != 1814 {
		t.Fatalf("dump has %d slots, want 1814", slots)
	}

	db, dir := openTemp(t)
	root, nodes, err := trie.UpdateState(types.EmptyRootHash, db, updates)
	if err != nil {
		t.Fatal(err)
	}
	if root != hiveRoot {
		t.Fatalf("computed root %s, want %s", root, hiveRoot)
	}
	if err := db.CommitBlock(&store.Block{Header: head, AccessList: list, Nodes: nodes, Updates: updates}); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, dir, store.Options{ReadOnly: true})

	hd, ok, err := db.Head()
	if err != nil || !ok || hd.Root != hiveRoot || hd.Hash != head.Hash() || hd.Number != head.Number {
		t.Fatalf("head %+v %v %v", hd, ok, err)
	}
	if h, err := db.HeaderByNumber(head.Number); err != nil || h.Hash() != head.Hash() {
		t.Fatalf("head header: %v", err)
	}
	if got, err := db.AccessList(head.Hash()); err != nil || !slices.Equal(got, list) {
		t.Fatalf("access list: %v", err)
	}
	tr, err := db.StateAt(hd.Root)
	if err != nil {
		t.Fatal(err)
	}
	var reads []store.AccountRead
	var slotReads []store.SlotRead
	for addr, want := range dump.Accounts {
		for name, r := range map[string]state.Reader{"flat": db, "trie": tr} {
			a, ok, err := r.Account(addr)
			if err != nil || !ok {
				t.Fatalf("%s: account %s: %v %v", name, addr, ok, err)
			}
			if a.Nonce != want.Nonce || a.Balance != want.Balance || a.CodeHash != want.CodeHash || a.Root != want.Root {
				t.Fatalf("%s: account %s = %+v, dump %+v", name, addr, a, want)
			}
			for k, v := range want.Storage {
				got, err := r.Storage(addr, k)
				if err != nil || got != v {
					t.Fatalf("%s: %s slot %#x = %#x %v, dump %#x", name, addr, &k, &got, err, &v)
				}
			}
			if len(want.Code) > 0 {
				code, err := r.Code(addr, want.CodeHash)
				if err != nil || !slices.Equal(code, want.Code) {
					t.Fatalf("%s: code of %s: %v", name, addr, err)
				}
			}
		}
		reads = append(reads, store.AccountRead{Address: addr})
		for k := range want.Storage {
			slotReads = append(slotReads, store.SlotRead{Address: addr, Slot: k})
		}
		n := 0
		if err := db.ForEachSlot(addr, func(k, v uint256.Int) error {
			n++
			if want.Storage[k] != v {
				t.Fatalf("%s: iterated slot %#x = %#x, dump %#x", addr, &k, &v, want.Storage[k])
			}
			return nil
		}); err != nil || n != len(want.Storage) {
			t.Fatalf("%s: %d slots iterated (%v), dump has %d", addr, n, err, len(want.Storage))
		}
	}
	// The batched reads agree too.
	if err := db.ReadAccounts(reads); err != nil {
		t.Fatal(err)
	}
	for _, r := range reads {
		want := dump.Accounts[r.Address]
		if !r.Exists || r.Account.Root != want.Root || r.Account.Balance != want.Balance {
			t.Fatalf("batch read %s: %+v", r.Address, r)
		}
	}
	if err := db.ReadStorage(slotReads); err != nil {
		t.Fatal(err)
	}
	for _, r := range slotReads {
		if want := dump.Accounts[r.Address].Storage[r.Slot]; r.Value != want {
			t.Fatalf("batch read %s %#x: %#x, dump %#x", r.Address, &r.Slot, &r.Value, &want)
		}
	}
	n := 0
	if err := db.ForEachAccount(func(types.Address, types.Account) error { n++; return nil }); err != nil || n != 48 {
		t.Fatalf("%d flat accounts (%v)", n, err)
	}
}

// hiveHead returns the header and raw access list of the hive chain's last
// block, from its newPayload request.
func hiveHead(t *testing.T) (*types.Header, []byte) {
	t.Helper()
	data, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		t.Fatal(err)
	}
	var last *types.NewPayloadRequest
	for i := range reqs {
		if last == nil || reqs[i].Payload.BlockNumber > last.Payload.BlockNumber {
			last = &reqs[i]
		}
	}
	b, err := engine.Block(last)
	if err != nil {
		t.Fatal(err)
	}
	return &b.Header, last.Payload.BlockAccessList
}
