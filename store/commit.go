package store

import (
	"errors"
	"fmt"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
)

// Block is everything CommitBlock writes for one block.
type Block struct {
	// Header is the block's header; Header.Root is its state root.
	Header *types.Header
	// AccessList is the block's access list as raw RLP, nil for none. It
	// must hash to the header's block access list hash.
	AccessList []byte
	// Nodes are the trie nodes the block's state update created, as
	// trie.UpdateState returns them: together with the nodes already stored
	// they must hold the trie of Header.Root.
	Nodes trie.NodeSet
	// Updates is the block's state diff against the head's state (for the
	// first block of a store, against the empty state): sorted by address,
	// without duplicates, as state.BlockState.Updates returns them and
	// trie.UpdateState takes them.
	Updates []state.AccountUpdate
}

// CommitBlock writes b in one pebble batch, synced to disk before it
// returns, and makes it the head: the header, the canonical number-to-hash
// entry, the access list, the new trie nodes, the new code, the flat-state
// diff, the block's diff and undo records, and the new head. A crash at any
// point leaves the store as of the previous commit or as of this one, never
// between.
//
// The block's parent must be stored and its number the parent's plus one
// (ErrNotHead); the first block of an empty store may be any block (a
// genesis, or the block of a state imported whole), and its updates must
// then hold its whole state. When the parent is not the head (a
// reorganisation), the same batch first moves the flat state and the
// canonical chain from the head to the parent, through the undo records of
// the head's blocks back to the common ancestor and the diff records of the
// parent's branch; a parent farther away than Options.History blocks is
// ErrReorgTooDeep.
//
// The flat records come from the new trie, not from the updates alone: each
// updated account is read from the trie of Header.Root (its path runs
// through the new nodes, in memory) and must exist and agree with the
// update's nonce, balance and code hash, and a deleted account must be
// absent; that is where the records' storage roots come from. A block
// whose parts disagree is rejected with ErrInconsistent and nothing is
// written. Each update's slots are written as given: a zero value deletes
// the slot; a deleted or wiped account loses all its stored slots first.
//
// CommitBlock does not keep b or any part of it.
func (db *DB) CommitBlock(b *Block) error {
	if db.readOnly {
		return ErrReadOnly
	}
	db.commitMu.Lock()
	defer db.commitMu.Unlock()
	if err := db.check(); err != nil {
		return err
	}
	if b == nil || b.Header == nil {
		return fmt.Errorf("%w: no header", ErrInconsistent)
	}
	h := b.Header
	hash := h.Hash()
	head, hasHead, err := db.Head()
	if err != nil {
		return err
	}
	if b.AccessList != nil {
		if !h.Has(types.FieldBlockAccessListHash) {
			return fmt.Errorf("%w: block %d has an access list but its header no access list hash", ErrInconsistent, h.Number)
		}
		if got := types.Keccak256One(b.AccessList); got != h.BlockAccessListHash {
			return fmt.Errorf("%w: block %d: access list hashes to %s, header has %s", ErrInconsistent, h.Number, got, h.BlockAccessListHash)
		}
	}

	var (
		batch    *pebble.Batch
		reader   pebble.Reader = db.pdb // the flat state before the block
		prevRoot               = types.EmptyRootHash
	)
	switch {
	case !hasHead:
		batch = db.pdb.NewBatch()
	case h.ParentHash == head.Hash:
		if h.Number != head.Number+1 {
			return fmt.Errorf("%w: block %d %s on the head, block %d", ErrNotHead, h.Number, hash, head.Number)
		}
		batch, prevRoot = db.pdb.NewBatch(), head.Root
	default:
		parent, err := db.Header(h.ParentHash)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: block %d %s: parent %s is not stored (head is block %d %s)",
				ErrNotHead, h.Number, hash, h.ParentHash, head.Number, head.Hash)
		}
		if err != nil {
			return err
		}
		if h.Number != parent.Number+1 {
			return fmt.Errorf("%w: block %d %s on parent block %d", ErrNotHead, h.Number, hash, parent.Number)
		}
		// An indexed batch: the block's own undo record is read through
		// the flat state the batch has moved to the parent.
		batch = db.pdb.NewIndexedBatch()
		if err := db.moveFlat(batch, head, parent); err != nil {
			batch.Close()
			return fmt.Errorf("block %d %s: %w", h.Number, hash, err)
		}
		reader, prevRoot = batch, parent.Root
	}
	defer batch.Close()
	w := &db.scratch
	if err := db.writeState(batch, reader, h, prevRoot, b.Nodes, b.Updates, hasHead); err != nil {
		return fmt.Errorf("block %d %s: %w", h.Number, hash, err)
	}
	var setErr error
	if hasHead {
		// The first block has no parent to move back to: no records.
		dk := historyKey(prefixDiff, h.Number, &hash)
		uk := historyKey(prefixUndo, h.Number, &hash)
		setErr = errors.Join(batch.Set(dk[:], w.diff.finish(), nil), batch.Set(uk[:], w.undo.finish(), nil))
		if h.Number >= uint64(db.history) {
			setErr = errors.Join(setErr, db.pruneHistory(batch, h.Number-uint64(db.history)))
		}
	}
	buf := w.buf[:0]
	hk := hashKey(prefixHeader, &hash)
	buf = h.AppendRLP(buf)
	setErr = errors.Join(setErr, batch.Set(hk[:], buf, nil))
	ck := canonicalKey(h.Number)
	setErr = errors.Join(setErr, batch.Set(ck[:], hash[:], nil))
	if b.AccessList != nil {
		lk := hashKey(prefixBAL, &hash)
		setErr = errors.Join(setErr, batch.Set(lk[:], b.AccessList, nil))
	}
	buf = appendHead(buf[:0], &Head{Hash: hash, Number: h.Number, Root: h.Root})
	setErr = errors.Join(setErr, batch.Set([]byte{prefixHead}, buf, nil))
	w.buf = buf
	if setErr != nil {
		return fmt.Errorf("store: block %d: %w", h.Number, setErr)
	}
	if err := batch.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("store: commit block %d: %w", h.Number, err)
	}
	return nil
}

