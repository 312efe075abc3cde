package exec_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/storedb"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Import a chain into a directory: a chain over the on-disk store, fed
// engine API payloads with their block access lists. Reopened, the store
// continues from its head.
func ExampleOpenChain() {
	dir, err := os.MkdirTemp("", "balexec-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	g, genesis := readGenesis("../testdata/hivechain-amsterdam/genesis.json")
	blocks, lists := readPayloads("../testdata/hivechain-amsterdam/newpayload.json")

	db, err := store.Open(dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	chain, err := exec.OpenChain(g.Config, storedb.New(db), genesis, g.Alloc)
	if err != nil {
		log.Fatal(err)
	}
	chain.EnableParallel(0, 0) // blocks with a list run on all cores
	ctx := context.Background()
	for i, b := range blocks {
		if _, err := chain.InsertWithAccessList(ctx, b, lists[i]); err != nil {
			log.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}

	// Later: the same directory, the chain at its head (the allocation is
	// only needed for an empty store).
	db, err = store.Open(dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	chain, err = exec.OpenChain(g.Config, storedb.New(db), genesis, nil)
	if err != nil {
		log.Fatal(err)
	}
	head := chain.Head()
	fmt.Println("head", head.Number, head.Root)
	// Output: head 600 0x7714335f0d11ff7d9c447b48a5c8071bdead229c9b6a00f9a87ef663d1f5996c
}

// Execute one block with its block access list on a parent state the
// caller keeps itself (here a state.Memory and a trie.MemStore): the
// executor checks the header, the body and the list, runs the block in
// parallel from the list, computes the new root against the caller's trie
// nodes and checks everything against the header. The caller then applies
// the updates and keeps the new nodes.
func ExampleExecutor_Execute() {
	w, err := bench.Generate(bench.Transfers, bench.Params{Seed: 1, Blocks: 1, GasLimit: bench.MinGasLimit, Senders: 8})
	if err != nil {
		log.Fatal(err)
	}
	g, err := chainspec.ParseGenesis(w.GenesisJSON)
	if err != nil {
		log.Fatal(err)
	}
	genesis, err := g.Header()
	if err != nil {
		log.Fatal(err)
	}

	// The caller's state after the parent block, and its trie nodes.
	updates := g.Alloc.Updates()
	parentState := state.NewMemory()
	parentState.Apply(updates)
	nodes := trie.NewMemStore()
	_, set, err := trie.UpdateState(types.EmptyRootHash, nodes, updates)
	if err != nil {
		log.Fatal(err)
	}
	nodes.Add(set)

	e := exec.NewExecutor(g.Config)
	e.EnableParallel(0, 0)
	block, list := w.Blocks[0].Block, w.Blocks[0].BAL
	res, err := e.Execute(context.Background(), block, list, &exec.Parent{
		Header: &genesis,
		State:  cache.New(parentState, cache.Options{}), // concurrent reads, warmed from the list
		Nodes:  nodes,
	})
	if err != nil {
		log.Fatal(err)
	}
	parentState.Apply(res.Updates)
	nodes.Add(res.Nodes)
	fmt.Println("transactions:", len(res.Receipts))
	fmt.Println("state root is the header's:", res.Root == block.Header.Root)
	fmt.Println("ran in parallel:", e.ParallelStats().Parallel == 1)
	// Output:
	// transactions: 59
	// state root is the header's: true
	// ran in parallel: true
}

// Produce a block's access list by sequential execution, as for a block
// that arrived without one (or a block being built): the processor records
// every step's accesses and returns the list, whose hash the header
// commits to.
func ExampleProcessor_Process() {
	w, err := bench.Generate(bench.Transfers, bench.Params{Seed: 1, Blocks: 1, GasLimit: bench.MinGasLimit, Senders: 8})
	if err != nil {
		log.Fatal(err)
	}
	g, err := chainspec.ParseGenesis(w.GenesisJSON)
	if err != nil {
		log.Fatal(err)
	}
	pre := state.NewMemory()
	pre.Apply(g.Alloc.Updates())

	block := w.Blocks[0].Block
	noHistory := func(uint64) types.Hash { return types.Hash{} } // BLOCKHASH of the ancestors
	res, err := exec.NewProcessor(g.Config, nil).Process(context.Background(), block, pre, noHistory)
	if err != nil {
		log.Fatal(err)
	}
	list := res.AccessList.EncodeRLP()
	fmt.Println("accounts in the list:", len(res.AccessList.Accounts))
	fmt.Println("hash is the header's:", res.AccessList.Hash() == block.Header.BlockAccessListHash)
	fmt.Println("same bytes as the generator's:", slices.Equal(list, w.Blocks[0].BAL))
	// Output:
	// accounts in the list: 41
	// hash is the header's: true
	// same bytes as the generator's: true
}

// readGenesis reads a genesis file.
func readGenesis(path string) (*chainspec.Genesis, *types.Header) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	g, err := chainspec.ReadGenesis(f)
	if err != nil {
		log.Fatal(err)
	}
	h, err := g.Header()
	if err != nil {
		log.Fatal(err)
	}
	return g, &h
}

// readPayloads reads an engine API newPayload file: its blocks in order,
// with their access lists (nil before Amsterdam).
func readPayloads(path string) ([]*types.Block, [][]byte) {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		log.Fatal(err)
	}
	slices.SortFunc(reqs, func(a, b types.NewPayloadRequest) int { return int(a.Payload.BlockNumber) - int(b.Payload.BlockNumber) })
	var (
		blocks []*types.Block
		lists  [][]byte
	)
	for i := range reqs {
		if reqs[i].Payload.BlockNumber == 0 {
			continue
		}
		b, err := engine.Block(&reqs[i])
		if err != nil {
			log.Fatal(err)
		}
		var list []byte
		if len(reqs[i].Payload.BlockAccessList) > 0 {
			list = reqs[i].Payload.BlockAccessList
		}
		blocks, lists = append(blocks, b), append(lists, list)
	}
	return blocks, lists
}
