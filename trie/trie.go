package trie

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/balexec/balexec/internal/fanout"
	"github.com/balexec/balexec/types"
)

// Trie is a Merkle-Patricia trie keyed by raw bytes, opened at a root whose
// nodes are read lazily from a NodeReader.
//
// Update and Delete change the trie in memory; Hash returns the root of the
// current contents and Commit additionally returns the nodes created since
// the last commit, for the caller to add to its store. An empty value is not
// stored: Update with an empty value deletes the key.
//
// A failed Get, Update or Delete (a node missing from the store, or invalid)
// leaves the contents of the trie unchanged, so the operation can be retried
// once the store has the node.
//
// A Trie is not safe for concurrent use, not even for concurrent Gets (a Get
// caches the nodes it reads). It must not be copied after first use.
type Trie struct {
	root     node
	store    NodeReader
	trusted  bool // the store's nodes need no re-hashing (VerifiedNodeReader)
	h        hasher
	path     []byte // nibbles of the key being worked on
	unhashed int    // updates since the last Hash or Commit
	// updates since the last Commit: the nodes a Commit records, and
	// re-encodes, are those of every update since the last one, hashed
	// since or not (after commitKids, an estimate of those below the
	// subtrees it left for the next commit)
	uncommitted int
	// fan bounds the goroutines of the trie's batches and parallel hashing
	// (nil: GOMAXPROCS); updateState sets it for the length of an update.
	fan fanout.Limit
}

// NewEmpty returns an empty trie with no store.
func NewEmpty() *Trie { return &Trie{} }

// New opens the trie with the given root, reading its nodes from store. The
// root node is read immediately, so a root that is not in the store is an
// error wrapping [ErrMissingNode]; other nodes are read when first needed.
// The empty root hash needs no store.
func New(root types.Hash, store NodeReader) (*Trie, error) {
	t := &Trie{}
	if err := t.open(root, store); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Trie) open(root types.Hash, store NodeReader) error {
	t.store = store
	v, ok := store.(VerifiedNodeReader)
	t.trusted = ok && v.NodesVerified()
	if root == types.EmptyRootHash {
		return nil
	}
	n, err := t.resolve(newHashNode(root), nil)
	if err != nil {
		return err
	}
	t.root = n
	return nil
}

// resolve reads the node that hn refers to from the store. path (nibbles) is
// only used in errors.
func (t *Trie) resolve(hn *hashNode, path []byte) (node, error) {
	hash := hn.hash()
	if t.store == nil {
		return nil, fmt.Errorf("%w: %x at path %x: no node store", ErrMissingNode, hash, path)
	}
	enc, err := t.store.Node(hash)
	if err != nil {
		if errors.Is(err, ErrMissingNode) {
			return nil, fmt.Errorf("%w (path %x)", err, path)
		}
		return nil, fmt.Errorf("%w: %x at path %x: %w", ErrMissingNode, hash, path, err)
	}
	if !t.trusted && types.Keccak256One(enc) != hash {
		return nil, fmt.Errorf("%w: store returned a node that does not hash to %x (path %x)", ErrInvalidNode, hash, path)
	}
	if len(enc) < hashRef && len(path) > 0 {
		// Only the root is stored by hash when short; a short child is
		// inlined in its parent.
		return nil, fmt.Errorf("%w: node %x of %d bytes referenced by hash (path %x)", ErrInvalidNode, hash, len(enc), path)
	}
	n, err := decodeNode(enc)
	if err != nil {
		return nil, fmt.Errorf("%w (node %x, path %x)", err, hash, path)
	}
	if len(enc) >= hashRef {
		r := ref{n: hashRef, b: hash}
		switch n := n.(type) {
		case *leafNode:
			n.ref = r
		case *extNode:
			n.ref = r
		case *branchNode:
			n.ref = r
		}
	}
	return n, nil
}

// extChild returns the child of extension n, reading it from the store if
// needed; it must be a branch. path is the nibble path of the child.
func (t *Trie) extChild(n *extNode, path []byte) (node, error) {
	hn, ok := n.child.(*hashNode)
	if !ok {
		return n.child, nil
	}
	c, err := t.resolve(hn, path)
	if err != nil {
		return nil, err
	}
	if _, ok := c.(*branchNode); !ok {
		return nil, fmt.Errorf("%w: extension child %x is not a branch (path %x)", ErrInvalidNode, hn.hash(), path)
	}
	n.child = c // same contents, now resolved
	return c, nil
}

