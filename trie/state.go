package trie

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/internal/keccak"
	"github.com/balexec/balexec/internal/rlp"
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
// state.BlockState.Updates returns them. It sets the Root of every update
// that is not Deleted to the account's new storage root.
func UpdateState(root types.Hash, store NodeReader, updates []state.AccountUpdate) (types.Hash, NodeSet, error) {
	return UpdateStateContext(context.Background(), root, store, updates)
}

// UpdateStateContext is UpdateState that gives up when ctx is done: it
// checks ctx between accounts and between storage tries and then returns
// ctx.Err(), so that a root nobody waits for any more (a speculative run
// that failed) stops costing CPU.
func UpdateStateContext(ctx context.Context, root types.Hash, store NodeReader, updates []state.AccountUpdate) (types.Hash, NodeSet, error) {
	accounts, err := NewSecure(root, store)
	if err != nil {
		return types.Hash{}, nil, err
	}
	return updateState(ctx, accounts, nil, new(stateScratch), store, updates)
}

// UpdateStateOn is UpdateStateContext on an open state trie, which it
// modifies: a trie kept from the previous block (its upper nodes decoded,
// see Trie.Unload) saves decoding them again. After an error the trie must
// be discarded; after success it holds the new state, committed. Live does
// this block after block, keeping hot storage tries too.
func UpdateStateOn(ctx context.Context, accounts *SecureTrie, store NodeReader, updates []state.AccountUpdate) (types.Hash, NodeSet, error) {
	return updateState(ctx, accounts, nil, new(stateScratch), store, updates)
}

// stateScratch is the working memory of one updateState, by account: the
// hashed keys, the old accounts, the new encodings. The trie copies what it
// keeps of keys and values, so after the update it is free again; Live
// keeps one from block to block, which spares the allocator (and the
// garbage collector) a few hundred bytes an account.
type stateScratch struct {
	hashed []types.Hash
	keys   [][]byte
	old    []types.Account
	exists []bool
	vals   [][]byte
	buf    []byte
	offs   []int
}

// resized returns s with length n and every element zero, reusing its
// memory when it has room.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// storageTries lends open storage tries to an update and takes back those
// it updated; it is called from several goroutines at once.
type storageTries interface {
	// take returns an open storage trie of addr at root, or nil.
	take(addr types.Address, root types.Hash) *SecureTrie
	// keep is given a storage trie of addr updated to root, with the number
	// of slots the update wrote.
	keep(addr types.Address, root types.Hash, t *SecureTrie, writes int)
}

