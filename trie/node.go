package trie

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
)

// node is one of *leafNode, *extNode, *branchNode or *hashNode; a nil node is
// the empty trie.
//
// Nodes are mutated in place by the Trie that owns them. Every node caches
// its reference (ref) and knows whether it has been committed (dirty is
// false for nodes that are in the NodeReader already). Invariants:
//   - a node whose ref is unknown (n == 0) is dirty, except a root read from
//     the store whose encoding is shorter than 32 bytes;
//   - a clean node has only clean descendants;
//   - a modification invalidates the ref of the node and of every ancestor
//     and marks them all dirty (touch).
type node interface{}

// leafNode holds a value at the end of a key. key may be empty (the value
// sits right below a branch slot).
type leafNode struct {
	key   []byte // nibbles; owned by the node
	val   []byte // non-empty; owned by the node
	ref   ref
	dirty bool
	fresh bool // written by the last commit (see Trim)
}

// extNode is a shared key segment above a branch.
type extNode struct {
	key   []byte // nibbles, non-empty; owned by the node
	child node   // a *branchNode or a *hashNode referring to one
	ref   ref
	dirty bool
	fresh bool
}

// branchNode has one slot per nibble and a value for a key that ends here.
// It has at least two entries (children plus value).
type branchNode struct {
	kids  [16]node
	val   []byte // nil when no key ends here
	ref   ref
	dirty bool
	fresh bool
}

// hashNode is a node not yet read from the NodeReader.
type hashNode struct {
	ref ref // always a hash reference
}

func (n *leafNode) touch()   { n.ref.n, n.dirty = 0, true }
func (n *extNode) touch()    { n.ref.n, n.dirty = 0, true }
func (n *branchNode) touch() { n.ref.n, n.dirty = 0, true }

func newHashNode(h types.Hash) *hashNode { return &hashNode{ref: ref{n: hashRef, b: h}} }

func (n *hashNode) hash() types.Hash { return n.ref.b }

// entries returns the number of children plus one if the branch has a value.
func (n *branchNode) entries() int {
	c := 0
	if n.val != nil {
		c++
	}
	for _, k := range n.kids {
		if k != nil {
			c++
		}
	}
	return c
}

// decodeNode decodes the encoding of a stored node. The result owns all its
// memory (it does not alias enc). Inline children are decoded eagerly; hash
// children become hashNodes.
func decodeNode(enc []byte) (node, error) {
	content, rest, err := rlp.SplitList(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidNode, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %w", ErrInvalidNode, rlp.ErrTrailingBytes)
	}
	count, err := rlp.CountValues(content)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidNode, err)
	}
	switch count {
	case 2:
		return decodeShort(content)
	case 17:
		return decodeBranch(content)
	}
	return nil, fmt.Errorf("%w: list of %d elements", ErrInvalidNode, count)
}

func decodeShort(content []byte) (node, error) {
	hp, rest, err := rlp.SplitString(content)
	if err != nil {
		return nil, fmt.Errorf("%w: key: %w", ErrInvalidNode, err)
	}
	key, leaf, err := decodeHP(hp)
	if err != nil {
		return nil, err
	}
	if leaf {
		val, _, err := rlp.SplitString(rest)
		if err != nil {
			return nil, fmt.Errorf("%w: leaf value: %w", ErrInvalidNode, err)
		}
		if len(val) == 0 {
			return nil, fmt.Errorf("%w: empty leaf value", ErrInvalidNode)
		}
		return &leafNode{key: key, val: append([]byte(nil), val...)}, nil
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: extension with empty key", ErrInvalidNode)
	}
	child, _, err := decodeRef(rest, nil)
	if err != nil {
		return nil, err
	}
	switch child.(type) {
	case *branchNode, *hashNode:
	default:
		return nil, fmt.Errorf("%w: extension child is not a branch", ErrInvalidNode)
	}
	return &extNode{key: key, child: child}, nil
}

func decodeBranch(content []byte) (node, error) {
	n := &branchNode{}
	// The hash children share one allocation instead of one each: decoding
	// branches is most of what resolving a path costs, and the state trie's
	// branches are mostly full.
	slab := new([16]hashNode)
	var err error
	for i := range n.kids {
		n.kids[i], content, err = decodeRef(content, &slab[i])
		if err != nil {
			return nil, err
		}
	}
	val, _, err := rlp.SplitString(content)
	if err != nil {
		return nil, fmt.Errorf("%w: branch value: %w", ErrInvalidNode, err)
	}
	if len(val) > 0 {
		n.val = append([]byte(nil), val...)
	}
	if n.entries() < 2 {
		return nil, fmt.Errorf("%w: branch with fewer than two entries", ErrInvalidNode)
	}
	return n, nil
}

// decodeRef decodes the child reference at the start of b: the empty string
// (no child), a 32-byte hash, or an inline node shorter than 32 bytes. A hash
// child is stored in hn when it is not nil, else in a new hashNode.
func decodeRef(b []byte, hn *hashNode) (node, []byte, error) {
	kind, content, rest, err := rlp.Split(b)
	if err != nil {
		return nil, b, fmt.Errorf("%w: child: %w", ErrInvalidNode, err)
	}
	switch {
	case kind == rlp.List:
		raw := b[:len(b)-len(rest)]
		if len(raw) >= hashRef {
			return nil, b, fmt.Errorf("%w: inline child of %d bytes", ErrInvalidNode, len(raw))
		}
		n, err := decodeNode(raw)
		if err != nil {
			return nil, b, err
		}
		r := ref{n: uint8(len(raw))}
		copy(r.b[:], raw)
		switch n := n.(type) {
		case *leafNode:
			n.ref = r
		case *extNode:
			n.ref = r
		case *branchNode:
			n.ref = r
		}
		return n, rest, nil
	case kind == rlp.String && len(content) == 0:
		return nil, rest, nil
	case kind == rlp.String && len(content) == types.HashLength:
		if hn == nil {
			return newHashNode(types.Hash(content)), rest, nil
		}
		hn.ref = ref{n: hashRef, b: types.Hash(content)}
		return hn, rest, nil
	}
	return nil, b, fmt.Errorf("%w: child reference of %d bytes", ErrInvalidNode, len(content))
}
