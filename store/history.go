package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
)

// DefaultHistory is how many recent blocks keep their diff and undo records
// when Options.History is 0: the deepest reorganisation the flat state
// can follow (go-ethereum keeps 128 diff layers in memory for the same
// purpose).
const DefaultHistory = 128

// A change record moves the flat state across one block: forward (a diff,
// what the block wrote) or back (an undo, what the keys the block wrote
// held before it). Both have one form:
//
//	count(4) entry*
//	entry:   address(20) flags(1) [len(1) account record] slots(4) slot*
//	slot:    key(32) len(1) value(len)
//
// flags&changeExists: the account exists after the change, with the account
// record that follows; otherwise it is absent, and so is all its storage
// (no record and no slots follow). flags&changeClear: every slot of the
// account is deleted before the slots that follow are written. A slot of
// length 0 is deleted (zero), else the value is a slot record. Entries are
// strictly ascending by address and slots by key; counts are big-endian.
// The decoder accepts exactly what the writer produces.
const (
	changeExists = 1 << 0
	changeClear  = 1 << 1
	changeFlags  = changeExists | changeClear
)

// changeEntry is one account of a decoded change record; its slices point
// into the record.
type changeEntry struct {
	addr   types.Address
	exists bool
	clear  bool
	acct   []byte // the account record (exists only)
	slots  []slotChange
}

// slotChange is one slot of a change entry: its key (32 big-endian bytes)
// and its value record, empty for zero.
type slotChange struct {
	key   []byte
	value []byte
}

// changeWriter appends a change record to buf.
type changeWriter struct {
	buf      []byte
	count    uint32
	slotsAt  int // offset of the open entry's slot count
	slots    uint32
	lastAddr types.Address
	lastSlot [32]byte
}

func (w *changeWriter) reset() {
	w.buf = append(w.buf[:0], 0, 0, 0, 0)
	w.count, w.slotsAt, w.slots = 0, -1, 0
}

// account opens the entry of addr; acct is its record when it exists.
func (w *changeWriter) account(addr *types.Address, exists, clear bool, acct []byte) {
	w.finishEntry()
	w.count++
	w.buf = append(w.buf, addr[:]...)
	var flags byte
	if exists {
		flags |= changeExists
	}
	if clear {
		flags |= changeClear
	}
	w.buf = append(w.buf, flags)
	if exists {
		w.buf = append(w.buf, byte(len(acct)))
		w.buf = append(w.buf, acct...)
	}
	w.slotsAt = len(w.buf)
	w.buf = append(w.buf, 0, 0, 0, 0)
	w.slots = 0
}

// slot adds a slot to the open entry: its key and value record (empty for
// zero).
func (w *changeWriter) slot(key *[32]byte, value []byte) {
	w.slots++
	w.buf = append(w.buf, key[:]...)
	w.buf = append(w.buf, byte(len(value)))
	w.buf = append(w.buf, value...)
}

func (w *changeWriter) finishEntry() {
	if w.slotsAt >= 0 {
		binary.BigEndian.PutUint32(w.buf[w.slotsAt:], w.slots)
		w.slotsAt = -1
	}
}

// finish completes the record and returns it (valid until the next reset).
func (w *changeWriter) finish() []byte {
	w.finishEntry()
	binary.BigEndian.PutUint32(w.buf, w.count)
	return w.buf
}

