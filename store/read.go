package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
	"github.com/holiman/uint256"
)

// View reads a store: the DB's latest committed state, or a [Snapshot]'s.
//
// Its flat-state methods (Account, Storage, Code, the batched reads and the
// iterations) read the state of the view's head block. The trie-node and
// code methods serve every committed state: [View.StateAt] opens a reader
// of any committed state root through the trie nodes.
//
// Returned slices (code, node encodings, access lists, header extra data)
// are fresh copies owned by the caller. A View is safe for concurrent use.
type View struct {
	r          pebble.Reader
	db         *DB
	snapClosed *atomic.Bool // nil for the DB's own view
}

var (
	_ state.Reader    = (*View)(nil)
	_ trie.NodeReader = (*View)(nil)
	_ trie.CodeReader = CodeReader{}
	_ state.Reader    = (*DB)(nil)
	_ trie.NodeReader = (*DB)(nil)
	_ state.Reader    = (*Snapshot)(nil)
)

// check returns ErrClosed when the view's store or snapshot is closed.
func (v *View) check() error {
	if v.db.closed.Load() || (v.snapClosed != nil && v.snapClosed.Load()) {
		return ErrClosed
	}
	return nil
}

// get reads key. It returns the value (valid until the closer is closed),
// false when absent, or an error wrapped with what.
func (v *View) get(key []byte) ([]byte, io.Closer, bool, error) {
	if err := v.check(); err != nil {
		return nil, nil, false, err
	}
	val, closer, err := v.r.Get(key)
	if err != nil {
		if errors.Is(err, pebble.ErrNotFound) {
			return nil, nil, false, nil
		}
		return nil, nil, false, fmt.Errorf("store: read %s %x: %w", Kind(key[0]), key, err)
	}
	return val, closer, true, nil
}

// getCopy reads key and returns a copy of its value.
func (v *View) getCopy(key []byte) ([]byte, bool, error) {
	val, closer, ok, err := v.get(key)
	if !ok {
		return nil, false, err
	}
	out := bytes.Clone(val)
	if out == nil {
		out = []byte{}
	}
	closer.Close()
	return out, true, nil
}

// keyBuf is a key buffer for point reads: a key passed to pebble escapes to
// the heap, so the flat reads take one from a pool instead of allocating one
// per read.
type keyBuf [storageKeyLen]byte

var keyPool = sync.Pool{New: func() any { return new(keyBuf) }}

// getKey is get with the key copied into a pooled buffer.
func (v *View) getKey(k []byte) ([]byte, io.Closer, bool, error) {
	kb := keyPool.Get().(*keyBuf)
	n := copy(kb[:], k)
	val, closer, ok, err := v.get(kb[:n])
	keyPool.Put(kb)
	return val, closer, ok, err
}

// Account implements state.Reader over the flat state: the account at addr
// in the head state, and whether it exists.
func (v *View) Account(addr types.Address) (types.Account, bool, error) {
	k := accountKey(&addr)
	val, closer, ok, err := v.getKey(k[:])
	if !ok {
		return types.Account{}, false, err
	}
	a, err := decodeAccount(val)
	closer.Close()
	if err != nil {
		return types.Account{}, false, fmt.Errorf("%w: account %s (key %x): %w", ErrCorrupt, addr, k, err)
	}
	return a, true, nil
}

// Storage implements state.Reader over the flat state: the value of slot of
// addr in the head state, zero when unset.
func (v *View) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	k := storageKey(&addr, &slot)
	val, closer, ok, err := v.getKey(k[:])
	if !ok {
		return uint256.Int{}, err
	}
	x, err := decodeSlot(val)
	closer.Close()
	if err != nil {
		return uint256.Int{}, fmt.Errorf("%w: storage %s slot %#x (key %x): %w", ErrCorrupt, addr, &slot, k, err)
	}
	return x, nil
}

// Code implements state.Reader: the code with the given hash (nil for the
// empty code hash). Code is checked against its hash.
func (v *View) Code(_ types.Address, codeHash types.Hash) ([]byte, error) {
	return v.CodeByHash(codeHash)
}

// CodeByHash returns the code with the given hash (nil for the empty code
// hash). A missing code is ErrNotFound (and state.ErrMissingCode); code
// that does not hash to its key is ErrCorrupt.
func (v *View) CodeByHash(codeHash types.Hash) ([]byte, error) {
	if codeHash == types.EmptyCodeHash {
		return nil, nil
	}
	k := hashKey(prefixCode, &codeHash)
	code, ok, err := v.getCopy(k[:])
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: %w: code %s (key %x)", ErrNotFound, state.ErrMissingCode, codeHash, k)
	case types.Keccak256One(code) != codeHash:
		return nil, fmt.Errorf("%w: code %s hashes to %s (key %x)", ErrCorrupt, codeHash, types.Keccak256One(code), k)
	}
	return code, nil
}

// CodeReader is the view's code store as a trie.CodeReader.
type CodeReader struct{ v *View }

// Code implements trie.CodeReader.
func (c CodeReader) Code(codeHash types.Hash) ([]byte, error) { return c.v.CodeByHash(codeHash) }

// Codes returns the view's code store as a trie.CodeReader.
func (v *View) Codes() CodeReader { return CodeReader{v} }

// Node implements trie.NodeReader: the trie node whose Keccak-256 is hash,
// from every committed state. A missing node is ErrNotFound (and
// trie.ErrMissingNode); a node that does not hash to its key is
// ErrCorrupt.
func (v *View) Node(hash types.Hash) ([]byte, error) {
	k := hashKey(prefixNode, &hash)
	enc, ok, err := v.getCopy(k[:])
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: %w: node %s (key %x)", ErrNotFound, trie.ErrMissingNode, hash, k)
	case types.Keccak256One(enc) != hash:
		return nil, fmt.Errorf("%w: node %s hashes to %s (key %x)", ErrCorrupt, hash, types.Keccak256One(enc), k)
	}
	return enc, nil
}

