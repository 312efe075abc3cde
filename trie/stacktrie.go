package trie

import (
	"bytes"
	"fmt"

	"github.com/balexec/balexec/internal/keccak"
	"github.com/balexec/balexec/types"
)

// StackTrie computes the root of a trie from keys given in strictly
// increasing order, without building the trie: only the path to the last key
// is kept, and a subtree is hashed as soon as no later key can enter it. It
// gives the same root as a [Trie] holding the same pairs (keys that are
// prefixes of later keys are allowed; their values sit in branches).
//
// Memory is proportional to the key length, not to the number of keys, and
// Update does not allocate once the internal buffers have grown to the
// largest key and value seen.
//
// With an OnNode callback, every node whose encoding is 32 bytes or more is
// reported once it is final, and so is the root, whatever its size: together
// they are the nodes a [Trie] would commit, so a trie can be built into a
// store from sorted keys.
//
// The zero value is an empty StackTrie without callback. A StackTrie is not
// safe for concurrent use.
type StackTrie struct {
	// OnNode, if set, receives each final node. enc is volatile: copy it
	// before retaining it.
	OnNode func(hash types.Hash, enc []byte)

	frames  []stFrame // open branches on the path to the last key, by depth
	last    []byte    // nibbles of the last key
	lastVal []byte    // value of the last key
	next    []byte    // scratch: nibbles of the incoming key
	buf     []byte    // encoding scratch
	started bool      // at least one key since the last reset

	// The hashed references hung into open branches, hashed together when
	// their branch is finished (see hang); the deepest frame's are last.
	later    []stLater
	laterBuf []byte     // their encodings, in the order of later
	ins      [][]byte   // scratch: the encodings of one branch's children
	sums     [][32]byte // scratch: their hashes
}

// stLater is a child of frame whose hash is deferred: its encoding is
// laterBuf[start:] up to the next entry's start.
type stLater struct {
	frame int
	slot  byte
	start int
}

// stFrame is an open branch: the branch at nibble depth depth on the path to
// the last key. Slots below cur are final; slot cur leads to the last key.
type stFrame struct {
	depth  int
	cur    byte
	hasVal bool
	kids   [16]ref
	val    []byte
}

// stPending is the finished part of the open path below some depth: the
// leaf of the last key, or a branch at depth with reference br.
type stPending struct {
	leaf  bool
	depth int
	br    ref
}

// Reset empties the trie, keeping its buffers and callback.
func (st *StackTrie) Reset() {
	st.frames = st.frames[:0]
	st.last = st.last[:0]
	st.lastVal = st.lastVal[:0]
	st.started = false
	st.later = st.later[:0]
	st.laterBuf = st.laterBuf[:0]
}

// Update adds key with a copy of value. key must be greater than every key
// added since the last reset ([ErrKeyOrder]) and value must not be empty
// ([ErrEmptyValue]); on error the trie is unchanged.
func (st *StackTrie) Update(key, value []byte) error {
	if len(value) == 0 {
		return fmt.Errorf("%w: key %x", ErrEmptyValue, bytes.Clone(key))
	}
	st.next = appendNibbles(st.next[:0], key)
	if st.started {
		nk, lk := st.next, st.last
		p := commonPrefix(lk, nk)
		if p == len(nk) || (p < len(lk) && nk[p] < lk[p]) {
			return fmt.Errorf("%w: key %x", ErrKeyOrder, bytes.Clone(key))
		}
		if p == len(lk) {
			// The last key is a prefix of the new one: its value moves
			// into a new branch at depth p.
			f := st.push(p)
			f.hasVal = true
			f.val = append(f.val[:0], st.lastVal...)
			f.cur = nk[p]
		} else {
			st.collapse(p)
			st.frames[len(st.frames)-1].cur = nk[p]
		}
	}
	st.started = true
	st.last, st.next = st.next, st.last
	st.lastVal = append(st.lastVal[:0], value...)
	return nil
}

// push opens a branch at depth and returns it.
func (st *StackTrie) push(depth int) *stFrame {
	if len(st.frames) < cap(st.frames) {
		st.frames = st.frames[:len(st.frames)+1]
	} else {
		st.frames = append(st.frames, stFrame{})
	}
	f := &st.frames[len(st.frames)-1]
	f.depth = depth
	f.cur = 0
	f.hasVal = false
	for i := range f.kids {
		f.kids[i].n = 0
	}
	f.val = f.val[:0]
	return f
}

