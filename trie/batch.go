package trie

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// batchThreshold is the smallest batch spread over goroutines: below it,
// starting and joining them costs about what they save.
const batchThreshold = 64

// GetBatch reads every key, calling found(i, value) for each keys[i] that
// is present (value is volatile: copy it to keep it). The keys must be
// distinct and of one length (a secure trie's hashed keys are). found is
// called from several goroutines at once, each index once.
//
// Like UpdateBatch it spreads a large batch over the root branch's
// subtrees, on at most GOMAXPROCS goroutines (or the trie's fan-out limit,
// see updateState) sharing only the store; the nodes read stay resolved in
// the trie, so a following UpdateBatch of the same keys reads nothing again.
func (t *Trie) GetBatch(keys [][]byte, found func(i int, val []byte)) error {
	return t.batch(keys, func(sub *Trie, n node, i int) (node, bool, error) {
		val, n, err := sub.get(n, sub.path, 1)
		if err == nil && val != nil {
			found(i, val)
		}
		return n, false, err
	}, func() error {
		for i, k := range keys {
			v, ok, err := t.Get(nil, k)
			if err != nil {
				return err
			}
			if ok {
				found(i, v)
			}
		}
		return nil
	})
}

// UpdateBatch sets each keys[i] to vals[i], an empty value deleting the
// key, with the same result as calling Update for each pair. The keys must
// be distinct and all of one length (the hashed keys of a secure trie are);
// their order does not matter.
//
// When the root is a branch node and the batch is large, the branch's
// subtrees are updated on separate goroutines, at most GOMAXPROCS of them
// (or the trie's fan-out limit), each with its own scratch; they share only
// the store, which must then be safe for concurrent reads (MemStore is). The
// root branch is settled after every subtree is done. On error the trie must
// be discarded: some subtrees may hold their updates and others not.
func (t *Trie) UpdateBatch(keys, vals [][]byte) error {
	if len(keys) != len(vals) {
		return fmt.Errorf("trie: UpdateBatch with %d keys and %d values", len(keys), len(vals))
	}
	return t.batch(keys, func(sub *Trie, n node, i int) (node, bool, error) {
		if len(vals[i]) == 0 {
			return sub.delete(n, sub.path, 1)
		}
		return sub.insert(n, sub.path, 1, vals[i])
	}, func() error {
		for i := range keys {
			if err := t.Update(keys[i], vals[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// batch runs op for every key below the root branch, the subtrees on
// separate goroutines, or calls serial when the batch is small, the machine
// has one core or the root is not a branch. op works on sub, whose path
// holds the key's nibbles, below n (the key's subtree), and returns the
// node to keep in place of n and whether the contents changed.
func (t *Trie) batch(keys [][]byte, op func(sub *Trie, n node, i int) (node, bool, error), serial func() error) error {
	if hn, ok := t.root.(*hashNode); ok && len(keys) >= batchThreshold {
		rn, err := t.resolve(hn, nil)
		if err != nil {
			return err
		}
		t.root = rn
	}
	root, ok := t.root.(*branchNode)
	if !ok || len(keys) < batchThreshold || t.fan.N() < 2 {
		return serial()
	}
	var groups [16][]int
	for i, k := range keys {
		if len(k) == 0 {
			return serial() // a key ending at the root
		}
		groups[k[0]>>4] = append(groups[k[0]>>4], i)
	}
	type result struct {
		child   node
		changed int
		err     error
	}
	var (
		results [16]result
		nibs    []int // the subtrees with keys
		next    atomic.Int32
		wg      sync.WaitGroup
	)
	for nib := range groups {
		if len(groups[nib]) > 0 {
			nibs = append(nibs, nib)
		}
	}
	for range min(t.fan.N(), len(nibs)) {
		wg.Go(func() {
			sub := Trie{store: t.store, trusted: t.trusted, fan: t.fan}
			for j := int(next.Add(1)) - 1; j < len(nibs); j = int(next.Add(1)) - 1 {
				nib := nibs[j]
				r := &results[nib]
				r.child = root.kids[nib]
				for _, i := range groups[nib] {
					sub.path = appendNibbles(sub.path[:0], keys[i])
					var changed bool
					if r.child, changed, r.err = op(&sub, r.child, i); r.err != nil {
						r.err = fmt.Errorf("trie: key %x: %w", keys[i], r.err)
						break
					}
					if changed {
						r.changed++
					}
				}
			}
		})
	}
	wg.Wait()
	changed := 0
	for _, nib := range nibs {
		r := &results[nib]
		if r.err != nil {
			return r.err
		}
		root.kids[nib] = r.child // the same contents, resolved, when unchanged
		changed += r.changed
	}
	if changed == 0 {
		return nil
	}
	root.touch()
	t.unhashed += changed
	t.uncommitted += changed
	if root.entries() < 2 {
		// Deletions left the root with one entry: it becomes a short node,
		// which needs that entry resolved.
		for i, k := range root.kids {
			if hn, ok := k.(*hashNode); ok {
				rn, err := t.resolve(hn, []byte{byte(i)})
				if err != nil {
					return err
				}
				root.kids[i] = rn
			}
		}
		if root.entries() == 0 {
			t.root = nil
		} else {
			t.root = collapse(root)
		}
	}
	return nil
}

// Unload drops the resolved nodes below nibble depth depth, replacing each
// committed node there that is stored by hash with a reference to it, so
// that a trie kept from block to block holds its upper levels decoded (every
// path goes through them) and its memory stays bounded (at most 16^depth
// branches). Uncommitted (dirty) nodes and nodes embedded in their parent
// are kept. The trie's contents and hash do not change.
func (t *Trie) Unload(depth int) {
	t.root = unload(t.root, 0, depth, false)
}

// Trim is Unload, except that below depth it keeps decoded the nodes the
// last commit wrote, the paths of its updated keys, and then forgets which
// nodes those were. A path written by commit after commit (a hot sender, a
// pool's slot) stays decoded and the next update need not read and decode
// it again; one the last commit did not write goes. What stays below depth
// is bounded by the size of the last commit.
func (t *Trie) Trim(depth int) {
	t.root = unload(t.root, 0, depth, true)
}

// unload drops the clean hashed nodes at or below depth; with keepFresh,
// not those the last commit wrote. It clears every fresh mark it passes.
func unload(n node, at, depth int, keepFresh bool) node {
	drop := func(dirty bool, fresh *bool, r *ref) bool {
		keep := keepFresh && *fresh
		*fresh = false
		return at >= depth && !dirty && !keep && r.n == hashRef
	}
	switch n := n.(type) {
	case *leafNode:
		if drop(n.dirty, &n.fresh, &n.ref) {
			return newHashNode(n.ref.b)
		}
	case *extNode:
		if drop(n.dirty, &n.fresh, &n.ref) {
			return newHashNode(n.ref.b)
		}
		n.child = unload(n.child, at+len(n.key), depth, keepFresh)
	case *branchNode:
		if drop(n.dirty, &n.fresh, &n.ref) {
			return newHashNode(n.ref.b)
		}
		for i, k := range n.kids {
			if k != nil {
				n.kids[i] = unload(k, at+1, depth, keepFresh)
			}
		}
	}
	return n
}
