package trie

import "errors"

// Errors returned by this package. Each is wrapped with context (a node hash,
// a key path, a key) using %w; match them with errors.Is.
var (
	// ErrMissingNode: a node that the trie refers to by hash is not in the
	// NodeReader (or the reader failed to produce it).
	ErrMissingNode = errors.New("trie: missing node")
	// ErrInvalidNode: a node read from the NodeReader does not hash to the
	// hash it was requested by, or is not a canonical trie node encoding.
	ErrInvalidNode = errors.New("trie: invalid node")
	// ErrInvalidValue: a leaf value is not the encoding its typed accessor
	// expects (an account, a storage word).
	ErrInvalidValue = errors.New("trie: invalid leaf value")
	// ErrKeyOrder: a StackTrie key is not strictly greater than the previous
	// key.
	ErrKeyOrder = errors.New("trie: keys not in strictly increasing order")
	// ErrEmptyValue: a StackTrie was given an empty value (a trie holds no
	// empty values; in a Trie an empty value deletes).
	ErrEmptyValue = errors.New("trie: empty value")
	// ErrDuplicateAccount: StateRoot was given the same address twice.
	ErrDuplicateAccount = errors.New("trie: duplicate account")
)