// collapse finishes everything on the open path deeper than depth p and
// hangs it, as one reference, into the branch at depth p (opened if needed)
// at the slot of the last key.
func (st *StackTrie) collapse(p int) {
	pn := st.finishBelow(p)
	if n := len(st.frames); n > 0 && st.frames[n-1].depth == p {
		st.hang(n-1, st.frames[n-1].cur, &pn, p+1)
		return
	}
	st.push(p)
	st.hang(len(st.frames)-1, st.last[p], &pn, p+1)
}

// finishBelow closes every open branch deeper than p, bottom-up, and returns
// the finished subtree that hangs below depth p.
func (st *StackTrie) finishBelow(p int) stPending {
	pn := stPending{leaf: true}
	for n := len(st.frames); n > 0 && st.frames[n-1].depth > p; n = len(st.frames) {
		st.hang(n-1, st.frames[n-1].cur, &pn, st.frames[n-1].depth+1)
		st.resolve(n - 1)
		f := &st.frames[n-1]
		var val []byte
		if f.hasVal {
			val = f.val
		}
		st.buf = appendBranch(st.buf[:0], &f.kids, val)
		pn = stPending{depth: f.depth}
		st.seal(&pn.br)
		st.frames = st.frames[:n-1]
	}
	return pn
}

// refAt returns the reference of the pending subtree as a node starting at
// nibble depth s of the last key.
func (st *StackTrie) refAt(pn *stPending, s int) ref {
	if !pn.leaf && s == pn.depth {
		return pn.br
	}
	st.buf = st.appendAt(st.buf[:0], pn, s)
	var r ref
	st.seal(&r)
	return r
}

// appendAt appends the encoding of the pending subtree as a node starting at
// nibble depth s of the last key: a leaf, or an extension above the pending
// branch. The caller handles s == pn.depth for a branch, which needs no
// node of its own.
func (st *StackTrie) appendAt(dst []byte, pn *stPending, s int) []byte {
	if pn.leaf {
		return appendLeaf(dst, st.last[s:], st.lastVal)
	}
	return appendExt(dst, st.last[s:pn.depth], &pn.br)
}

// hang sets slot of frame fi to the reference of the pending subtree as a
// node at depth s. A reference that is a hash is left unknown (n == 0)
// until resolve(fi), which hashes the frame's deferred children together:
// that is up to sixteen leaves for keccak.SumMany at once instead of one.
func (st *StackTrie) hang(fi int, slot byte, pn *stPending, s int) {
	f := &st.frames[fi]
	if !pn.leaf && s == pn.depth {
		f.kids[slot] = pn.br
		return
	}
	start := len(st.laterBuf)
	st.laterBuf = st.appendAt(st.laterBuf, pn, s)
	if len(st.laterBuf)-start < hashRef {
		f.kids[slot].set(st.laterBuf[start:])
		st.laterBuf = st.laterBuf[:start]
		return
	}
	f.kids[slot].n = 0
	st.later = append(st.later, stLater{frame: fi, slot: slot, start: start})
}

// resolve hashes the deferred children of frame fi, which is the deepest
// open frame, sets their references and reports them to OnNode.
func (st *StackTrie) resolve(fi int) {
	k := len(st.later)
	for k > 0 && st.later[k-1].frame == fi {
		k--
	}
	pend := st.later[k:]
	if len(pend) == 0 {
		return
	}
	st.ins = st.ins[:0]
	for j, l := range pend {
		end := len(st.laterBuf)
		if j+1 < len(pend) {
			end = pend[j+1].start
		}
		st.ins = append(st.ins, st.laterBuf[l.start:end])
	}
	if len(st.sums) < len(st.ins) {
		st.sums = make([][32]byte, max(16, len(st.ins)))
	}
	keccak.SumMany(st.sums, st.ins)
	f := &st.frames[fi]
	for j, l := range pend {
		r := &f.kids[l.slot]
		r.n, r.b = hashRef, st.sums[j]
		if st.OnNode != nil {
			st.OnNode(r.b, st.ins[j])
		}
	}
	st.later = st.later[:k]
	st.laterBuf = st.laterBuf[:pend[0].start]
}

// seal sets r from the encoding in st.buf and reports hashed nodes.
func (st *StackTrie) seal(r *ref) {
	if r.set(st.buf) && st.OnNode != nil {
		st.OnNode(r.b, st.buf)
	}
}

// Hash returns the root of the keys added since the last reset and resets
// the trie for reuse.
func (st *StackTrie) Hash() types.Hash {
	if !st.started {
		st.Reset()
		return types.EmptyRootHash
	}
	pn := st.finishBelow(-1)
	r := st.refAt(&pn, 0)
	root := r.rootHash(&st.buf)
	if r.n != hashRef && st.OnNode != nil {
		st.OnNode(root, st.buf) // rootHash left the short encoding in st.buf
	}
	st.Reset()
	return root
}