// commitScratch is CommitBlock's reused buffers. REQUIRES: db.commitMu held.
type commitScratch struct {
	buf        []byte
	diff, undo changeWriter
}

// writeState adds the block's nodes, code and flat-state diff to batch,
// checking each updated account against the trie of h.Root, and writes the
// block's diff and undo records into db.scratch (when history is set).
// reader reads the flat state before the block.
func (db *DB) writeState(batch *pebble.Batch, reader pebble.Reader, h *types.Header, prevRoot types.Hash, nodes trie.NodeSet, updates []state.AccountUpdate, history bool) error {
	if len(updates) == 0 && h.Root != prevRoot {
		return fmt.Errorf("%w: state root %s differs from the previous %s without any update", ErrInconsistent, h.Root, prevRoot)
	}
	var (
		accounts *trie.SecureTrie
		over     = overlay{v: &db.View}
	)
	if len(updates) > 0 {
		over.nodes = nodes.Map()
		var err error
		if accounts, err = trie.NewSecure(h.Root, over); err != nil {
			return fmt.Errorf("%w: state root %s: %w", ErrInconsistent, h.Root, err)
		}
	}
	w := &db.scratch
	w.diff.reset()
	w.undo.reset()
	var (
		buf []byte
		err error
	)
	set := func(k, v []byte) {
		if err == nil {
			err = batch.Set(k, v, nil)
		}
	}
	for i := range updates {
		u := &updates[i]
		if i > 0 && updates[i-1].Address.Compare(&u.Address) >= 0 {
			return fmt.Errorf("%w: updates not sorted by address at %s", ErrInconsistent, u.Address)
		}
		for j := 1; j < len(u.Storage); j++ {
			if u.Storage[j-1].Key.Cmp(&u.Storage[j].Key) >= 0 {
				return fmt.Errorf("%w: slots of %s not sorted at %#x", ErrInconsistent, u.Address, &u.Storage[j].Key)
			}
		}
		acct, exists, terr := accounts.GetAccount(u.Address)
		if terr != nil {
			return fmt.Errorf("%w: account %s in the new trie: %w", ErrInconsistent, u.Address, terr)
		}
		if history {
			if rerr := db.writeUndo(reader, u); rerr != nil {
				return rerr
			}
		}
		ak := accountKey(&u.Address)
		lo, hi := storageRange(&u.Address)
		if u.Deleted {
			if exists {
				return fmt.Errorf("%w: account %s is deleted but in the new trie", ErrInconsistent, u.Address)
			}
			if err == nil {
				err = batch.Delete(ak[:], nil)
			}
			if err == nil {
				err = batch.DeleteRange(lo[:], hi[:], nil)
			}
			w.diff.account(&u.Address, false, false, nil)
			continue
		}
		codeHash := u.CodeHash
		if codeHash == (types.Hash{}) {
			codeHash = types.EmptyCodeHash
		}
		switch {
		case !exists:
			return fmt.Errorf("%w: account %s is updated but not in the new trie", ErrInconsistent, u.Address)
		case acct.Nonce != u.Nonce || acct.Balance != u.Balance || acct.CodeHash != codeHash:
			return fmt.Errorf("%w: account %s: update has nonce %d balance %s code %s, the new trie %d %s %s",
				ErrInconsistent, u.Address, u.Nonce, &u.Balance, codeHash, acct.Nonce, &acct.Balance, acct.CodeHash)
		}
		if len(u.Code) > 0 {
			if got := types.Keccak256One(u.Code); got != codeHash {
				return fmt.Errorf("%w: account %s: code hashes to %s, update has %s", ErrInconsistent, u.Address, got, codeHash)
			}
			ck := hashKey(prefixCode, &codeHash)
			set(ck[:], u.Code)
		}
		buf = appendAccount(buf[:0], &acct)
		set(ak[:], buf)
		w.diff.account(&u.Address, true, u.Wiped, buf)
		if u.Wiped && err == nil {
			// NB: the slot writes below come later in the batch, so they
			// survive this range deletion.
			err = batch.DeleteRange(lo[:], hi[:], nil)
		}
		// Every slot the update writes must hold its value in the account's
		// storage trie under the new root (the path to a changed slot is
		// new, so these reads come from the block's own nodes).
		var storage *trie.SecureTrie
		if len(u.Storage) > 0 {
			var serr error
			if storage, serr = trie.NewSecure(acct.Root, over); serr != nil {
				return fmt.Errorf("%w: storage root %s of %s: %w", ErrInconsistent, acct.Root, u.Address, serr)
			}
		}
		for j := range u.Storage {
			s := &u.Storage[j]
			if got, serr := storage.GetStorage(s.Key); serr != nil {
				return fmt.Errorf("%w: slot %#x of %s in the new trie: %w", ErrInconsistent, &s.Key, u.Address, serr)
			} else if got != s.Value {
				return fmt.Errorf("%w: slot %#x of %s: update has %#x, the new trie %#x", ErrInconsistent, &s.Key, u.Address, &s.Value, &got)
			}
			sk := storageKey(&u.Address, &s.Key)
			key := (*[32]byte)(sk[1+types.AddressLength:])
			if s.Value.IsZero() {
				if err == nil {
					err = batch.Delete(sk[:], nil)
				}
				w.diff.slot(key, nil)
				continue
			}
			buf = appendSlot(buf[:0], &s.Value)
			set(sk[:], buf)
			w.diff.slot(key, buf)
		}
	}
	for hash, enc := range nodes.All() {
		nk := hashKey(prefixNode, &hash)
		set(nk[:], enc)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// writeUndo adds to the undo record what the flat state holds, before the
// block, for the keys update u writes: the account record (or its
// absence), and the old values of the slots it writes, or of all its slots
// when it deletes or wipes the account.
func (db *DB) writeUndo(r pebble.Reader, u *state.AccountUpdate) error {
	w := &db.scratch.undo
	ak := accountKey(&u.Address)
	prev, exists, err := readRecord(r, ak[:])
	if err != nil {
		return err
	}
	if !exists {
		// Absent before the block: so was all its storage.
		w.account(&u.Address, false, false, nil)
		return nil
	}
	if _, err := decodeAccount(prev); err != nil {
		return fmt.Errorf("%w: account %s (key %x): %w", ErrCorrupt, u.Address, ak, err)
	}
	all := u.Deleted || u.Wiped
	w.account(&u.Address, true, all, prev)
	if all {
		lo, hi := storageRange(&u.Address)
		it, err := r.NewIter(&pebble.IterOptions{LowerBound: lo[:], UpperBound: hi[:]})
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		for ok := it.First(); ok; ok = it.Next() {
			k := it.Key()
			if len(k) != storageKeyLen {
				_ = it.Close()
				return fmt.Errorf("%w: storage key %x", ErrCorrupt, k)
			}
			val, err := it.ValueAndErr()
			if err == nil {
				_, err = decodeSlot(val)
			}
			if err != nil {
				_ = it.Close()
				return fmt.Errorf("%w: storage of %s (key %x): %w", ErrCorrupt, u.Address, k, err)
			}
			w.slot((*[32]byte)(k[1+types.AddressLength:]), val)
		}
		if err := errors.Join(it.Error(), it.Close()); err != nil {
			return fmt.Errorf("store: storage of %s: %w", u.Address, err)
		}
		return nil
	}
	for j := range u.Storage {
		sk := storageKey(&u.Address, &u.Storage[j].Key)
		val, closer, err := r.Get(sk[:])
		switch {
		case errors.Is(err, pebble.ErrNotFound):
			w.slot((*[32]byte)(sk[1+types.AddressLength:]), nil)
		case err != nil:
			return fmt.Errorf("store: read storage %s slot %#x: %w", u.Address, &u.Storage[j].Key, err)
		default:
			_, derr := decodeSlot(val)
			if derr == nil {
				w.slot((*[32]byte)(sk[1+types.AddressLength:]), val)
			}
			closer.Close()
			if derr != nil {
				return fmt.Errorf("%w: storage %s slot %#x (key %x): %w", ErrCorrupt, u.Address, &u.Storage[j].Key, sk, derr)
			}
		}
	}
	return nil
}

// overlay reads trie nodes from a block's new nodes, then from the store.
type overlay struct {
	nodes map[types.Hash][]byte
	v     *View
}

var _ trie.NodeReader = overlay{}

func (o overlay) Node(hash types.Hash) ([]byte, error) {
	if enc, ok := o.nodes[hash]; ok {
		return enc, nil
	}
	return o.v.Node(hash)
}
