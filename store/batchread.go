package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/types"
	"github.com/cockroachdb/pebble/v2"
	"github.com/holiman/uint256"
)

// AccountRead is one account of a batched read: the caller sets Address,
// ReadAccounts fills Account and Exists. It is the cache's type, so that a
// View is the cache's cache.BatchReader as it is.
type AccountRead = cache.AccountRead

// SlotRead is one storage slot of a batched read: the caller sets Address
// and Slot, ReadStorage fills Value (zero when unset).
type SlotRead = cache.SlotRead

var _ cache.BatchReader = (*View)(nil)

func compareAccountReads(a, b AccountRead) int { return a.Address.Compare(&b.Address) }

func compareSlotReads(a, b SlotRead) int {
	if c := a.Address.Compare(&b.Address); c != 0 {
		return c
	}
	return a.Slot.Cmp(&b.Slot)
}

// ReadAccounts reads the accounts of the flat state that reads name, in key
// order, with one pebble iterator moving forward through them: each seek
// starts from the previous position, so neighbouring keys share the index
// and data blocks read for the first of them, and the files are read front
// to back. reads is sorted in place by address unless it already is (the
// order of a block access list); an address may appear more than once.
//
// It is the warmer's batch read: one call for a block's accounts, one (to
// ReadStorage) for its slots. It is safe to call from several goroutines on
// disjoint slices, each with its own iterator.
func (v *View) ReadAccounts(reads []AccountRead) error {
	if len(reads) == 0 {
		return v.check()
	}
	if !slices.IsSortedFunc(reads, compareAccountReads) {
		slices.SortFunc(reads, compareAccountReads)
	}
	it, err := v.iter(prefixAccount)
	if err != nil {
		return err
	}
	key := make([]byte, accountKeyLen) // one buffer: a key passed to pebble escapes
	for i := range reads {
		r := &reads[i]
		k := accountKey(&r.Address)
		copy(key, k[:])
		val, ok, err := seek(it, key)
		if err != nil {
			_ = it.Close()
			return fmt.Errorf("store: read account %s: %w", r.Address, err)
		}
		r.Exists = ok
		r.Account = types.Account{}
		if !ok {
			continue
		}
		if r.Account, err = decodeAccount(val); err != nil {
			_ = it.Close()
			return fmt.Errorf("%w: account %s (key %x): %w", ErrCorrupt, r.Address, k, err)
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("store: read accounts: %w", err)
	}
	return nil
}

// ReadStorage reads the slots of the flat state that reads name, as
// ReadAccounts reads accounts: sorted in place by (address, slot) unless
// already sorted, then one iterator moving forward.
func (v *View) ReadStorage(reads []SlotRead) error {
	if len(reads) == 0 {
		return v.check()
	}
	if !slices.IsSortedFunc(reads, compareSlotReads) {
		slices.SortFunc(reads, compareSlotReads)
	}
	it, err := v.iter(prefixStorage)
	if err != nil {
		return err
	}
	key := make([]byte, storageKeyLen)
	for i := range reads {
		r := &reads[i]
		k := storageKey(&r.Address, &r.Slot)
		copy(key, k[:])
		val, ok, err := seek(it, key)
		if err != nil {
			_ = it.Close()
			return fmt.Errorf("store: read storage %s slot %#x: %w", r.Address, &r.Slot, err)
		}
		r.Value = uint256.Int{}
		if !ok {
			continue
		}
		if r.Value, err = decodeSlot(val); err != nil {
			_ = it.Close()
			return fmt.Errorf("%w: storage %s slot %#x (key %x): %w", ErrCorrupt, r.Address, &r.Slot, k, err)
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("store: read storage: %w", err)
	}
	return nil
}

// ReadBatch reads a block's accounts and slots with the batched reads, on up
// to workers goroutines (at least one): both lists are sorted in place, then
// each is split into contiguous runs of keys, one per goroutine, each read
// with its own forward iterator. Disjoint runs keep each iterator's reads in
// order while the disk serves several at once: on a cold store, 4 workers
// read about twice as fast as one (see the package documentation). Every
// goroutine has returned when ReadBatch returns; the error is the first in
// key order.
func (v *View) ReadBatch(accts []AccountRead, slots []SlotRead, workers int) error {
	workers = max(workers, 1)
	if !slices.IsSortedFunc(accts, compareAccountReads) {
		slices.SortFunc(accts, compareAccountReads)
	}
	if !slices.IsSortedFunc(slots, compareSlotReads) {
		slices.SortFunc(slots, compareSlotReads)
	}
	na := min(workers, (len(accts)+minRun-1)/minRun)
	ns := min(workers, (len(slots)+minRun-1)/minRun)
	errs := make([]error, na+ns)
	var wg sync.WaitGroup
	for i := range na {
		wg.Go(func() { errs[i] = v.ReadAccounts(accts[i*len(accts)/na : (i+1)*len(accts)/na]) })
	}
	for i := range ns {
		wg.Go(func() { errs[na+i] = v.ReadStorage(slots[i*len(slots)/ns : (i+1)*len(slots)/ns]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return v.check()
}

// minRun is the fewest keys ReadBatch gives one goroutine: below that a
// goroutine and an iterator cost more than the reads they overlap.
const minRun = 64

// iter opens an iterator over the keys of one kind.
func (v *View) iter(prefix byte) (*pebble.Iterator, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	lo, hi := prefixBounds(prefix)
	it, err := v.r.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return it, nil
}

// seek positions it at key and returns its value (valid until the next
// move), or false when the key is absent. Seeks in increasing key order let
// pebble continue from the current position instead of seeking from the
// top of each level.
func seek(it *pebble.Iterator, key []byte) ([]byte, bool, error) {
	if !it.SeekGE(key) {
		return nil, false, it.Error()
	}
	if !bytes.Equal(it.Key(), key) {
		return nil, false, nil
	}
	val, err := it.ValueAndErr()
	if err != nil {
		return nil, false, errors.Join(err, it.Error())
	}
	return val, true, nil
}