// updateState is UpdateStateContext on an open state trie, which it
// modifies, borrowing open storage tries from kept when it is not nil and
// working in sc (see stateScratch). After an error the tries must be
// discarded.
func updateState(ctx context.Context, accounts *SecureTrie, kept storageTries, sc *stateScratch, store NodeReader, updates []state.AccountUpdate) (types.Hash, NodeSet, error) {
	for i := 1; i < len(updates); i++ {
		if updates[i-1].Address.Compare(&updates[i].Address) >= 0 {
			return types.Hash{}, nil, fmt.Errorf("%w: updates not sorted at %s", ErrKeyOrder, updates[i].Address)
		}
	}
	n := len(updates)
	// The hashed keys, once each, and the old accounts of the updated ones
	// (one batch over the root's subtrees, which also resolves the paths the
	// writes will take).
	sc.hashed = resized(sc.hashed, n)
	sc.keys = resized(sc.keys, n)
	hashed, keys := sc.hashed, sc.keys
	parallelFor(n, func(lo, hi int) {
		hashEach(hashed[lo:hi], func(i int, _ *[32]byte) []byte { return updates[lo+i].Address[:] })
		for i := lo; i < hi; i++ {
			keys[i] = hashed[i][:]
		}
	})
	if err := ctx.Err(); err != nil {
		return types.Hash{}, nil, err
	}
	sc.old = resized(sc.old, n)
	sc.exists = resized(sc.exists, n)
	old, exists := sc.old, sc.exists
	var decodeErr atomic.Pointer[error]
	if err := accounts.t.GetBatch(keys, func(i int, val []byte) {
		a, err := types.DecodeAccount(val)
		if err != nil {
			err = fmt.Errorf("%w: account %x: %w", ErrInvalidValue, updates[i].Address, err)
			decodeErr.CompareAndSwap(nil, &err)
			return
		}
		old[i], exists[i] = a, true
	}); err != nil {
		return types.Hash{}, nil, err
	}
	if e := decodeErr.Load(); e != nil {
		return types.Hash{}, nil, *e
	}

	// The storage tries, on min(GOMAXPROCS, jobs) goroutines.
	type storageJob struct {
		idx     int
		oldRoot types.Hash
		newRoot types.Hash
		nodes   NodeSet
		err     error
	}
	var jobs []storageJob
	for i := range updates {
		u := &updates[i]
		if u.Deleted {
			continue
		}
		oldRoot := types.EmptyRootHash
		if exists[i] && !u.Wiped {
			oldRoot = old[i].Root
		}
		if len(u.Storage) == 0 {
			// No slot written: the root stays the old one, or the empty
			// one for a new or wiped account. No trie to open.
			old[i].Root, exists[i] = oldRoot, true
			continue
		}
		jobs = append(jobs, storageJob{idx: i, oldRoot: oldRoot})
	}
	run := func(j *storageJob) {
		u := &updates[j.idx]
		if err := ctx.Err(); err != nil {
			j.err = err
			return
		}
		var st *SecureTrie
		if kept != nil {
			st = kept.take(u.Address, j.oldRoot)
		}
		if st == nil {
			if st, j.err = NewSecure(j.oldRoot, store); j.err != nil {
				j.err = fmt.Errorf("storage of %s: %w", u.Address, j.err)
				return
			}
		}
		if j.newRoot, j.nodes, j.err = updateStorage(st, u.Storage); j.err != nil {
			j.err = fmt.Errorf("storage of %s: %w", u.Address, j.err)
			return
		}
		if kept != nil {
			kept.keep(u.Address, j.newRoot, st, len(u.Storage))
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < len(jobs); k = int(next.Add(1)) - 1 {
				run(&jobs[k])
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return types.Hash{}, nil, err
	}
	for k := range jobs {
		j := &jobs[k]
		if j.err != nil {
			return types.Hash{}, nil, j.err
		}
		old[j.idx].Root = j.newRoot
		exists[j.idx] = true // its root now stands for the new storage
	}

	// The accounts, in one batch over the root's subtrees.
	sc.vals = resized(sc.vals, n)
	sc.offs = resized(sc.offs, n+1)
	if cap(sc.buf) < n*80 {
		sc.buf = make([]byte, 0, n*80)
	}
	vals, buf, offs := sc.vals, sc.buf[:0], sc.offs
	for i := range updates {
		u := &updates[i]
		offs[i] = len(buf)
		if u.Deleted {
			continue
		}
		acct := types.Account{Nonce: u.Nonce, Balance: u.Balance, CodeHash: u.CodeHash, Root: old[i].Root}
		if !exists[i] {
			acct.Root = types.EmptyRootHash
		}
		u.Root = acct.Root
		if acct.CodeHash == (types.Hash{}) {
			acct.CodeHash = types.EmptyCodeHash
		}
		buf = acct.AppendRLP(buf)
	}
	sc.buf = buf // grown, if an encoding was longer than 80 bytes
	offs[n] = len(buf)
	for i := range updates {
		if !updates[i].Deleted {
			vals[i] = buf[offs[i]:offs[i+1]:offs[i+1]]
		}
	}
	if err := accounts.t.UpdateBatch(keys, vals); err != nil {
		return types.Hash{}, nil, err
	}
	newRoot, nodes := accounts.Commit()
	for k := range jobs {
		for h, enc := range jobs[k].nodes {
			nodes[h] = enc
		}
	}
	return newRoot, nodes, nil
}

// updateStorage applies slot updates to the open storage trie st and
// returns the new root and the nodes the update created.
func updateStorage(st *SecureTrie, slots []state.SlotUpdate) (types.Hash, NodeSet, error) {
	if len(slots) < batchThreshold {
		for _, s := range slots {
			if err := st.UpdateStorage(s.Key, s.Value); err != nil {
				return types.Hash{}, nil, err
			}
		}
		r, nodes := st.Commit()
		return r, nodes, nil
	}
	hashed := make([]types.Hash, len(slots))
	keys := make([][]byte, len(slots))
	vals := make([][]byte, len(slots))
	buf := make([]byte, 0, len(slots)*33)
	hashEach(hashed, func(i int, b *[32]byte) []byte {
		*b = slots[i].Key.Bytes32()
		return b[:]
	})
	for i := range slots {
		keys[i] = hashed[i][:]
		if v := &slots[i].Value; !v.IsZero() {
			start := len(buf)
			buf = rlp.AppendUint256(buf, v)
			vals[i] = buf[start:len(buf):len(buf)]
		}
	}
	if err := st.t.UpdateBatch(keys, vals); err != nil {
		return types.Hash{}, nil, err
	}
	r, nodes := st.Commit()
	return r, nodes, nil
}

// hashEach sets out[i] to the Keccak-256 hash of key(i, b) for every i,
// up to 64 keys at a time through keccak.SumMany; key may return a slice of
// b, 32 bytes of scratch of its own.
func hashEach(out []types.Hash, key func(i int, b *[32]byte) []byte) {
	const chunk = 64
	var (
		bufs [chunk][32]byte
		ins  [chunk][]byte
		sums [chunk][32]byte
	)
	for lo := 0; lo < len(out); lo += chunk {
		n := min(chunk, len(out)-lo)
		for j := range n {
			ins[j] = key(lo+j, &bufs[j])
		}
		keccak.SumMany(sums[:n], ins[:n])
		for j := range n {
			out[lo+j] = sums[j]
		}
	}
}

// parallelFor calls f(lo, hi) for consecutive chunks [lo, hi) covering
// [0, n), on min(GOMAXPROCS, n/256+1) goroutines; it returns when every
// call has.
func parallelFor(n int, f func(lo, hi int)) {
	const chunk = 256
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers < 2 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				f(start, min(start+chunk, n))
			}
		})
	}
	wg.Wait()
}