// decodeChange decodes a change record strictly (see changeWriter).
func decodeChange(b []byte) ([]changeEntry, error) {
	if len(b) < 4 {
		return nil, errShort
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	// Every entry takes at least 25 bytes: a count cannot claim more than
	// the record holds.
	if uint64(n)*25 > uint64(len(b)) {
		return nil, fmt.Errorf("%w: %d entries in %d bytes", errLength, n, len(b))
	}
	out := make([]changeEntry, n)
	for i := range out {
		e := &out[i]
		if len(b) < types.AddressLength+1 {
			return nil, errShort
		}
		copy(e.addr[:], b)
		if i > 0 && bytes.Compare(out[i-1].addr[:], e.addr[:]) >= 0 {
			return nil, fmt.Errorf("%w: entries not strictly ascending at %s", errOrder, e.addr)
		}
		flags := b[types.AddressLength]
		b = b[types.AddressLength+1:]
		if flags&^changeFlags != 0 {
			return nil, fmt.Errorf("%w: %#x", errFlags, flags)
		}
		e.exists, e.clear = flags&changeExists != 0, flags&changeClear != 0
		if !e.exists && e.clear {
			return nil, fmt.Errorf("%w: clear on an absent account", errFlags)
		}
		if e.exists {
			if len(b) < 1 || len(b) < 1+int(b[0]) {
				return nil, errShort
			}
			e.acct = b[1 : 1+int(b[0])]
			if _, err := decodeAccount(e.acct); err != nil {
				return nil, fmt.Errorf("account %s: %w", e.addr, err)
			}
			b = b[1+int(b[0]):]
		}
		if len(b) < 4 {
			return nil, errShort
		}
		ns := binary.BigEndian.Uint32(b)
		b = b[4:]
		if !e.exists && ns != 0 {
			return nil, fmt.Errorf("%w: slots of an absent account", errLength)
		}
		if uint64(ns)*33 > uint64(len(b)) {
			return nil, fmt.Errorf("%w: %d slots in %d bytes", errLength, ns, len(b))
		}
		e.slots = make([]slotChange, ns)
		for j := range e.slots {
			s := &e.slots[j]
			if len(b) < 33 || len(b) < 33+int(b[32]) {
				return nil, errShort
			}
			s.key, s.value = b[:32], b[33:33+int(b[32])]
			if j > 0 && bytes.Compare(e.slots[j-1].key, s.key) >= 0 {
				return nil, fmt.Errorf("%w: slots of %s not strictly ascending", errOrder, e.addr)
			}
			if len(s.value) > 0 {
				if _, err := decodeSlot(s.value); err != nil {
					return nil, fmt.Errorf("slot of %s: %w", e.addr, err)
				}
			}
			b = b[33+len(s.value):]
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d", errTrailing, len(b))
	}
	return out, nil
}

// applyChange writes a decoded change record to the flat state in batch.
func applyChange(batch *pebble.Batch, entries []changeEntry) error {
	var errs error
	for i := range entries {
		e := &entries[i]
		ak := accountKey(&e.addr)
		lo, hi := storageRange(&e.addr)
		if !e.exists {
			errs = errors.Join(errs, batch.Delete(ak[:], nil), batch.DeleteRange(lo[:], hi[:], nil))
			continue
		}
		errs = errors.Join(errs, batch.Set(ak[:], e.acct, nil))
		if e.clear {
			errs = errors.Join(errs, batch.DeleteRange(lo[:], hi[:], nil))
		}
		var sk [storageKeyLen]byte
		copy(sk[:], lo[:])
		for _, s := range e.slots {
			copy(sk[1+types.AddressLength:], s.key)
			if len(s.value) == 0 {
				errs = errors.Join(errs, batch.Delete(sk[:], nil))
			} else {
				errs = errors.Join(errs, batch.Set(sk[:], s.value, nil))
			}
		}
	}
	return errs
}

// readRecord reads a record through r, copied; false when absent.
func readRecord(r pebble.Reader, key []byte) ([]byte, bool, error) {
	val, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: read %s %x: %w", Kind(key[0]), key, err)
	}
	out := bytes.Clone(val)
	closer.Close()
	return out, true, nil
}

// loadChange reads and decodes the diff or undo record of a block.
func loadChange(r pebble.Reader, prefix byte, n uint64, hash *types.Hash) ([]changeEntry, error) {
	k := historyKey(prefix, n, hash)
	rec, ok, err := readRecord(r, k[:])
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: no %s record of block %d %s (the reorganisation is deeper than the history kept)",
			ErrReorgTooDeep, Kind(prefix), n, hash)
	}
	entries, err := decodeChange(rec)
	if err != nil {
		return nil, fmt.Errorf("%w: %s record of block %d %s: %w", ErrCorrupt, Kind(prefix), n, hash, err)
	}
	return entries, nil
}

