// Package storedb puts balexec's on-disk store (package store, pebble)
// behind an exec.Chain: [New] returns an exec.Database over a store.DB.
//
// The head's state is the store's flat state, read with one point read per
// account or slot and, for the warmer, with batched sorted reads (the
// store's View is a cache.BatchReader); every other committed state is read
// through its trie. Committing a block on a parent off the head's chain
// moves the flat state there in the same atomic batch, up to the store's
// history (store.ErrReorgTooDeep beyond). Nothing per block stays in
// memory: a chain over it runs in bounded memory however long it grows.
//
// Reads of the store wait on the disk without holding a core: give the
// chain's state cache more warm goroutines than cores
// (Chain.SetCacheOptions(cache.Options{WarmWorkers: 16}), as balexec import
// does; bench's BenchmarkWarmer measures the warmer on a cold store).
//
// It is a package of its own so that package exec does not depend on
// pebble: embedders that bring their own database do not link it.
//
// A Database belongs to the goroutine of its chain; the readers it returns
// are safe for concurrent use. The caller opens and closes the store.
package storedb

import (
	"errors"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Database is an exec.Database over a store.DB. It keeps nothing per block
// in memory: headers, nodes, code and the flat state are read from the
// store, whose block cache is its only cache.
type Database struct {
	db *store.DB
}

var _ exec.Database = (*Database)(nil)

// New returns a Database over db.
func New(db *store.DB) *Database { return &Database{db: db} }

// Store returns the store.
func (s *Database) Store() *store.DB { return s.db }

// Head implements exec.Database.
func (s *Database) Head() (*types.Header, error) {
	hd, ok, err := s.db.Head()
	if err != nil || !ok {
		return nil, err
	}
	return s.db.Header(hd.Hash)
}

// Header implements exec.Database.
func (s *Database) Header(hash types.Hash) (*types.Header, bool, error) {
	h, err := s.db.Header(hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return h, true, nil
}

// State implements exec.Database: the flat state when h is the head, else a
// reader through h's trie.
func (s *Database) State(h *types.Header) (state.Reader, error) {
	hd, ok, err := s.db.Head()
	if err != nil {
		return nil, err
	}
	if ok && hd.Hash == h.Hash() {
		return &s.db.View, nil
	}
	return s.StateAt(h.Root)
}

// StateAt implements exec.Database.
func (s *Database) StateAt(root types.Hash) (state.Reader, error) {
	return s.db.StateAt(root)
}

// Nodes implements exec.Database: the store's nodes, which it checks against
// their hashes itself (a trie.VerifiedNodeReader).
func (s *Database) Nodes() trie.NodeReader { return &s.db.View }

// Commit implements exec.Database with one synced store batch.
func (s *Database) Commit(b *exec.BlockCommit) error {
	return s.db.CommitBlock(&store.Block{Header: b.Header, AccessList: b.AccessList, Nodes: b.Nodes, Updates: b.Updates})
}
