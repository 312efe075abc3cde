package trie

import (
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/internal/keccak"
	"github.com/balexec/balexec/types"
)

// hasher computes node references bottom-up. It works in rounds by height
// (a node's height is one more than its highest child that needs work, so
// leaves are at 0): the nodes of one height depend only on lower ones, so
// each round encodes its nodes into one buffer and hashes them together
// with keccak.SumMany, which hashes several independent inputs at once.
// While committing (commit set) it also marks dirty nodes clean (and
// fresh, for Trie.Trim) and records the encodings of those that are
// referenced by hash, in recs.
type hasher struct {
	buf    []byte
	commit bool // committing: record the encodings of dirty hashed nodes
	recs   []Node
	arena  []byte // backing of the recorded encodings, allocated in chunks

	levels [][]node   // levels[h]: the nodes of height h still to encode
	ends   []int      // a round's encodings: buf[ends[i-1]:ends[i]]
	ins    [][]byte   // a round's encodings that need hashing
	sums   [][32]byte // their hashes
}

// workerHashers holds the hashers of refChildrenParallel's workers between
// commits, with their buffers. An arena chunk is append-only, so a pooled
// hasher's arena may serve any trie next.
var workerHashers = sync.Pool{New: func() any { return new(hasher) }}

// arenaChunk is the size of the chunks committed encodings are copied into:
// one allocation for a hundred or so nodes instead of one each. A chunk
// lives as long as any of its nodes is kept.
const arenaChunk = 64 << 10

// roundSize is the most nodes one round encodes before hashing them: enough
// to fill the batches keccak.SumMany hashes at once, little enough that the
// encodings stay in cache (a full branch encodes to 532 bytes).
const roundSize = 64

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
	return r.n == 0 || (r.n == hashRef && dirty && h.commit)
}

// ref returns the reference of n (which must not be nil), computing and
// caching the references of n and its descendants where they are unknown.
func (h *hasher) ref(n node) ref {
	h.collect(n)
	// Every level is drained, not only those up to n's height, so that no
	// node filed by this call can be left for a later one.
	for height := range h.levels {
		lvl := h.levels[height]
		for len(lvl) > 0 {
			k := min(len(lvl), roundSize)
			h.round(lvl[:k])
			lvl = lvl[k:]
		}
		clear(h.levels[height])
		h.levels[height] = h.levels[height][:0]
	}
	return *refOf(n)
}

// collect walks the part of n's subtree that needs work, files each node to
// encode under its height in h.levels and returns n's height, or -1 when n
// itself needs no encoding. Nodes that need no encoding but are dirty are
// marked clean (while committing) on the way.
func (h *hasher) collect(n node) int {
	commit := h.commit
	height := -1
	switch n := n.(type) {
	case *hashNode:
		return -1
	case *leafNode:
		if !h.need(&n.ref, n.dirty) {
			if commit {
				markCommitted(n)
			}
			return -1
		}
		height = 0
	case *extNode:
		if n.ref.n != 0 && !(commit && n.dirty) {
			return -1
		}
		below := h.collect(n.child)
		if !h.need(&n.ref, n.dirty) {
			markCommitted(n) // only a commit gets here: the ref is known
			return -1
		}
		height = below + 1
	case *branchNode:
		if n.ref.n != 0 && !(commit && n.dirty) {
			return -1
		}
		below := -1
		for _, k := range n.kids {
			if k != nil {
				below = max(below, h.collect(k))
			}
		}
		if !h.need(&n.ref, n.dirty) {
			markCommitted(n) // only a commit gets here: the ref is known
			return -1
		}
		height = below + 1
	default:
		panic("trie: unknown node type")
	}
	for len(h.levels) <= height {
		h.levels = append(h.levels, nil)
	}
	h.levels[height] = append(h.levels[height], n)
	return height
}