// StateAt returns a reader of the committed state with the given root,
// through the trie nodes (slower than the flat state, which only holds the
// head's state).
func (v *View) StateAt(root types.Hash) (*trie.StateReader, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	return trie.NewStateReader(root, v, v.Codes())
}

// Head describes the head block: the last block committed.
type Head struct {
	Hash   types.Hash
	Number uint64
	Root   types.Hash // the head's state root, the root of the flat state
}

// Head returns the head block, and false for a store with no block yet.
func (v *View) Head() (Head, bool, error) {
	val, closer, ok, err := v.get([]byte{prefixHead})
	if !ok {
		return Head{}, false, err
	}
	h, err := decodeHead(val)
	closer.Close()
	if err != nil {
		return Head{}, false, fmt.Errorf("%w: head record: %w", ErrCorrupt, err)
	}
	return h, true, nil
}

// Header returns the committed header with the given hash; ErrNotFound if
// there is none.
func (v *View) Header(hash types.Hash) (*types.Header, error) {
	k := hashKey(prefixHeader, &hash)
	enc, ok, err := v.getCopy(k[:])
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: header %s", ErrNotFound, hash)
	}
	h, err := types.DecodeHeader(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: header %s: %w", ErrCorrupt, hash, err)
	}
	if got := h.Hash(); got != hash {
		return nil, fmt.Errorf("%w: header %s hashes to %s", ErrCorrupt, hash, got)
	}
	return h, nil
}

// CanonicalHash returns the hash of the canonical block with number n;
// ErrNotFound past the head or below the store's first block.
func (v *View) CanonicalHash(n uint64) (types.Hash, error) {
	k := canonicalKey(n)
	val, closer, ok, err := v.get(k[:])
	switch {
	case err != nil:
		return types.Hash{}, err
	case !ok:
		return types.Hash{}, fmt.Errorf("%w: canonical block %d", ErrNotFound, n)
	}
	defer closer.Close()
	if len(val) != types.HashLength {
		return types.Hash{}, fmt.Errorf("%w: canonical block %d: %d-byte hash (key %x)", ErrCorrupt, n, len(val), k)
	}
	return types.Hash(val), nil
}

// HeaderByNumber returns the canonical header with number n.
func (v *View) HeaderByNumber(n uint64) (*types.Header, error) {
	hash, err := v.CanonicalHash(n)
	if err != nil {
		return nil, err
	}
	h, err := v.Header(hash)
	if err != nil {
		return nil, err
	}
	if h.Number != n {
		return nil, fmt.Errorf("%w: canonical block %d names header %s of block %d", ErrCorrupt, n, hash, h.Number)
	}
	return h, nil
}

// AccessList returns the block access list (raw RLP) of the block with the
// given hash, checked against its header's access list hash; ErrNotFound
// when the block has none stored.
func (v *View) AccessList(blockHash types.Hash) ([]byte, error) {
	k := hashKey(prefixBAL, &blockHash)
	raw, ok, err := v.getCopy(k[:])
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: access list of block %s", ErrNotFound, blockHash)
	}
	h, err := v.Header(blockHash)
	if err != nil {
		return nil, fmt.Errorf("access list of block %s: %w", blockHash, err)
	}
	if !h.Has(types.FieldBlockAccessListHash) || types.Keccak256One(raw) != h.BlockAccessListHash {
		return nil, fmt.Errorf("%w: access list of block %s does not hash to the header's", ErrCorrupt, blockHash)
	}
	return raw, nil
}

// ForEachAccount calls fn for every account of the flat state, in address
// order, and stops at the first error fn returns (which it returns).
func (v *View) ForEachAccount(fn func(addr types.Address, acct types.Account) error) error {
	lo, hi := prefixBounds(prefixAccount)
	return v.scan(lo, hi, func(k, val []byte) error {
		if len(k) != accountKeyLen {
			return fmt.Errorf("%w: account key %x", ErrCorrupt, k)
		}
		addr := types.Address(k[1:])
		a, err := decodeAccount(val)
		if err != nil {
			return fmt.Errorf("%w: account %s (key %x): %w", ErrCorrupt, addr, k, err)
		}
		return fn(addr, a)
	})
}

// ForEachSlot calls fn for every non-zero slot of addr in the flat state, in
// slot order, and stops at the first error fn returns (which it returns).
func (v *View) ForEachSlot(addr types.Address, fn func(slot, value uint256.Int) error) error {
	lo, hi := storageRange(&addr)
	return v.scan(lo[:], hi[:], func(k, val []byte) error {
		if len(k) != storageKeyLen {
			return fmt.Errorf("%w: storage key %x", ErrCorrupt, k)
		}
		var slot uint256.Int
		slot.SetBytes32(k[1+types.AddressLength:])
		x, err := decodeSlot(val)
		if err != nil {
			return fmt.Errorf("%w: storage %s slot %#x (key %x): %w", ErrCorrupt, addr, &slot, k, err)
		}
		return fn(slot, x)
	})
}

// scan calls fn for every key in [lo, hi) in order; the slices are valid
// during the call only.
func (v *View) scan(lo, hi []byte, fn func(k, val []byte) error) error {
	if err := v.check(); err != nil {
		return err
	}
	it, err := v.r.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		val, err := it.ValueAndErr()
		if err == nil {
			err = fn(it.Key(), val)
		}
		if err != nil {
			_ = it.Close()
			return err
		}
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return fmt.Errorf("store: scan %s: %w", Kind(lo[0]), err)
	}
	return nil
}
