package store

import "errors"

// Errors returned by this package, wrapped with %w and the record's kind and
// key (or the block) as context; match them with errors.Is. Errors of pebble
// itself (I/O, a damaged table file) are returned wrapped, as they come.
var (
	// ErrNotFound: a record that must exist is missing: a header, a trie
	// node, the code of a code hash, an access list. A missing trie node
	// also matches trie.ErrMissingNode and a missing code
	// state.ErrMissingCode. An absent account or a zero slot is not an
	// error.
	ErrNotFound = errors.New("store: record not found")
	// ErrCorrupt: a record does not decode, or does not match what names it
	// (a trie node or code that does not hash to its key, a header whose
	// hash is not its key, an access list that does not hash to its header's
	// field). The store never returns the damaged value.
	ErrCorrupt = errors.New("store: corrupt record")
	// ErrFormat: the directory holds a database that is not a balexec
	// store, or one of another format version.
	ErrFormat = errors.New("store: unsupported format")
	// ErrReadOnly: a write to a store opened read-only.
	ErrReadOnly = errors.New("store: read-only")
	// ErrClosed: a call on a closed store.
	ErrClosed = errors.New("store: closed")
	// ErrNotHead: a block that does not extend the head (its parent is not
	// the head, or its number is not the head's plus one). The flat state
	// is the head's, so only the next block can be committed.
	ErrNotHead = errors.New("store: block does not extend the head")
	// ErrInconsistent: a block's parts disagree: its state root is not
	// reachable from its nodes, an update does not match the account the
	// new trie holds, updates are unsorted, code does not hash to its code
	// hash, the access list does not hash to the header's field. Nothing is
	// written.
	ErrInconsistent = errors.New("store: inconsistent block")
)
