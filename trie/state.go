package trie

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/internal/fanout"
	"github.com/balexec/balexec/internal/keccak"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
)

// UpdateState applies a block's account updates to the state trie with the
// given root, reading unchanged nodes from store, and returns the new root
// and every node the update created (add them to the store to open the new
// root). Storage tries of different accounts are updated on
// min(GOMAXPROCS, accounts with storage changes) goroutines, beside the
// accounts whose storage does not change when the storage tries take many
// slots, all joined before UpdateState returns; store must therefore be
// safe for concurrent reads. updates must be sorted by address with no
// duplicates, as state.BlockState.Updates returns them. It sets the Root of
// every update that is not Deleted to the account's new storage root.
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
		return types.Hash{}, NodeSet{}, err
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
	// the keys and values of the accounts without a storage job, and of
	// those with one (see updateState)
	ekeys, evals, lkeys, lvals [][]byte
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
			return types.Hash{}, NodeSet{}, fmt.Errorf("%w: updates not sorted at %s", ErrKeyOrder, updates[i].Address)
		}
	}
	n := len(updates)
	// Every fan-out below uses at most as many goroutines as ctx's limit
	// allows when it starts (see internal/fanout).
	fan := fanout.From(ctx)
	accounts.t.fan = fan
	defer func() { accounts.t.fan = nil }()
	// The hashed keys, once each, and the old accounts of the updated ones
	// (one batch over the root's subtrees, which also resolves the paths the
	// writes will take).
	sc.hashed = resized(sc.hashed, n)
	sc.keys = resized(sc.keys, n)
	hashed, keys := sc.hashed, sc.keys
	parallelFor(fan, n, func(lo, hi int) {
		hashEach(hashed[lo:hi], func(i int, _ *[32]byte) []byte { return updates[lo+i].Address[:] })
		for i := lo; i < hi; i++ {
			keys[i] = hashed[i][:]
		}
	})
	if err := ctx.Err(); err != nil {
		return types.Hash{}, NodeSet{}, err
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
		return types.Hash{}, NodeSet{}, err
	}
	if e := decodeErr.Load(); e != nil {
		return types.Hash{}, NodeSet{}, *e
	}

	// The storage tries, on elastic's goroutines.
	type storageJob struct {
		idx     int
		oldRoot types.Hash
		newRoot types.Hash
		nodes   []Node
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
		st.t.fan = fan
		j.newRoot, j.nodes, j.err = updateStorage(st, u.Storage)
		st.t.fan = nil
		if j.err != nil {
			j.err = fmt.Errorf("storage of %s: %w", u.Address, j.err)
			return
		}
		if kept != nil {
			kept.keep(u.Address, j.newRoot, st, len(u.Storage))
		}
	}
	// The accounts' new encodings: those without a storage job now, the
	// others once their storage roots are known.
	sc.vals = resized(sc.vals, n)
	if cap(sc.buf) < n*80 {
		sc.buf = make([]byte, 0, n*80)
	}
	vals := sc.vals
	encode := func(i int) {
		u := &updates[i]
		if u.Deleted {
			return // an empty value deletes the key
		}
		acct := types.Account{Nonce: u.Nonce, Balance: u.Balance, CodeHash: u.CodeHash, Root: old[i].Root}
		if !exists[i] {
			acct.Root = types.EmptyRootHash
		}
		u.Root = acct.Root
		if acct.CodeHash == (types.Hash{}) {
			acct.CodeHash = types.EmptyCodeHash
		}
		start := len(sc.buf)
		sc.buf = acct.AppendRLP(sc.buf)
		// A slice of the buffer before a later append grows it stays valid.
		vals[i] = sc.buf[start:len(sc.buf):len(sc.buf)]
	}
	sc.buf = sc.buf[:0]
	// The accounts whose storage does not change go into the account trie
	// while the storage tries are updated, as one more task (the first
	// taken), and the subtrees below its root that no account with a
	// storage change is in are committed then (Trie.commitKids). After the
	// storage tries only the accounts with storage changes are left to
	// insert, and the paths to them to hash: all of it after them ran alone
	// at the end of the root, with the parallel executor's steps done and a
	// core idle. When no account or every account has a storage change, or
	// the storage tries take a few slots only (a block of transfers, where
	// only the system contracts write), all go in after the storage tries:
	// the split would cost more than it hides.
	slots := 0
	for k := range jobs {
		slots += len(updates[jobs[k].idx].Storage)
	}
	early := len(jobs) > 0 && len(jobs) < n && slots >= batchThreshold
	ekeys, evals, lkeys := sc.ekeys[:0], sc.evals[:0], sc.lkeys[:0]
	for i, k := 0, 0; i < n; i++ {
		if k < len(jobs) && jobs[k].idx == i {
			lkeys = append(lkeys, keys[i])
			k++
			continue
		}
		encode(i)
		if early {
			ekeys, evals = append(ekeys, keys[i]), append(evals, vals[i])
		}
	}
	sc.ekeys, sc.evals, sc.lkeys = ekeys, evals, lkeys
	var (
		earlyErr   error
		earlyNodes []Node
	)
	tasks := len(jobs)
	if early {
		tasks++
	}
	elastic(fan, tasks, func(k int) {
		if early {
			if k == 0 {
				if earlyErr = accounts.t.UpdateBatch(ekeys, evals); earlyErr == nil {
					earlyNodes = accounts.t.commitKids(lkeys)
				}
				return
			}
			k--
		}
		run(&jobs[k])
	})
	if err := ctx.Err(); err != nil {
		return types.Hash{}, NodeSet{}, err
	}
	if earlyErr != nil {
		return types.Hash{}, NodeSet{}, earlyErr
	}
	for k := range jobs {
		j := &jobs[k]
		if j.err != nil {
			return types.Hash{}, NodeSet{}, j.err
		}
		old[j.idx].Root = j.newRoot
		exists[j.idx] = true // its root now stands for the new storage
		encode(j.idx)
	}
	// The rest of the accounts: those with storage changes, or all.
	batchKeys, batchVals := keys, vals
	if early {
		lvals := sc.lvals[:0]
		for k := range jobs {
			lvals = append(lvals, vals[jobs[k].idx])
		}
		sc.lvals = lvals
		batchKeys, batchVals = lkeys, lvals
	}
	if err := accounts.t.UpdateBatch(batchKeys, batchVals); err != nil {
		return types.Hash{}, NodeSet{}, err
	}
	// The block's nodes: each trie's list as it recorded it.
	var nodes NodeSet
	nodes.Append(earlyNodes...)
	for k := range jobs {
		nodes.Append(jobs[k].nodes...)
	}
	newRoot, recs := accounts.t.commitRecs()
	nodes.Append(recs...)
	return newRoot, nodes, nil
}

