package bal

import (
	"bytes"
	"fmt"
	"slices"
	"sync/atomic"

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
// The list's accounts and reads are block-wide, so an account or a read the
// list names that no step made is not caught here: [Coverage] checks the
// fragments as CheckFragment does and also notes what they covered.
// Several steps sharing an index (the system calls) must be merged into one
// fragment before the check. CheckFragment does not allocate.
func (lk *Lookup) CheckFragment(k uint32, f *Fragment) error {
	return lk.check(k, f, nil)
}

// check is CheckFragment, marking in c (when not nil) the accounts and reads
// of the list the fragment covers.
func (lk *Lookup) check(k uint32, f *Fragment, c *Coverage) error {
	matched := uint32(0)
	for ai := range f.accounts {
		fa := &f.accounts[ai]
		pos, ok := lk.Find(fa.addr)
		if !ok {
			return fmt.Errorf("%w: account %s accessed at index %d is not in the list", ErrFragmentMismatch, fa.addr, k)
		}
		if c != nil {
			mark(c.accounts, pos)
		}
		a := &lk.list.Accounts[pos]
		if fa.hasBalance {
			c, ok := entryAt(a.BalanceChanges, latestBalance(a.BalanceChanges, k)+1, k, func(c BalanceChange) uint32 { return c.Index })
			if !ok || c.Balance != fa.balance {
				return fmt.Errorf("%w: account %s balance at index %d is %s, list %s", ErrFragmentMismatch, fa.addr, k, fa.balance.Dec(), listValue(ok, c.Balance.Dec()))
			}
			matched++
		}
		if fa.hasNonce {
			c, ok := entryAt(a.NonceChanges, latestNonce(a.NonceChanges, k)+1, k, func(c NonceChange) uint32 { return c.Index })
			if !ok || c.Nonce != fa.nonce {
				return fmt.Errorf("%w: account %s nonce at index %d is %d, list %s", ErrFragmentMismatch, fa.addr, k, fa.nonce, listValue(ok, fmt.Sprint(c.Nonce)))
			}
			matched++
		}
		if fa.hasCode {
			c, ok := entryAt(a.CodeChanges, latestCode(a.CodeChanges, k)+1, k, func(c CodeChange) uint32 { return c.Index })
			if !ok || !bytes.Equal(c.Code, f.code[fa.codeOff:fa.codeOff+fa.codeLen]) {
				return fmt.Errorf("%w: account %s code at index %d differs from the list's", ErrFragmentMismatch, fa.addr, k)
			}
			matched++
		}
	}
	// A fragment's slots mostly belong to one or two accounts: find each
	// account's position once per run of its slots.
	lastAcct, pos := int32(-1), 0
	for si := range f.slots {
		s := &f.slots[si]
		addr := f.accounts[s.key.acct].addr
		if s.key.acct != lastAcct {
			lastAcct = s.key.acct
			pos, _ = lk.Find(addr) // present: checked above
		}
		a := &lk.list.Accounts[pos]
		sc := lk.slotChanges(pos, &s.key.slot)
		written := sc != nil
		if !s.written {
			if written {
				continue // written at some index: the rebuilt list drops the read
			}
			r, ok := findRead(a.StorageReads, &s.key.slot)
			if !ok {
				return fmt.Errorf("%w: account %s slot %s read at index %d is not in the list", ErrFragmentMismatch, addr, s.key.slot.Hex(), k)
			}
			if c != nil {
				mark(c.reads, int(lk.readBase[pos])+r)
			}
			continue
		}
		var w StorageWrite
		ok := false
		if written {
			w, ok = entryAt(sc.Writes, latestWrite(sc.Writes, k)+1, k, func(w StorageWrite) uint32 { return w.Index })
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
	if c != nil && int(k) < len(c.indices) {
		c.indices[k].Store(true)
	}
	return nil
}

func listValue(ok bool, v string) string {
	if !ok {
		return "has none"
	}
	return v
}

// findRead returns the position of slot in reads, sorted, and whether it is
// there.
func findRead(reads []uint256.Int, slot *uint256.Int) (int, bool) {
	lo, hi := 0, len(reads)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if reads[m].Lt(slot) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(reads) && reads[lo].Eq(slot)
}

// entryAt returns the entry of s with index k, given j, the position in s
// (sorted by index) right after the last entry with an index below k: the
// result of the matching latestX function plus one.
func entryAt[E any](s []E, j int, k uint32, index func(E) uint32) (E, bool) {
	if j < len(s) && index(s[j]) == k {
		return s[j], true
	}
	var zero E
	return zero, false
}

// Coverage checks the fragments of a block's steps against its list as
// [Lookup.CheckFragment] does, and notes which of the list's accounts and
// storage reads they covered. When every step's fragment passed Check and
// Complete returns nil, the list is exactly the one the fragments build
// ([Builder], merged at their indices): Check matched every change of the
// list at every index, one to one, and Complete finds every account and
// every read covered; the list being valid (sorted, no duplicates, reads
// apart from writes) leaves no other way to differ. The parallel executor
// uses it instead of building the list again and comparing, which costs a
// sort of every entry of the block on the path that gathers the steps.
//
// Check may be called from many goroutines at once, one index each;
// Complete must follow every Check (after a join). Reset prepares a
// Coverage for the next list, keeping its memory. The zero Coverage must be
// Reset before use.
type Coverage struct {
	lk       *Lookup
	accounts []atomic.Bool // by position in the list
	reads    []atomic.Bool // by Lookup.readBase[position] + position in StorageReads
	indices  []atomic.Bool // the indices whose fragment passed, up to the list's last change
}

// Reset empties c for the list lk indexes.
func (c *Coverage) Reset(lk *Lookup) {
	c.lk = lk
	c.accounts = resetFlags(c.accounts, len(lk.keys))
	c.reads = resetFlags(c.reads, lk.nreads)
	c.indices = resetFlags(c.indices, len(lk.perIndex))
}

func resetFlags(f []atomic.Bool, n int) []atomic.Bool {
	if cap(f) < n {
		return make([]atomic.Bool, n)
	}
	f = f[:n]
	clear(f)
	return f
}

// mark sets flag i, without a write when it is set already: hot accounts
// (the fee recipient, a popular contract) are marked by most steps, and
// loads of a shared cache line do not contend as stores do.
func mark(flags []atomic.Bool, i int) {
	if !flags[i].Load() {
		flags[i].Store(true)
	}
}

// Check is [Lookup.CheckFragment] on the fragment of the step at index k,
// noting what it covered.
func (c *Coverage) Check(k uint32, f *Fragment) error {
	return c.lk.check(k, f, c)
}

// Complete returns an error wrapping ErrNotAccessed when the list has
// changes at an index no fragment was checked at, or names an account that
// no checked fragment touched, or a storage read that none made: the first
// in that order, then in list order.
func (c *Coverage) Complete() error {
	for k, n := range c.lk.perIndex {
		if n > 0 && !c.indices[k].Load() {
			return fmt.Errorf("%w: %d changes at index %d, which no step passed", ErrNotAccessed, n, k)
		}
	}
	for i := range c.accounts {
		a := &c.lk.list.Accounts[i]
		if !c.accounts[i].Load() {
			return fmt.Errorf("%w: account %s", ErrNotAccessed, a.Address)
		}
		base := int(c.lk.readBase[i])
		for r := range a.StorageReads {
			if !c.reads[base+r].Load() {
				return fmt.Errorf("%w: account %s slot %s read", ErrNotAccessed, a.Address, a.StorageReads[r].Hex())
			}
		}
	}
	return nil
}

// Equal reports whether a and b are the same list, entry for entry. It is
// cheaper than comparing encodings or hashes.
func Equal(a, b *BlockAccessList) bool {
	if a == nil || b == nil || a == b {
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