// Get appends the value stored at key to dst. It reports false (and returns
// dst unchanged) when the key is absent.
func (t *Trie) Get(dst, key []byte) ([]byte, bool, error) {
	t.path = appendNibbles(t.path[:0], key)
	val, root, err := t.get(t.root, t.path, 0)
	if err != nil {
		return dst, false, err
	}
	t.root = root
	if val == nil {
		return dst, false, nil
	}
	return append(dst, val...), true, nil
}

// get returns the value at key[pos:] below n and the node to keep in place
// of n (n itself, or the node it resolved to).
func (t *Trie) get(n node, key []byte, pos int) ([]byte, node, error) {
	rest := key[pos:]
	switch n := n.(type) {
	case nil:
		return nil, nil, nil
	case *leafNode:
		if bytes.Equal(n.key, rest) {
			return n.val, n, nil
		}
		return nil, n, nil
	case *extNode:
		if !bytes.HasPrefix(rest, n.key) {
			return nil, n, nil
		}
		child, err := t.extChild(n, key[:pos+len(n.key)])
		if err != nil {
			return nil, n, err
		}
		val, child, err := t.get(child, key, pos+len(n.key))
		if err != nil {
			return nil, n, err
		}
		n.child = child
		return val, n, nil
	case *branchNode:
		if len(rest) == 0 {
			return n.val, n, nil
		}
		val, child, err := t.get(n.kids[rest[0]], key, pos+1)
		if err != nil {
			return nil, n, err
		}
		n.kids[rest[0]] = child
		return val, n, nil
	case *hashNode:
		rn, err := t.resolve(n, key[:pos])
		if err != nil {
			return nil, n, err
		}
		return t.get(rn, key, pos)
	}
	panic("trie: unknown node type")
}

// Update sets key to a copy of value; an empty value deletes key.
func (t *Trie) Update(key, value []byte) error {
	if len(value) == 0 {
		return t.Delete(key)
	}
	t.path = appendNibbles(t.path[:0], key)
	root, changed, err := t.insert(t.root, t.path, 0, value)
	if err != nil {
		return fmt.Errorf("trie: update key %x: %w", bytes.Clone(key), err)
	}
	t.root = root
	if changed {
		t.unhashed++
		t.uncommitted++
	}
	return nil
}

// Delete removes key; deleting an absent key is not an error.
func (t *Trie) Delete(key []byte) error {
	t.path = appendNibbles(t.path[:0], key)
	root, changed, err := t.delete(t.root, t.path, 0)
	if err != nil {
		return fmt.Errorf("trie: delete key %x: %w", bytes.Clone(key), err)
	}
	t.root = root
	if changed {
		t.unhashed++
		t.uncommitted++
	}
	return nil
}

// newLeaf returns a dirty leaf holding copies of key and val.
func newLeaf(key, val []byte) *leafNode {
	return &leafNode{key: bytes.Clone(key), val: bytes.Clone(val), dirty: true}
}

// withExt returns b, below an extension with (a copy of) key when key is not
// empty.
func withExt(key []byte, b *branchNode) node {
	if len(key) == 0 {
		return b
	}
	return &extNode{key: bytes.Clone(key), child: b, dirty: true}
}

