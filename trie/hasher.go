package trie

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// hasher computes node references bottom-up, reusing one encoding buffer.
// While committing (nodes non-nil) it also marks dirty nodes clean (and
// fresh, for Trie.Trim) and records the encodings of those that are
// referenced by hash.
type hasher struct {
	buf    []byte
	nodes  NodeSet // non-nil while committing
	expect int     // how many nodes the commit is expected to record
	arena  []byte  // backing of the recorded encodings, allocated in chunks
}

// arenaChunk is the size of the chunks committed encodings are copied into:
// one allocation for a hundred or so nodes instead of one each. A chunk
// lives as long as any of its nodes is kept.
const arenaChunk = 64 << 10

// keep returns a copy of enc in the arena.
func (h *hasher) keep(enc []byte) []byte {
	if cap(h.arena)-len(h.arena) < len(enc) {
		h.arena = make([]byte, 0, max(arenaChunk, len(enc)))
	}
	start := len(h.arena)
	h.arena = append(h.arena, enc...)
	return h.arena[start:len(h.arena):len(h.arena)]
}

// need reports whether the node owning r must be encoded: its reference is
// unknown, or it is a dirty hashed node whose encoding a commit must record.
func (h *hasher) need(r *ref, dirty bool) bool {
	return r.n == 0 || (r.n == hashRef && dirty && h.nodes != nil)
}

// seal sets r from the encoding in h.buf, unless it is already known, and
// records the encoding of a dirty hashed node while committing.
func (h *hasher) seal(r *ref, dirty bool) {
	if r.n == 0 {
		r.set(h.buf)
	}
	if r.n == hashRef && dirty && h.nodes != nil {
		h.nodes[r.b] = h.keep(h.buf)
	}
}

// ref returns the reference of n (which must not be nil), computing and
// caching the references of n and its descendants where they are unknown.
func (h *hasher) ref(n node) ref {
	commit := h.nodes != nil
	switch n := n.(type) {
	case *hashNode:
		return n.ref
	case *leafNode:
		if h.need(&n.ref, n.dirty) {
			h.buf = appendLeaf(h.buf[:0], n.key, n.val)
			h.seal(&n.ref, n.dirty)
		}
		if commit {
			n.fresh = n.fresh || n.dirty
			n.dirty = false
		}
		return n.ref
	case *extNode:
		if n.ref.n != 0 && !(commit && n.dirty) {
			return n.ref
		}
		child := h.ref(n.child)
		if h.need(&n.ref, n.dirty) {
			h.buf = appendExt(h.buf[:0], n.key, &child)
			h.seal(&n.ref, n.dirty)
		}
		if commit {
			n.fresh = n.fresh || n.dirty
			n.dirty = false
		}
		return n.ref
	case *branchNode:
		if n.ref.n != 0 && !(commit && n.dirty) {
			return n.ref
		}
		var kids [16]ref
		for i, k := range n.kids {
			if k != nil {
				kids[i] = h.ref(k)
			}
		}
		if h.need(&n.ref, n.dirty) {
			h.buf = appendBranch(h.buf[:0], &kids, n.val)
			h.seal(&n.ref, n.dirty)
		}
		if commit {
			n.fresh = n.fresh || n.dirty
			n.dirty = false
		}
		return n.ref
	}
	panic("trie: unknown node type")
}

// parallelThreshold is the number of updates since the last hash above which
// the children of a branch root are hashed on separate goroutines. Below it
// the work per child is a few microseconds, comparable to starting and
// joining the goroutines.
const parallelThreshold = 100

// refChildrenParallel computes the references of the children of root on
// min(GOMAXPROCS, children) goroutines, each with its own hasher, and merges
// what they committed into h.nodes. Children are disjoint subtrees, so the
// workers share no node. It returns once every worker has finished.
func (h *hasher) refChildrenParallel(root *branchNode) {
	commit := h.nodes != nil
	var todo []int
	for i, k := range root.kids {
		switch k := k.(type) {
		case *leafNode:
			if k.ref.n == 0 || (commit && k.dirty) {
				todo = append(todo, i)
			}
		case *extNode:
			if k.ref.n == 0 || (commit && k.dirty) {
				todo = append(todo, i)
			}
		case *branchNode:
			if k.ref.n == 0 || (commit && k.dirty) {
				todo = append(todo, i)
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if workers < 2 {
		return
	}
	var (
		next    atomic.Int32
		wg      sync.WaitGroup
		results = make([]NodeSet, workers)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wh := hasher{}
			if commit {
				wh.nodes = make(NodeSet, h.expect/workers+8)
			}
			for {
				j := int(next.Add(1)) - 1
				if j >= len(todo) {
					break
				}
				wh.ref(root.kids[todo[j]])
			}
			results[w] = wh.nodes
		}()
	}
	wg.Wait()
	for _, set := range results {
		for k, v := range set {
			h.nodes[k] = v
		}
	}
}
