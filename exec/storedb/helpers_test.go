package storedb_test

import (
	"os"
	"slices"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/storedb"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// hiveRoot and hiveHead are the state root and hash of the hive Amsterdam
// chain's head, block 600 (headblock.json).
var (
	hiveRoot = testdata.HiveHeadRoot
	hiveHead = testdata.HiveHeadHash
)

// hive is the hive Amsterdam chain: its genesis and its 600 blocks in
// order, each with its access list (nil before Amsterdam).
type hive struct {
	genesis *chainspec.Genesis
	header  types.Header
	blocks  []*types.Block
	lists   [][]byte
}

func loadHive(tb testing.TB) *hive {
	tb.Helper()
	f, err := os.Open(testdata.Repo(tb, "hivechain-amsterdam/genesis.json"))
	if err != nil {
		tb.Fatal(err)
	}
	g, err := chainspec.ReadGenesis(f)
	f.Close()
	if err != nil {
		tb.Fatal(err)
	}
	h := &hive{genesis: g}
	if h.header, err = g.Header(); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(testdata.Repo(tb, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		tb.Fatal(err)
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(reqs, func(a, b types.NewPayloadRequest) int {
		return int(a.Payload.BlockNumber) - int(b.Payload.BlockNumber)
	})
	for i := range reqs {
		r := &reqs[i]
		if r.Payload.BlockNumber == 0 {
			continue
		}
		b, err := engine.Block(r)
		if err != nil {
			tb.Fatal(err)
		}
		var list []byte
		if len(r.Payload.BlockAccessList) > 0 {
			list = r.Payload.BlockAccessList
		}
		h.blocks = append(h.blocks, b)
		h.lists = append(h.lists, list)
	}
	if len(h.blocks) != 600 || h.blocks[599].Hash() != hiveHead {
		tb.Fatalf("hive chain: %d blocks", len(h.blocks))
	}
	return h
}

// open opens the chain of h over the store in dir.
func (h *hive) open(tb testing.TB, db *store.DB) *exec.Chain {
	tb.Helper()
	chain, err := exec.OpenChain(h.genesis.Config, storedb.New(db), &h.header, h.genesis.Alloc)
	if err != nil {
		tb.Fatal(err)
	}
	return chain
}

func openStore(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{CacheSize: 8 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// flatRoot recomputes the state root of the store's flat state from
// scratch: every account and slot it holds, hashed into a new trie.
func flatRoot(db *store.DB) (types.Hash, int, error) {
	mem := state.NewMemory()
	var updates []state.AccountUpdate
	err := db.ForEachAccount(func(addr types.Address, a types.Account) error {
		u := state.AccountUpdate{Address: addr, Nonce: a.Nonce, Balance: a.Balance, CodeHash: a.CodeHash}
		if err := db.ForEachSlot(addr, func(k, v uint256.Int) error {
			u.Storage = append(u.Storage, state.SlotUpdate{Key: k, Value: v})
			return nil
		}); err != nil {
			return err
		}
		updates = append(updates, u)
		return nil
	})
	if err != nil {
		return types.Hash{}, 0, err
	}
	mem.Apply(updates)
	root, _, err := trie.UpdateState(types.EmptyRootHash, trie.NewMemStore(), mem.Updates())
	return root, len(updates), err
}