// moveFlat writes into batch (an indexed batch) what moves the flat state
// and the canonical chain from the head to target, a stored block off the
// head's chain or behind the head: the undo records of the head's blocks
// back to the common ancestor, then the diff records of target's branch
// from there. The canonical entries above target are deleted (the caller
// writes its child's). It fails with ErrReorgTooDeep when the ancestor is
// more than the history away.
func (db *DB) moveFlat(batch *pebble.Batch, head Head, target *types.Header) error {
	var branch []*types.Header // target's blocks above the ancestor, target first
	cur, curHash := target, target.Hash()
	for {
		if cur.Number <= head.Number {
			ch, err := db.CanonicalHash(cur.Number)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if err == nil && ch == curHash {
				break
			}
		}
		if len(branch) >= db.history {
			return fmt.Errorf("%w: block %d %s is more than %d blocks off the head's chain", ErrReorgTooDeep, target.Number, target.Hash(), db.history)
		}
		branch = append(branch, cur)
		parent, err := db.Header(cur.ParentHash)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: block %d %s has no stored ancestor on the head's chain", ErrReorgTooDeep, target.Number, target.Hash())
		}
		if err != nil {
			return err
		}
		cur, curHash = parent, cur.ParentHash
	}
	ancestor := cur.Number
	if head.Number-ancestor > uint64(db.history) {
		return fmt.Errorf("%w: the head is %d blocks above the common ancestor %d", ErrReorgTooDeep, head.Number-ancestor, ancestor)
	}
	for n := head.Number; n > ancestor; n-- {
		hash, err := db.CanonicalHash(n)
		if err != nil {
			return err
		}
		undo, err := loadChange(db.pdb, prefixUndo, n, &hash)
		if err != nil {
			return err
		}
		if err := applyChange(batch, undo); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	var errs error
	for i := len(branch) - 1; i >= 0; i-- {
		b := branch[i]
		hash := b.Hash()
		diff, err := loadChange(db.pdb, prefixDiff, b.Number, &hash)
		if err != nil {
			return err
		}
		errs = errors.Join(errs, applyChange(batch, diff))
		ck := canonicalKey(b.Number)
		errs = errors.Join(errs, batch.Set(ck[:], hash[:], nil))
	}
	for n := target.Number + 2; n <= head.Number; n++ {
		ck := canonicalKey(n)
		errs = errors.Join(errs, batch.Delete(ck[:], nil))
	}
	if errs != nil {
		return fmt.Errorf("store: %w", errs)
	}
	return nil
}

// pruneHistory deletes the diff and undo records of the blocks numbered n.
func (db *DB) pruneHistory(batch *pebble.Batch, n uint64) error {
	for _, p := range [...]byte{prefixDiff, prefixUndo} {
		var lo, hi [9]byte
		lo[0], hi[0] = p, p
		binary.BigEndian.PutUint64(lo[1:], n)
		binary.BigEndian.PutUint64(hi[1:], n+1)
		it, err := db.pdb.NewIter(&pebble.IterOptions{LowerBound: lo[:], UpperBound: hi[:]})
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		var errs error
		for ok := it.First(); ok; ok = it.Next() {
			errs = errors.Join(errs, batch.Delete(it.Key(), nil))
		}
		if err := errors.Join(errs, it.Error(), it.Close()); err != nil {
			return fmt.Errorf("store: prune %s records of block %d: %w", Kind(p), n, err)
		}
	}
	return nil
}
