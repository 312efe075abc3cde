package bal

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/holiman/uint256"
)

// CheckFragment compares what one step recorded with what the list says about
// its index k. It is the parallel executor's early check: a step whose
// fragment disagrees with the list proves the list wrong before the block is
// finished. It returns nil when:
//
//   - every address the step touched is in the list;
//   - every slot it read is in the list for that account, as a read or as a
//     write (a slot read by one step and written by another is a write);
//   - every storage write and every balance, nonce and code change it made is
//     an entry of the list at index k with the same value;
//   - and the list has no other entries at index k.
//
// The list's reads are block-wide, so a read the list names that no step made
// is not caught here; the hash of the rebuilt list is the backstop for that.
// Several steps sharing an index (the system calls) must be merged into one
// fragment before the check. CheckFragment does not allocate.
func (lk *Lookup) CheckFragment(k uint32, f *Fragment) error {
	matched := uint32(0)
	for ai := range f.accounts {
		fa := &f.accounts[ai]
		pos, ok := lk.Find(fa.addr)
		if !ok {
			return fmt.Errorf("%w: account %s accessed at index %d is not in the list", ErrFragmentMismatch, fa.addr, k)
		}
		a := &lk.list.Accounts[pos]
		if fa.hasBalance {
			c, ok := findIndex(a.BalanceChanges, k, func(c BalanceChange) uint32 { return c.Index })
			if !ok || c.Balance != fa.balance {
				return fmt.Errorf("%w: account %s balance at index %d is %s, list %s", ErrFragmentMismatch, fa.addr, k, fa.balance.Dec(), listValue(ok, c.Balance.Dec()))
			}
			matched++
		}
		if fa.hasNonce {
			c, ok := findIndex(a.NonceChanges, k, func(c NonceChange) uint32 { return c.Index })
			if !ok || c.Nonce != fa.nonce {
				return fmt.Errorf("%w: account %s nonce at index %d is %d, list %s", ErrFragmentMismatch, fa.addr, k, fa.nonce, listValue(ok, fmt.Sprint(c.Nonce)))
			}
			matched++
		}
		if fa.hasCode {
			c, ok := findIndex(a.CodeChanges, k, func(c CodeChange) uint32 { return c.Index })
			if !ok || !bytes.Equal(c.Code, f.code[fa.codeOff:fa.codeOff+fa.codeLen]) {
				return fmt.Errorf("%w: account %s code at index %d differs from the list's", ErrFragmentMismatch, fa.addr, k)
			}
			matched++
		}
	}
	for si := range f.slots {
		s := &f.slots[si]
		addr := f.accounts[s.key.acct].addr
		pos, _ := lk.Find(addr) // present: checked above
		a := &lk.list.Accounts[pos]
		sc := findSlot(a.StorageChanges, &s.key.slot)
		written := sc != nil
		if !s.written {
			if !written && !containsSlot(a.StorageReads, &s.key.slot) {
				return fmt.Errorf("%w: account %s slot %s read at index %d is not in the list", ErrFragmentMismatch, addr, s.key.slot.Hex(), k)
			}
			continue
		}
		var w StorageWrite
		ok := false
		if written {
			w, ok = findIndex(sc.Writes, k, func(w StorageWrite) uint32 { return w.Index })
		}
		if !ok || w.Value != s.value {
			return fmt.Errorf("%w: account %s slot %s at index %d is %s, list %s", ErrFragmentMismatch, addr, s.key.slot.Hex(), k, s.value.Hex(), listValue(ok, w.Value.Hex()))
		}
		matched++
	}
	var want uint32
	if int(k) < len(lk.perIndex) {
		want = lk.perIndex[k]
	}
	if matched != want {
		return fmt.Errorf("%w: the list has %d changes at index %d, the step made %d", ErrFragmentMismatch, want, k, matched)
	}
	return nil
}

func listValue(ok bool, v string) string {
	if !ok {
		return "has none"
	}
	return v
}

// findIndex finds the entry with index k in entries sorted by index.
func findIndex[E any](entries []E, k uint32, index func(E) uint32) (E, bool) {
	i, ok := slices.BinarySearchFunc(entries, k, func(e E, k uint32) int {
		switch ix := index(e); {
		case ix < k:
			return -1
		case ix > k:
			return 1
		}
		return 0
	})
	if !ok {
		var zero E
		return zero, false
	}
	return entries[i], true
}

func containsSlot(reads []uint256.Int, slot *uint256.Int) bool {
	_, ok := slices.BinarySearchFunc(reads, slot, func(r uint256.Int, s *uint256.Int) int { return r.Cmp(s) })
	return ok
}

// Equal reports whether a and b are the same list, entry for entry. It is
// cheaper than comparing encodings or hashes.
func Equal(a, b *BlockAccessList) bool {
	if a == nil || b == nil {
		return a == b
	}
	if len(a.Accounts) != len(b.Accounts) {
		return false
	}
	for i := range a.Accounts {
		x, y := &a.Accounts[i], &b.Accounts[i]
		if x.Address != y.Address ||
			!slices.Equal(x.StorageReads, y.StorageReads) ||
			!slices.Equal(x.BalanceChanges, y.BalanceChanges) ||
			!slices.Equal(x.NonceChanges, y.NonceChanges) ||
			!slices.EqualFunc(x.CodeChanges, y.CodeChanges, func(p, q CodeChange) bool {
				return p.Index == q.Index && bytes.Equal(p.Code, q.Code)
			}) ||
			!slices.EqualFunc(x.StorageChanges, y.StorageChanges, func(p, q SlotChanges) bool {
				return p.Slot == q.Slot && slices.Equal(p.Writes, q.Writes)
			}) {
			return false
		}
	}
	return true
}