// round encodes nodes, whose children's references are all known, hashes
// the encodings that need it at once, and sets the nodes' references; while
// committing it records the encodings of hashed dirty nodes and marks the
// nodes clean.
func (h *hasher) round(nodes []node) {
	h.buf, h.ends = h.buf[:0], h.ends[:0]
	for _, n := range nodes {
		switch n := n.(type) {
		case *leafNode:
			h.buf = appendLeaf(h.buf, n.key, n.val)
		case *extNode:
			h.buf = appendExt(h.buf, n.key, refOf(n.child))
		case *branchNode:
			var kids [16]ref
			for i, k := range n.kids {
				if k != nil {
					kids[i] = *refOf(k)
				}
			}
			h.buf = appendBranch(h.buf, &kids, n.val)
		}
		h.ends = append(h.ends, len(h.buf))
	}
	h.ins = h.ins[:0]
	start := 0
	for i, n := range nodes {
		enc := h.buf[start:h.ends[i]:h.ends[i]]
		start = h.ends[i]
		if r := refOf(n); r.n == 0 && len(enc) >= hashRef {
			h.ins = append(h.ins, enc)
		}
	}
	if len(h.sums) < len(h.ins) {
		h.sums = make([][32]byte, roundSize)
	}
	keccak.SumMany(h.sums, h.ins)
	commit := h.commit
	start, hashed := 0, 0
	for i, n := range nodes {
		enc := h.buf[start:h.ends[i]]
		start = h.ends[i]
		r := refOf(n)
		if r.n == 0 {
			if len(enc) < hashRef {
				r.set(enc) // inline: nothing to hash
			} else {
				r.n, r.b = hashRef, h.sums[hashed]
				hashed++
			}
		}
		if commit {
			if r.n == hashRef && isDirty(n) {
				h.record(r.b, enc)
			}
			markCommitted(n)
		}
	}
}

// record keeps a copy of the encoding of the node with hash k for the
// commit, in h.recs.
func (h *hasher) record(k types.Hash, enc []byte) {
	h.recs = append(h.recs, Node{k, h.keep(enc)})
}

// refOf returns the reference field of n, which must not be nil.
func refOf(n node) *ref {
	switch n := n.(type) {
	case *hashNode:
		return &n.ref
	case *leafNode:
		return &n.ref
	case *extNode:
		return &n.ref
	case *branchNode:
		return &n.ref
	}
	panic("trie: unknown node type")
}

// markCommitted marks a node that a commit has encoded clean and fresh.
func markCommitted(n node) {
	switch n := n.(type) {
	case *leafNode:
		n.fresh = n.fresh || n.dirty
		n.dirty = false
	case *extNode:
		n.fresh = n.fresh || n.dirty
		n.dirty = false
	case *branchNode:
		n.fresh = n.fresh || n.dirty
		n.dirty = false
	}
}

// parallelThreshold is the number of updates since the last hash above which
// the children of a branch root are hashed on separate goroutines. Below it
// the work per child is a few microseconds, comparable to starting and
// joining the goroutines.
const parallelThreshold = 100

// refChildrenParallel computes the references of the children of root
// (but those skip marks, when it is not nil) on min(maxWorkers, children)
// goroutines, each with its own hasher, and appends what they committed to
// h.recs. Children are disjoint subtrees, so the workers share
// no node. It returns once every worker has finished; below two workers it
// does nothing, and the caller's serial walk computes the references.
func (h *hasher) refChildrenParallel(root *branchNode, skip *[16]bool, maxWorkers int) {
	commit := h.commit
	var todo []int
	for i, k := range root.kids {
		if _, stored := k.(*hashNode); k == nil || stored || skip != nil && skip[i] {
			continue
		}
		if refOf(k).n == 0 || (commit && isDirty(k)) {
			todo = append(todo, i)
		}
	}
	workers := min(maxWorkers, len(todo))
	if workers < 2 {
		return
	}
	var (
		next atomic.Int32
		wg   sync.WaitGroup
		hs   = make([]*hasher, workers)
	)
	// A worker's share of the commit's list, with room to spare: a pooled
	// hasher's list is gone after a collection or two, and one grown from
	// nothing leaves its smaller copies behind as garbage.
	share := cap(h.recs) / workers * 5 / 4
	for w := range hs {
		wh := workerHashers.Get().(*hasher)
		wh.commit, wh.recs = commit, wh.recs[:0]
		if commit && cap(wh.recs) < share {
			wh.recs = make([]Node, 0, share)
		}
		hs[w] = wh
		wg.Go(func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= len(todo) {
					break
				}
				wh.ref(root.kids[todo[j]])
			}
		})
	}
	wg.Wait()
	for _, wh := range hs {
		h.recs = append(h.recs, wh.recs...)
		clear(wh.recs)
		workerHashers.Put(wh)
	}
}
