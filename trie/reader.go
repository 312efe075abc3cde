package trie

import (
	"fmt"
	"sync"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// CodeReader returns contract code by hash.
type CodeReader interface {
	Code(codeHash types.Hash) ([]byte, error)
}

// StateReader is a state.Reader over the state trie with a given root: it
// reads accounts and storage from the node store and code from a code
// reader. Opened storage tries are kept for the reader's lifetime.
//
// It is safe for concurrent use (calls are serialised); parallel executors
// should put a cache in front of it.
type StateReader struct {
	mu       sync.Mutex
	store    NodeReader
	codes    CodeReader
	accounts *SecureTrie
	storage  map[types.Address]*SecureTrie
}

var _ state.Reader = (*StateReader)(nil)

// NewStateReader opens the state with the given root.
func NewStateReader(root types.Hash, store NodeReader, codes CodeReader) (*StateReader, error) {
	accounts, err := NewSecure(root, store)
	if err != nil {
		return nil, err
	}
	return &StateReader{store: store, codes: codes, accounts: accounts, storage: make(map[types.Address]*SecureTrie)}, nil
}

// Account implements state.Reader.
func (r *StateReader) Account(addr types.Address) (types.Account, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accounts.GetAccount(addr)
}

// Storage implements state.Reader.
func (r *StateReader) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.storage[addr]
	if !ok {
		acct, exists, err := r.accounts.GetAccount(addr)
		if err != nil {
			return uint256.Int{}, err
		}
		root := types.EmptyRootHash
		if exists {
			root = acct.Root
		}
		if st, err = NewSecure(root, r.store); err != nil {
			return uint256.Int{}, fmt.Errorf("storage of %s: %w", addr, err)
		}
		r.storage[addr] = st
	}
	return st.GetStorage(slot)
}

// Code implements state.Reader.
func (r *StateReader) Code(_ types.Address, codeHash types.Hash) ([]byte, error) {
	if codeHash == types.EmptyCodeHash {
		return nil, nil
	}
	return r.codes.Code(codeHash)
}

// CodeStore is an in-memory CodeReader, safe for concurrent use.
type CodeStore struct {
	mu    sync.RWMutex
	codes map[types.Hash][]byte
}

var _ CodeReader = (*CodeStore)(nil)

// NewCodeStore returns an empty code store.
func NewCodeStore() *CodeStore { return &CodeStore{codes: make(map[types.Hash][]byte)} }

// Code implements CodeReader.
func (c *CodeStore) Code(codeHash types.Hash) ([]byte, error) {
	c.mu.RLock()
	code, ok := c.codes[codeHash]
	c.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: code %s", state.ErrMissingCode, codeHash)
	}
	return code, nil
}

// AddUpdates stores the code of every updated account.
func (c *CodeStore) AddUpdates(updates []state.AccountUpdate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range updates {
		u := &updates[i]
		// An update that keeps its code carries no code bytes.
		if !u.Deleted && len(u.Code) > 0 {
			if _, ok := c.codes[u.CodeHash]; !ok {
				c.codes[u.CodeHash] = u.Code
			}
		}
	}
}