// insert puts val at key[pos:] below n. It returns the node to keep in place
// of n and whether the contents changed. It modifies nodes only after every
// node it needs has been read, so on error nothing has changed (resolved
// nodes may have replaced hash nodes, which does not change the contents).
func (t *Trie) insert(n node, key []byte, pos int, val []byte) (node, bool, error) {
	rest := key[pos:]
	switch n := n.(type) {
	case nil:
		return newLeaf(rest, val), true, nil

	case *leafNode:
		c := commonPrefix(n.key, rest)
		if c == len(n.key) && c == len(rest) {
			if bytes.Equal(n.val, val) {
				return n, false, nil
			}
			n.val = bytes.Clone(val)
			n.touch()
			return n, true, nil
		}
		b := &branchNode{dirty: true}
		if c == len(n.key) {
			b.val = n.val
		} else {
			i := n.key[c]
			n.key = n.key[c+1:]
			n.touch()
			b.kids[i] = n
		}
		if c == len(rest) {
			b.val = bytes.Clone(val)
		} else {
			b.kids[rest[c]] = newLeaf(rest[c+1:], val)
		}
		return withExt(rest[:c], b), true, nil

	case *extNode:
		c := commonPrefix(n.key, rest)
		if c == len(n.key) {
			child, err := t.extChild(n, key[:pos+c])
			if err != nil {
				return n, false, err
			}
			child, changed, err := t.insert(child, key, pos+c, val)
			if err != nil {
				return n, false, err
			}
			n.child = child
			if changed {
				n.touch()
			}
			return n, changed, nil
		}
		b := &branchNode{dirty: true}
		i := n.key[c]
		if c+1 == len(n.key) {
			b.kids[i] = n.child
		} else {
			n.key = n.key[c+1:]
			n.touch()
			b.kids[i] = n
		}
		if c == len(rest) {
			b.val = bytes.Clone(val)
		} else {
			b.kids[rest[c]] = newLeaf(rest[c+1:], val)
		}
		return withExt(rest[:c], b), true, nil

	case *branchNode:
		if len(rest) == 0 {
			if bytes.Equal(n.val, val) {
				return n, false, nil
			}
			n.val = bytes.Clone(val)
			n.touch()
			return n, true, nil
		}
		child, changed, err := t.insert(n.kids[rest[0]], key, pos+1, val)
		if err != nil {
			return n, false, err
		}
		n.kids[rest[0]] = child
		if changed {
			n.touch()
		}
		return n, changed, nil

	case *hashNode:
		rn, err := t.resolve(n, key[:pos])
		if err != nil {
			return n, false, err
		}
		return t.insert(rn, key, pos, val)
	}
	panic("trie: unknown node type")
}

// delete removes key[pos:] below n, with the same contract as insert.
func (t *Trie) delete(n node, key []byte, pos int) (node, bool, error) {
	rest := key[pos:]
	switch n := n.(type) {
	case nil:
		return nil, false, nil

	case *leafNode:
		if bytes.Equal(n.key, rest) {
			return nil, true, nil
		}
		return n, false, nil

	case *extNode:
		if !bytes.HasPrefix(rest, n.key) {
			return n, false, nil
		}
		child, err := t.extChild(n, key[:pos+len(n.key)])
		if err != nil {
			return n, false, err
		}
		child, changed, err := t.delete(child, key, pos+len(n.key))
		if err != nil {
			return n, false, err
		}
		if !changed {
			n.child = child
			return n, false, nil
		}
		switch c := child.(type) {
		case nil:
			return nil, true, nil
		case *leafNode:
			c.key = concat(n.key, c.key)
			c.touch()
			return c, true, nil
		case *extNode:
			c.key = concat(n.key, c.key)
			c.touch()
			return c, true, nil
		}
		n.child = child
		n.touch()
		return n, true, nil

	case *branchNode:
		// A branch left with one entry is replaced by a short node, which
		// needs that entry resolved. Read it before changing anything, so
		// that a missing node leaves the trie as it was.
		if n.entries() == 2 {
			for i, k := range n.kids {
				if hn, ok := k.(*hashNode); ok && (len(rest) == 0 || int(rest[0]) != i) {
					rn, err := t.resolve(hn, append(key[:pos:pos], byte(i)))
					if err != nil {
						return n, false, err
					}
					n.kids[i] = rn
				}
			}
		}
		if len(rest) == 0 {
			if n.val == nil {
				return n, false, nil
			}
			n.val = nil
		} else {
			child, changed, err := t.delete(n.kids[rest[0]], key, pos+1)
			if err != nil {
				return n, false, err
			}
			n.kids[rest[0]] = child
			if !changed {
				return n, false, nil
			}
		}
		n.touch()
		return collapse(n), true, nil

	case *hashNode:
		rn, err := t.resolve(n, key[:pos])
		if err != nil {
			return n, false, err
		}
		return t.delete(rn, key, pos)
	}
	panic("trie: unknown node type")
}

