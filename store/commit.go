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
// returns: the header, the canonical number-to-hash entry, the access list,
// the new trie nodes, the new code, the flat-state diff and the new head.
// A crash at any point leaves the store as of the previous commit or as of
// this one, never between.
//
// The block must extend the head (ErrNotHead); the first block of an empty
// store may be any block (a genesis, or the block of a state imported
// whole), and its updates must then hold its whole state.
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
	parent, hasParent, err := db.Head()
	if err != nil {
		return err
	}
	if hasParent && (h.ParentHash != parent.Hash || h.Number != parent.Number+1) {
		return fmt.Errorf("%w: block %d %s (parent %s), head is block %d %s",
			ErrNotHead, h.Number, hash, h.ParentHash, parent.Number, parent.Hash)
	}
	if b.AccessList != nil {
		if !h.Has(types.FieldBlockAccessListHash) {
			return fmt.Errorf("%w: block %d has an access list but its header no access list hash", ErrInconsistent, h.Number)
		}
		if got := types.Keccak256One(b.AccessList); got != h.BlockAccessListHash {
			return fmt.Errorf("%w: block %d: access list hashes to %s, header has %s", ErrInconsistent, h.Number, got, h.BlockAccessListHash)
		}
	}
	prevRoot := types.EmptyRootHash
	if hasParent {
		prevRoot = parent.Root
	}

	batch := db.pdb.NewBatch()
	defer batch.Close()
	if err := db.writeState(batch, h, prevRoot, b.Nodes, b.Updates); err != nil {
		return fmt.Errorf("block %d %s: %w", h.Number, hash, err)
	}
	var buf []byte
	hk := hashKey(prefixHeader, &hash)
	buf = h.AppendRLP(buf[:0])
	setErr := batch.Set(hk[:], buf, nil)
	ck := canonicalKey(h.Number)
	setErr = errors.Join(setErr, batch.Set(ck[:], hash[:], nil))
	if b.AccessList != nil {
		lk := hashKey(prefixBAL, &hash)
		setErr = errors.Join(setErr, batch.Set(lk[:], b.AccessList, nil))
	}
	buf = appendHead(buf[:0], &Head{Hash: hash, Number: h.Number, Root: h.Root})
	setErr = errors.Join(setErr, batch.Set([]byte{prefixHead}, buf, nil))
	if setErr != nil {
		return fmt.Errorf("store: block %d: %w", h.Number, setErr)
	}
	if err := batch.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("store: commit block %d: %w", h.Number, err)
	}
	return nil
}

// writeState adds the block's nodes, code and flat-state diff to batch,
// checking each updated account against the trie of h.Root.
func (db *DB) writeState(batch *pebble.Batch, h *types.Header, prevRoot types.Hash, nodes trie.NodeSet, updates []state.AccountUpdate) error {
	if len(updates) == 0 && h.Root != prevRoot {
		return fmt.Errorf("%w: state root %s differs from the previous %s without any update", ErrInconsistent, h.Root, prevRoot)
	}
	var accounts *trie.SecureTrie
	if len(updates) > 0 {
		var err error
		if accounts, err = trie.NewSecure(h.Root, overlay{nodes, &db.View}); err != nil {
			return fmt.Errorf("%w: state root %s: %w", ErrInconsistent, h.Root, err)
		}
	}
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
		acct, exists, terr := accounts.GetAccount(u.Address)
		if terr != nil {
			return fmt.Errorf("%w: account %s in the new trie: %w", ErrInconsistent, u.Address, terr)
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
		if u.Wiped && err == nil {
			// NB: the slot writes below come later in the batch, so they
			// survive this range deletion.
			err = batch.DeleteRange(lo[:], hi[:], nil)
		}
		for j := range u.Storage {
			s := &u.Storage[j]
			sk := storageKey(&u.Address, &s.Key)
			if s.Value.IsZero() {
				if err == nil {
					err = batch.Delete(sk[:], nil)
				}
				continue
			}
			buf = appendSlot(buf[:0], &s.Value)
			set(sk[:], buf)
		}
	}
	for hash, enc := range nodes {
		nk := hashKey(prefixNode, &hash)
		set(nk[:], enc)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// overlay reads trie nodes from a block's new nodes, then from the store.
type overlay struct {
	nodes trie.NodeSet
	v     *View
}

var _ trie.NodeReader = overlay{}

func (o overlay) Node(hash types.Hash) ([]byte, error) {
	if enc, ok := o.nodes[hash]; ok {
		return enc, nil
	}
	return o.v.Node(hash)
}
