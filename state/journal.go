package state

import (
	"fmt"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

type entryKind uint8

const (
	entryCreate entryKind = iota
	entryContract
	entryDestruct
	entryBalance
	entryNonce
	entryCode
	entryStorage
	entryTouch
	entryRefund
	entryLog
	entryAccessAddr
	entryAccessSlot
	entryTransient
)

// entry is one undoable change. One struct for every kind keeps the journal
// a flat slice with no per-entry allocation.
type entry struct {
	kind entryKind
	obj  *object
	addr types.Address
	key  uint256.Int
	prev uint256.Int
	n    uint64
	code []byte
	hash types.Hash
}

func (k entryKind) mutates() bool {
	switch k {
	case entryCreate, entryDestruct, entryBalance, entryNonce, entryCode, entryStorage, entryTouch:
		return true
	}
	return false
}

// record appends e to the journal and counts a mutation.
func (s *StateDB) record(e entry) {
	if e.kind.mutates() {
		e.obj.mutations++
	}
	s.journal = append(s.journal, e)
}

// Snapshot returns an id for the current state, for RevertToSnapshot.
func (s *StateDB) Snapshot() int { return len(s.journal) }

// RevertToSnapshot undoes every change made after the snapshot id was taken.
func (s *StateDB) RevertToSnapshot(id int) {
	if id < 0 || id > len(s.journal) {
		s.setErr(fmt.Errorf("%w: %d (journal length %d)", ErrBadSnapshot, id, len(s.journal)))
		return
	}
	for i := len(s.journal) - 1; i >= id; i-- {
		s.undo(&s.journal[i])
		s.journal[i] = entry{}
	}
	s.journal = s.journal[:id]
}

func (s *StateDB) undo(e *entry) {
	o := e.obj
	if e.kind.mutates() {
		o.mutations--
	}
	switch e.kind {
	case entryCreate:
		o.exists = false
		s.resetEmpty(o)
		clear(o.storage)
	case entryContract:
		o.newContract = false
	case entryDestruct:
		o.selfDestructed = false
	case entryBalance:
		o.balance = e.prev
	case entryNonce:
		o.nonce = e.n
	case entryCode:
		o.code, o.codeHash = e.code, e.hash
	case entryStorage:
		v := o.storage[e.key]
		v.current = e.prev
		o.storage[e.key] = v
	case entryTouch:
	case entryRefund:
		s.refund = e.n
	case entryLog:
		s.logs[len(s.logs)-1] = types.Log{}
		s.logs = s.logs[:len(s.logs)-1]
	case entryAccessAddr:
		delete(s.accessAddrs, e.addr)
	case entryAccessSlot:
		delete(s.accessSlots, slotKey{e.addr, e.key})
	case entryTransient:
		s.setTransient(slotKey{e.addr, e.key}, e.prev)
	}
}