// updateStorage applies slot updates to the open storage trie st and
// returns the new root and the nodes the update created, as a list.
func updateStorage(st *SecureTrie, slots []state.SlotUpdate) (types.Hash, []Node, error) {
	if len(slots) < batchThreshold {
		for _, s := range slots {
			if err := st.UpdateStorage(s.Key, s.Value); err != nil {
				return types.Hash{}, nil, err
			}
		}
		r, nodes := st.t.commitRecs()
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
	r, nodes := st.t.commitRecs()
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

// parallelFor calls f(lo, hi) for consecutive chunks [lo, hi) of 256
// covering [0, n), on elastic's goroutines; it returns when every call has.
func parallelFor(fan fanout.Limit, n int, f func(lo, hi int)) {
	const chunk = 256
	elastic(fan, (n+chunk-1)/chunk, func(k int) {
		f(k*chunk, min((k+1)*chunk, n))
	})
}

// elastic calls do(k) for every k in [0, tasks), each index once, on
// goroutines that take the next index from a shared counter: the caller's,
// and as many more as fan allows when it starts, and more again whenever
// one of them, between two tasks, finds fan allowing more than are running
// (the parallel executor's workers running out of steps give their cores
// back). It returns when every call has.
func elastic(fan fanout.Limit, tasks int, do func(k int)) {
	var (
		next    atomic.Int64 // indexes handed out
		done    atomic.Int64 // calls returned
		running atomic.Int64 // goroutines started, the caller's included
		wg      sync.WaitGroup
		work    func()
	)
	// grow starts goroutines while fewer run than fan allows and than there
	// are unfinished tasks, and an index is left to hand out. Unfinished,
	// not unclaimed: a goroutine busy on a task still counts as one of the
	// goroutines the tasks need, so comparing the running count with the
	// unclaimed ones alone would stop one short whenever a new goroutine
	// claims its index before the loop looks again.
	grow := func() {
		for next.Load() < int64(tasks) {
			r := running.Load()
			if r >= min(int64(fan.N()), int64(tasks)-done.Load()) {
				return
			}
			if running.CompareAndSwap(r, r+1) {
				wg.Go(work)
			}
		}
	}
	work = func() {
		for {
			k := int(next.Add(1)) - 1
			if k >= tasks {
				return
			}
			do(k)
			done.Add(1)
			grow()
		}
	}
	running.Store(1)
	grow()
	work()
	wg.Wait()
}
