package trie

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// UpdateState applies a block's account updates to the state trie with the
// given root, reading unchanged nodes from store, and returns the new root
// and every node the update created (add them to the store to open the new
// root). Storage tries of different accounts are updated on
// min(GOMAXPROCS, accounts with storage changes) goroutines, all joined
// before UpdateState returns; store must therefore be safe for concurrent
// reads. updates must be sorted by address with no duplicates, as
// state.BlockState.Updates returns them.
func UpdateState(root types.Hash, store NodeReader, updates []state.AccountUpdate) (types.Hash, NodeSet, error) {
	accounts, err := NewSecure(root, store)
	if err != nil {
		return types.Hash{}, nil, err
	}
	// Read the old accounts (the trie is not safe for concurrent use).
	type storageJob struct {
		idx      int
		oldRoot  types.Hash
		newRoot  types.Hash
		nodes    NodeSet
		err      error
		existing bool
	}
	jobs := make([]storageJob, 0, len(updates))
	old := make([]types.Account, len(updates))
	exists := make([]bool, len(updates))
	for i := range updates {
		u := &updates[i]
		if i > 0 && compareAddr(&updates[i-1].Address, &u.Address) >= 0 {
			return types.Hash{}, nil, fmt.Errorf("%w: updates not sorted at %s", ErrKeyOrder, u.Address)
		}
		if u.Deleted {
			continue
		}
		acct, ok, err := accounts.GetAccount(u.Address)
		if err != nil {
			return types.Hash{}, nil, err
		}
		old[i], exists[i] = acct, ok
		oldRoot := types.EmptyRootHash
		if ok && !u.Wiped {
			oldRoot = acct.Root
		}
		if len(u.Storage) == 0 && oldRoot == acct.Root && ok {
			continue // storage unchanged
		}
		jobs = append(jobs, storageJob{idx: i, oldRoot: oldRoot, existing: ok})
	}
	run := func(j *storageJob) {
		u := &updates[j.idx]
		if len(u.Storage) == 0 {
			j.newRoot = j.oldRoot
			return
		}
		st, err := NewSecure(j.oldRoot, store)
		if err != nil {
			j.err = fmt.Errorf("storage of %s: %w", u.Address, err)
			return
		}
		for _, s := range u.Storage {
			if err := st.UpdateStorage(s.Key, s.Value); err != nil {
				j.err = fmt.Errorf("storage of %s: %w", u.Address, err)
				return
			}
		}
		j.newRoot, j.nodes = st.Commit()
	}
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var next atomic.Int64
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(jobs) {
					return
				}
				run(&jobs[k])
			}
		}()
	}
	for {
		k := int(next.Add(1)) - 1
		if k >= len(jobs) {
			break
		}
		run(&jobs[k])
	}
	wg.Wait()

	nodes := make(NodeSet)
	roots := make(map[int]types.Hash, len(jobs))
	for k := range jobs {
		j := &jobs[k]
		if j.err != nil {
			return types.Hash{}, nil, j.err
		}
		for h, n := range j.nodes {
			nodes[h] = n
		}
		roots[j.idx] = j.newRoot
	}
	for i := range updates {
		u := &updates[i]
		if u.Deleted {
			if err := accounts.DeleteAccount(u.Address); err != nil {
				return types.Hash{}, nil, err
			}
			continue
		}
		acct := types.Account{Nonce: u.Nonce, Balance: u.Balance, CodeHash: u.CodeHash, Root: old[i].Root}
		if !exists[i] {
			acct.Root = types.EmptyRootHash
		}
		if r, ok := roots[i]; ok {
			acct.Root = r
		}
		if acct.CodeHash == (types.Hash{}) {
			acct.CodeHash = types.EmptyCodeHash
		}
		if err := accounts.UpdateAccount(u.Address, &acct); err != nil {
			return types.Hash{}, nil, err
		}
	}
	newRoot, accountNodes := accounts.Commit()
	for h, n := range accountNodes {
		nodes[h] = n
	}
	return newRoot, nodes, nil
}

func compareAddr(a, b *types.Address) int { return bytes.Compare(a[:], b[:]) }