// collapse returns the canonical replacement of a branch that may have been
// left with a single entry.
func collapse(n *branchNode) node {
	if n.entries() >= 2 {
		return n
	}
	if n.val != nil {
		return &leafNode{key: nil, val: n.val, dirty: true}
	}
	for i, k := range n.kids {
		switch k := k.(type) {
		case nil:
			continue
		case *leafNode:
			k.key = concat([]byte{byte(i)}, k.key)
			k.touch()
			return k
		case *extNode:
			k.key = concat([]byte{byte(i)}, k.key)
			k.touch()
			return k
		case *branchNode:
			return &extNode{key: []byte{byte(i)}, child: k, dirty: true}
		}
		// delete resolves the remaining entry before collapsing.
		panic("trie: collapsing a branch onto an unresolved node")
	}
	panic("trie: collapsing an empty branch")
}

// concat returns a new slice holding a followed by b.
func concat(a, b []byte) []byte {
	c := make([]byte, len(a)+len(b))
	copy(c, a)
	copy(c[len(a):], b)
	return c
}

// Hash returns the root hash of the current contents.
func (t *Trie) Hash() types.Hash {
	if t.root == nil {
		return types.EmptyRootHash
	}
	t.h.commit = false
	r := t.refRoot()
	return r.rootHash(&t.h.buf)
}

// Commit returns the root hash and the nodes created since the last commit
// (or since New); the caller adds them to its store. The root node is
// included even when its encoding is shorter than 32 bytes. The set is
// empty when nothing changed. The trie stays usable.
func (t *Trie) Commit() (types.Hash, NodeSet) {
	root, recs := t.commitRecs()
	var set NodeSet
	set.Append(recs...)
	return root, set
}

// commitSize is the size a commit presizes its list to: about two new nodes
// per changed key (its leaf and its share of the branches above), so that
// the list never grows.
func (t *Trie) commitSize() int { return 2*t.uncommitted + 4 }

// commitRecs is Commit returning the nodes as a list (a node may be in it
// twice), which the caller owns.
func (t *Trie) commitRecs() (types.Hash, []Node) {
	if t.root == nil {
		return types.EmptyRootHash, nil
	}
	t.h.recs = make([]Node, 0, t.commitSize())
	rootDirty := isDirty(t.root)
	t.h.commit = true
	r := t.refRoot()
	root := r.rootHash(&t.h.buf)
	if rootDirty && r.n != hashRef {
		// rootHash left the short encoding in buf.
		t.h.record(root, t.h.buf)
	}
	t.h.commit = false
	recs := t.h.recs
	t.h.recs = nil // handed over, not reused
	return root, recs
}

// commitKids commits the subtrees below the root branch that none of the
// keys of late leads into, recording their nodes in a list it returns, and
// leaves the root branch and the other subtrees for the next commit. An
// update of late's keys after it does not change those subtrees, so the
// next commit hashes and records only the rest, and its nodes and this
// list are together exactly what one commit after the update would record.
// It commits nothing when the root is not a branch.
func (t *Trie) commitKids(late [][]byte) []Node {
	root, ok := t.root.(*branchNode)
	if !ok {
		return nil
	}
	var skip [16]bool
	for _, k := range late {
		if len(k) == 0 {
			return nil // a key ending at the root
		}
		skip[k[0]>>4] = true
	}
	t.h.commit, t.h.recs = true, make([]Node, 0, t.commitSize())
	if t.uncommitted >= parallelThreshold {
		t.h.refChildrenParallel(root, &skip, t.fan.N())
	}
	for i, k := range root.kids {
		if _, stored := k.(*hashNode); k == nil || stored || skip[i] {
			continue
		}
		t.h.ref(k)
	}
	recs := t.h.recs
	t.h.commit, t.h.recs = false, nil
	// What stays for the next commit are the updates below the skipped
	// subtrees: of keys spread evenly (hashes), their share of the 16.
	skipped := 0
	for _, s := range skip {
		if s {
			skipped++
		}
	}
	t.uncommitted = t.uncommitted * skipped / 16
	return recs
}

func (t *Trie) refRoot() ref {
	work := t.unhashed
	if t.h.commit {
		work = t.uncommitted
		t.uncommitted = 0
	}
	if b, ok := t.root.(*branchNode); ok && work >= parallelThreshold {
		t.h.refChildrenParallel(b, nil, t.fan.N())
	}
	t.unhashed = 0
	return t.h.ref(t.root)
}

func isDirty(n node) bool {
	switch n := n.(type) {
	case *leafNode:
		return n.dirty
	case *extNode:
		return n.dirty
	case *branchNode:
		return n.dirty
	}
	return false
}
