package exec

import (
	"fmt"
	"sync"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Database is where a [Chain] keeps its blocks and their states. The chain
// validates, executes and merkleizes; the database stores what the chain
// commits and serves the states blocks execute on. [NewMemoryDatabase]
// keeps everything in memory (tests, small tools); package exec/storedb
// puts a store.DB (pebble, on disk) behind it. Another client's database can be
// put behind a Chain by implementing these methods.
//
// A Database belongs to the goroutine of the one Chain using it; the readers
// it returns are read by a block's workers at once and must be safe for
// concurrent use.
type Database interface {
	// Head returns the header of the head block, the last one committed,
	// or nil for an empty database.
	Head() (*types.Header, error)
	// Header returns the header of a committed block, or false when there
	// is none. An error is a failure to read (a corrupt record, I/O).
	Header(hash types.Hash) (*types.Header, bool, error)
	// State returns a reader of the state after committed block h, to
	// execute its children on: the database's fastest reader of it, a flat
	// state when the database keeps one at h or can move one there. Such a
	// reader moves with the database: once another block is committed, or
	// State is asked for another block, it may read that block's state. The
	// reader returned after committing h's child must read the child's
	// state (the chain's cache moves to it with the child's updates).
	State(h *types.Header) (state.Reader, error)
	// StateAt returns a reader of the committed state with the given root,
	// through its trie. It does not move.
	StateAt(root types.Hash) (state.Reader, error)
	// Nodes returns the trie nodes of every committed state: merkleization
	// reads the parent state's nodes from it.
	Nodes() trie.NodeReader
	// Commit stores a block that the chain has validated, executed and
	// merkleized, atomically, and makes it the head. The first block of an
	// empty database has no parent and its updates hold its whole state;
	// every later block's parent is committed. Commit may keep b's slices,
	// which the caller does not modify afterwards.
	Commit(b *BlockCommit) error
}

// BlockCommit is what Database.Commit stores for one block.
type BlockCommit struct {
	// Header is the block's header; Header.Root is its state root.
	Header *types.Header
	// AccessList is the block access list that came with the block, as raw
	// RLP (nil for none); it hashes to the header's.
	AccessList []byte
	// Nodes are the trie nodes of Header.Root that the parent's state lacks.
	Nodes trie.NodeSet
	// Updates are the block's changes to its parent's state, sorted by
	// address (state.AccountUpdate), with the code of new code hashes.
	Updates []state.AccountUpdate
}

// MemoryDatabase is a Database in memory: every committed header, the trie
// nodes and code of every committed state (so a block may extend any
// committed block), and a flat state for O(1) reads that follows the head
// and can move back and forth over the last 64 blocks (a reorganisation
// that deep keeps it; a block on an older parent reads its parent through
// the trie). Nothing is ever dropped: memory grows with the chain.
type MemoryDatabase struct {
	nodes   *trie.MemStore
	codes   *trie.CodeStore
	headers map[types.Hash]*types.Header
	head    *types.Header
	flat    *flatState // nil until the first commit
}

var _ Database = (*MemoryDatabase)(nil)

// NewMemoryDatabase returns an empty in-memory database.
func NewMemoryDatabase() *MemoryDatabase {
	return &MemoryDatabase{
		nodes:   trie.NewMemStore(),
		codes:   trie.NewCodeStore(),
		headers: make(map[types.Hash]*types.Header),
	}
}

// Head implements Database.
func (m *MemoryDatabase) Head() (*types.Header, error) { return m.head, nil }

// Header implements Database.
func (m *MemoryDatabase) Header(hash types.Hash) (*types.Header, bool, error) {
	h, ok := m.headers[hash]
	return h, ok, nil
}

// State implements Database: the flat state moved to h when it can reach
// it, else a reader through the trie.
func (m *MemoryDatabase) State(h *types.Header) (state.Reader, error) {
	if m.flat != nil && m.flat.moveTo(h.Hash()) {
		return m.flat.mem, nil
	}
	return m.StateAt(h.Root)
}

// StateAt implements Database.
func (m *MemoryDatabase) StateAt(root types.Hash) (state.Reader, error) {
	return trie.NewStateReader(root, m.nodes, m.codes)
}

// Nodes implements Database.
func (m *MemoryDatabase) Nodes() trie.NodeReader { return m.nodes }

// Commit implements Database. The flat state follows the block when it is
// at the block's parent (the usual case, the chain having just executed the
// block on it); otherwise it stays where it is.
func (m *MemoryDatabase) Commit(b *BlockCommit) error {
	h := *b.Header
	hash := h.Hash()
	if m.head != nil {
		if _, ok := m.headers[h.ParentHash]; !ok {
			return fmt.Errorf("%w: block %d %s: parent %s not committed", ErrUnknownParent, h.Number, hash, h.ParentHash)
		}
	}
	// The nodes and the flat state are separate structures: store them on
	// two goroutines (a full block's nodes and state each take about a
	// millisecond or two, on the block's critical path).
	var wg sync.WaitGroup
	wg.Go(func() { m.nodes.Add(b.Nodes) })
	m.codes.AddUpdates(b.Updates)
	m.headers[hash] = &h
	switch {
	case m.flat == nil:
		mem := state.NewMemory()
		mem.Apply(b.Updates)
		m.flat = newFlatState(mem, hash)
	case m.flat.at == h.ParentHash:
		m.flat.apply(hash, b.Updates)
	}
	wg.Wait()
	m.head = &h
	return nil
}
