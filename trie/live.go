package trie

import (
	"context"
	"slices"
	"sync"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// Depths (in nibbles) to which kept tries stay decoded between blocks: the
// account trie's upper three levels (at most 16^3 branches, a few
// megabytes, the shared part of every path in a state of millions of
// accounts), a hot contract's storage trie's upper two. Below them only the
// paths the last block wrote stay decoded (Trie.Trim), as many as that
// block's updates: accounts and slots written block after block (senders,
// a token's holders, a pool) are not read and decoded again.
const (
	liveAccountDepth = 3
	liveStorageDepth = 2
)

// liveStorageMax is how many storage tries Live keeps: those the last block
// wrote the most slots to (a block's hot contracts: a token, a pool), and
// only those with at least batchThreshold writes.
const liveStorageMax = 16

// Live computes state roots block after block, keeping the state trie of
// its last root open with its upper levels decoded, and the storage tries
// of the contracts the last block wrote most to: the next block's update
// reads those levels from memory instead of decoding them again. A kept
// trie is used only when its root is the one the update starts from, so a
// block on another parent, or after a rejected block, simply opens the
// tries afresh; an update that fails drops everything it kept.
//
// A Live is safe for use by one Update at a time (its storage tries are
// lent to the update's goroutines under a lock). The zero value is ready.
type Live struct {
	mu       sync.Mutex
	root     types.Hash
	accounts *SecureTrie
	storage  map[types.Address]*liveStorage
	next     map[types.Address]*liveStorage // kept by the update in progress
	scratch  *stateScratch                  // lent to one update at a time
}

type liveStorage struct {
	root   types.Hash
	t      *SecureTrie
	writes int
}

// Root returns the root of the state trie Live keeps (zero if none).
func (l *Live) Root() types.Hash {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.root
}

// Update applies updates (sorted by address) to the state with root parent,
// as UpdateStateContext does, reading nodes from store, and keeps the
// resulting tries for the next block.
func (l *Live) Update(ctx context.Context, store NodeReader, parent types.Hash, updates []state.AccountUpdate) (types.Hash, NodeSet, error) {
	l.mu.Lock()
	accounts := l.accounts
	l.accounts = nil
	if accounts == nil || l.root != parent {
		accounts = nil
	}
	l.next = make(map[types.Address]*liveStorage)
	sc := l.scratch
	l.scratch = nil
	l.mu.Unlock()
	if sc == nil {
		sc = new(stateScratch)
	}
	if accounts == nil {
		var err error
		if accounts, err = NewSecure(parent, store); err != nil {
			return types.Hash{}, NodeSet{}, err
		}
	}
	root, nodes, err := updateState(ctx, accounts, l, sc, store, updates)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scratch = sc
	if err != nil {
		l.root, l.accounts, l.storage, l.next = types.Hash{}, nil, nil, nil
		return types.Hash{}, NodeSet{}, err
	}
	accounts.Trim(liveAccountDepth)
	l.root, l.accounts = root, accounts
	l.keepHottest()
	return root, nodes, nil
}

// take implements storageTries: the kept trie of addr if it is at root.
func (l *Live) take(addr types.Address, root types.Hash) *SecureTrie {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.storage[addr]
	if !ok || s.root != root {
		return nil
	}
	delete(l.storage, addr)
	return s.t
}

// keep implements storageTries: remember addr's trie if the update wrote
// enough slots to it to be worth keeping.
func (l *Live) keep(addr types.Address, root types.Hash, t *SecureTrie, writes int) {
	if writes < batchThreshold {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next[addr] = &liveStorage{root: root, t: t, writes: writes}
}

// keepHottest keeps the liveStorageMax storage tries the last update wrote
// most to, unloaded to their upper levels.
// REQUIRES: l.mu held.
func (l *Live) keepHottest() {
	type entry struct {
		addr types.Address
		s    *liveStorage
	}
	var hot []entry
	for a, s := range l.next {
		hot = append(hot, entry{a, s})
	}
	slices.SortFunc(hot, func(x, y entry) int { return y.s.writes - x.s.writes })
	l.storage = make(map[types.Address]*liveStorage, min(len(hot), liveStorageMax))
	for _, e := range hot[:min(len(hot), liveStorageMax)] {
		e.s.t.Trim(liveStorageDepth)
		l.storage[e.addr] = e.s
	}
	l.next = nil
}
