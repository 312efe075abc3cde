package bal

import (
	"cmp"
	"slices"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// A Fragment finds its accounts and slots by a linear scan while it holds
// at most this many of them, and through a map built when it grows past:
// a typical transaction touches a handful of accounts (sender, recipient,
// coinbase, a few contracts) and a few slots, for which a scan beats a
// map's hashing, and an empty fragment then costs no map to make or clear.
// Maps that grew past fragmentDropMap entries are dropped on Reset rather
// than cleared, since clearing costs a map's capacity, not its length.
const (
	fragmentScanAccounts = 8
	fragmentScanSlots    = 16
	fragmentDropMap      = 1024
)

// Fragment records what one step of a block (a transaction, a system call,
// the withdrawals) accessed and changed, to be merged into a [Builder] under
// the step's block access index. The journaled state fills it while the step
// runs and at its end; a Fragment is not journaled, so a revert never removes
// what was recorded.
//
// The zero Fragment is ready to use. Reset empties it and keeps its memory, so
// a worker reuses one Fragment for every transaction and, once its buffers
// have grown to its working set, recording does not allocate.
//
// A Fragment is owned by one goroutine.
type Fragment struct {
	accountIdx map[types.Address]int32 // nil while len(accounts) <= fragmentScanAccounts
	accounts   []fragAccount
	slotIdx    map[slotKey]int32 // nil while len(slots) <= fragmentScanSlots
	slots      []fragSlot
	code       []byte // code set by SetCode, back to back
	last       int32  // position of the most recently used account, or -1
	lastAddr   types.Address
}

type fragAccount struct {
	addr             types.Address
	balance          uint256.Int
	nonce            uint64
	codeOff, codeLen int
	hasBalance       bool
	hasNonce         bool
	hasCode          bool
}

// slotKey names a slot of the account at position acct.
type slotKey struct {
	acct int32
	slot uint256.Int
}

type fragSlot struct {
	key     slotKey
	value   uint256.Int
	written bool
}

// NewFragment returns an empty Fragment.
func NewFragment() *Fragment {
	return &Fragment{last: -1}
}

// Reset empties f, keeping its memory for reuse.
func (f *Fragment) Reset() {
	if f.accountIdx != nil {
		if len(f.accountIdx) > fragmentDropMap {
			f.accountIdx = nil
		} else {
			clear(f.accountIdx)
		}
	}
	if f.slotIdx != nil {
		if len(f.slotIdx) > fragmentDropMap {
			f.slotIdx = nil
		} else {
			clear(f.slotIdx)
		}
	}
	f.accounts = f.accounts[:0]
	f.slots = f.slots[:0]
	f.code = f.code[:0]
	f.last = -1
}

// account returns the position of addr, adding it if needed.
func (f *Fragment) account(addr types.Address) int32 {
	if f.last >= 0 && int(f.last) < len(f.accounts) && f.lastAddr == addr {
		return f.last
	}
	var i int32 = -1
	if len(f.accounts) <= fragmentScanAccounts && len(f.accountIdx) == 0 {
		for j := range f.accounts {
			if f.accounts[j].addr == addr {
				i = int32(j)
				break
			}
		}
	} else if j, ok := f.accountIdx[addr]; ok {
		i = j
	}
	if i < 0 {
		i = int32(len(f.accounts))
		f.accounts = append(f.accounts, fragAccount{addr: addr})
		switch {
		case len(f.accountIdx) > 0:
			f.accountIdx[addr] = i
		case len(f.accounts) > fragmentScanAccounts:
			if f.accountIdx == nil {
				f.accountIdx = make(map[types.Address]int32, 2*len(f.accounts))
			}
			for j := range f.accounts {
				f.accountIdx[f.accounts[j].addr] = int32(j)
			}
		}
	}
	f.last, f.lastAddr = i, addr
	return i
}

// slot returns the position of the slot k, or -1.
func (f *Fragment) slot(k *slotKey) int {
	if len(f.slotIdx) == 0 {
		for j := range f.slots {
			if f.slots[j].key == *k {
				return j
			}
		}
		return -1
	}
	if j, ok := f.slotIdx[*k]; ok {
		return int(j)
	}
	return -1
}

// addSlot appends s, indexing the slots once there are more than a scan
// handles.
func (f *Fragment) addSlot(s fragSlot) {
	f.slots = append(f.slots, s)
	switch {
	case len(f.slotIdx) > 0:
		f.slotIdx[s.key] = int32(len(f.slots) - 1)
	case len(f.slots) > fragmentScanSlots:
		if f.slotIdx == nil {
			f.slotIdx = make(map[slotKey]int32, 2*len(f.slots))
		}
		for j := range f.slots {
			f.slotIdx[f.slots[j].key] = int32(j)
		}
	}
}

// Touch records that addr was accessed.
func (f *Fragment) Touch(addr types.Address) { f.account(addr) }

// ReadSlot records a read of addr's slot, unless f already holds a write of
// that slot.
func (f *Fragment) ReadSlot(addr types.Address, slot *uint256.Int) {
	k := slotKey{acct: f.account(addr), slot: *slot}
	if f.slot(&k) >= 0 {
		return
	}
	f.addSlot(fragSlot{key: k})
}

// WriteSlot records that addr's slot holds post after this step; the slot is
// no longer a read of this fragment. The state records only slots whose value
// differs from the step's pre-state.
func (f *Fragment) WriteSlot(addr types.Address, slot, post *uint256.Int) {
	k := slotKey{acct: f.account(addr), slot: *slot}
	if i := f.slot(&k); i >= 0 {
		s := &f.slots[i]
		s.value, s.written = *post, true
		return
	}
	f.addSlot(fragSlot{key: k, value: *post, written: true})
}

// SetBalance records addr's balance after this step.
func (f *Fragment) SetBalance(addr types.Address, post *uint256.Int) {
	i := f.account(addr)
	a := &f.accounts[i]
	a.balance, a.hasBalance = *post, true
}

// SetNonce records addr's nonce after this step.
func (f *Fragment) SetNonce(addr types.Address, post uint64) {
	i := f.account(addr)
	a := &f.accounts[i]
	a.nonce, a.hasNonce = post, true
}

// SetCode records addr's code after this step. The code is copied.
func (f *Fragment) SetCode(addr types.Address, code []byte) {
	i := f.account(addr)
	a := &f.accounts[i]
	off := len(f.code)
	f.code = append(f.code, code...)
	a.codeOff, a.codeLen, a.hasCode = off, len(code), true
}

// Builder accumulates the fragments of a block, each under its block access
// index, and builds the canonical list.
//
// # Merge rules (EIP-7928 as go-ethereum applies them)
//
//   - Every address touched by any fragment is in the list, even with no
//     changes.
//   - Storage writes are keyed by (slot, index), balance, nonce and code
//     changes by index. When several fragments are merged at one index (the
//     system calls of pre- and post-execution), a later entry overwrites an
//     earlier one with the same key.
//   - Reads are the union of all fragments' reads, minus every slot of the
//     account that is written at any index of the block (write wins).
//
// Merge only appends to flat arrays; sorting, de-duplication and the
// write-wins rule run once, in Build. Fragments may be merged in any order;
// "later" means merged later.
//
// The zero Builder is ready to use. A Builder is owned by one goroutine.
type Builder struct {
	accountIdx map[types.Address]int32
	addrs      []types.Address
	writes     []bWrite
	reads      []bRead
	balances   []bBalance
	nonces     []bNonce
	codes      []bCode
	code       []byte  // code bytes of codes, back to back
	seq        uint32  // number of Merge calls so far
	remap      []int32 // scratch: fragment account position -> builder position
}

type bWrite struct {
	acct, seq int32
	index     uint32
	slot      uint256.Int
	value     uint256.Int
}

type bRead struct {
	acct int32
	slot uint256.Int
}

type bBalance struct {
	acct, seq int32
	index     uint32
	value     uint256.Int
}

type bNonce struct {
	acct, seq int32
	index     uint32
	value     uint64
}

type bCode struct {
	acct, seq int32
	index     uint32
	off, n    int
}

// Reset empties b, keeping its memory for the next block.
func (b *Builder) Reset() {
	clear(b.accountIdx)
	b.addrs = b.addrs[:0]
	b.writes = b.writes[:0]
	b.reads = b.reads[:0]
	b.balances = b.balances[:0]
	b.nonces = b.nonces[:0]
	b.codes = b.codes[:0]
	b.code = b.code[:0]
	b.seq = 0
}

func (b *Builder) account(addr types.Address) int32 {
	if b.accountIdx == nil {
		b.accountIdx = make(map[types.Address]int32, 64)
	}
	i, ok := b.accountIdx[addr]
	if !ok {
		i = int32(len(b.addrs))
		b.addrs = append(b.addrs, addr)
		b.accountIdx[addr] = i
	}
	return i
}

// Merge adds f's records under block access index. It copies everything it
// keeps, so f may be reset and reused as soon as Merge returns. A nil f adds
// nothing.
func (b *Builder) Merge(index uint32, f *Fragment) {
	if f == nil {
		return
	}
	b.seq++
	seq := int32(b.seq)
	remap := b.remap[:0]
	for i := range f.accounts {
		fa := &f.accounts[i]
		ai := b.account(fa.addr)
		remap = append(remap, ai)
		if fa.hasBalance {
			b.balances = append(b.balances, bBalance{acct: ai, seq: seq, index: index, value: fa.balance})
		}
		if fa.hasNonce {
			b.nonces = append(b.nonces, bNonce{acct: ai, seq: seq, index: index, value: fa.nonce})
		}
		if fa.hasCode {
			off := len(b.code)
			b.code = append(b.code, f.code[fa.codeOff:fa.codeOff+fa.codeLen]...)
			b.codes = append(b.codes, bCode{acct: ai, seq: seq, index: index, off: off, n: fa.codeLen})
		}
	}
	for i := range f.slots {
		s := &f.slots[i]
		ai := remap[s.key.acct]
		if s.written {
			b.writes = append(b.writes, bWrite{acct: ai, seq: seq, index: index, slot: s.key.slot, value: s.value})
		} else {
			b.reads = append(b.reads, bRead{acct: ai, slot: s.key.slot})
		}
	}
	b.remap = remap
}

// Build returns the canonical list of everything merged so far: accounts by
// address, slots by value, entries by index, with the merge rules of
// [Builder] applied. The result owns its memory. b stays usable: more
// fragments may be merged and Build called again.
func (b *Builder) Build() *BlockAccessList {
	b.sortAccounts()
	b.normalize()

	// The entry arrays are now sorted by account, then slot or index, and
	// hold one entry per key; carve the list out of one array per type.
	nslots := 0
	for i := range b.writes {
		if i == 0 || b.writes[i].acct != b.writes[i-1].acct || !b.writes[i].slot.Eq(&b.writes[i-1].slot) {
			nslots++
		}
	}
	var (
		accounts = alloc[AccountAccess](len(b.addrs))
		slots    = alloc[SlotChanges](nslots)
		writes   = alloc[StorageWrite](len(b.writes))
		reads    = alloc[uint256.Int](len(b.reads))
		balances = alloc[BalanceChange](len(b.balances))
		nonces   = alloc[NonceChange](len(b.nonces))
		codes    = alloc[CodeChange](len(b.codes))
	)
	codeBytes := 0
	for i := range b.codes {
		codeBytes += b.codes[i].n
	}
	code := alloc[byte](codeBytes)

	var wi, ri, bi, ni, ci int
	for ai := range b.addrs {
		acct := int32(ai)
		a := AccountAccess{Address: b.addrs[ai]}

		start := len(slots)
		for wi < len(b.writes) && b.writes[wi].acct == acct {
			slot := b.writes[wi].slot
			ws := len(writes)
			for wi < len(b.writes) && b.writes[wi].acct == acct && b.writes[wi].slot.Eq(&slot) {
				writes = append(writes, StorageWrite{Index: b.writes[wi].index, Value: b.writes[wi].value})
				wi++
			}
			slots = append(slots, SlotChanges{Slot: slot, Writes: carve(writes, ws)})
		}
		a.StorageChanges = carve(slots, start)

		start = len(reads)
		for ; ri < len(b.reads) && b.reads[ri].acct == acct; ri++ {
			reads = append(reads, b.reads[ri].slot)
		}
		a.StorageReads = carve(reads, start)

		start = len(balances)
		for ; bi < len(b.balances) && b.balances[bi].acct == acct; bi++ {
			balances = append(balances, BalanceChange{Index: b.balances[bi].index, Balance: b.balances[bi].value})
		}
		a.BalanceChanges = carve(balances, start)

		start = len(nonces)
		for ; ni < len(b.nonces) && b.nonces[ni].acct == acct; ni++ {
			nonces = append(nonces, NonceChange{Index: b.nonces[ni].index, Nonce: b.nonces[ni].value})
		}
		a.NonceChanges = carve(nonces, start)

		start = len(codes)
		for ; ci < len(b.codes) && b.codes[ci].acct == acct; ci++ {
			c := &b.codes[ci]
			off := len(code)
			code = append(code, b.code[c.off:c.off+c.n]...)
			codes = append(codes, CodeChange{Index: c.index, Code: carve(code, off)})
		}
		a.CodeChanges = carve(codes, start)

		accounts = append(accounts, a)
	}
	return &BlockAccessList{Accounts: carve(accounts, 0)}
}

// sortAccounts renumbers the accounts in address order and rewrites every
// entry's account position to match, so that later merges and builds keep
// working on consistent positions.
func (b *Builder) sortAccounts() {
	n := len(b.addrs)
	order := make([]int32, n) // order[rank] = old position
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		return b.addrs[x].Compare(&b.addrs[y])
	})
	rank := make([]int32, n) // rank[old position] = new position
	sorted := make([]types.Address, n)
	for r, old := range order {
		rank[old] = int32(r)
		sorted[r] = b.addrs[old]
		b.accountIdx[b.addrs[old]] = int32(r)
	}
	copy(b.addrs, sorted)
	for i := range b.writes {
		b.writes[i].acct = rank[b.writes[i].acct]
	}
	for i := range b.reads {
		b.reads[i].acct = rank[b.reads[i].acct]
	}
	for i := range b.balances {
		b.balances[i].acct = rank[b.balances[i].acct]
	}
	for i := range b.nonces {
		b.nonces[i].acct = rank[b.nonces[i].acct]
	}
	for i := range b.codes {
		b.codes[i].acct = rank[b.codes[i].acct]
	}
}

// normalize sorts every entry array by its key and keeps one entry per key:
// the latest merged for changes, and for reads only slots that no write in
// the block names.
func (b *Builder) normalize() {
	slices.SortFunc(b.writes, func(x, y bWrite) int {
		if c := cmp.Compare(x.acct, y.acct); c != 0 {
			return c
		}
		if c := x.slot.Cmp(&y.slot); c != 0 {
			return c
		}
		if c := cmp.Compare(x.index, y.index); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	b.writes = keepLast(b.writes, func(x, y *bWrite) bool {
		return x.acct == y.acct && x.index == y.index && x.slot.Eq(&y.slot)
	})

	slices.SortFunc(b.reads, func(x, y bRead) int {
		if c := cmp.Compare(x.acct, y.acct); c != 0 {
			return c
		}
		return x.slot.Cmp(&y.slot)
	})
	// Keep each read once, and only if no write names it; b.writes is sorted
	// by (acct, slot) too, so one walk over both suffices.
	out, w := b.reads[:0], 0
	for i := range b.reads {
		r := &b.reads[i]
		if len(out) > 0 && out[len(out)-1].acct == r.acct && out[len(out)-1].slot.Eq(&r.slot) {
			continue
		}
		for w < len(b.writes) && (b.writes[w].acct < r.acct ||
			b.writes[w].acct == r.acct && b.writes[w].slot.Lt(&r.slot)) {
			w++
		}
		if w < len(b.writes) && b.writes[w].acct == r.acct && b.writes[w].slot.Eq(&r.slot) {
			continue
		}
		out = append(out, *r)
	}
	b.reads = out

	slices.SortFunc(b.balances, func(x, y bBalance) int {
		if c := cmp.Compare(x.acct, y.acct); c != 0 {
			return c
		}
		if c := cmp.Compare(x.index, y.index); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	b.balances = keepLast(b.balances, func(x, y *bBalance) bool { return x.acct == y.acct && x.index == y.index })

	slices.SortFunc(b.nonces, func(x, y bNonce) int {
		if c := cmp.Compare(x.acct, y.acct); c != 0 {
			return c
		}
		if c := cmp.Compare(x.index, y.index); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	b.nonces = keepLast(b.nonces, func(x, y *bNonce) bool { return x.acct == y.acct && x.index == y.index })

	slices.SortFunc(b.codes, func(x, y bCode) int {
		if c := cmp.Compare(x.acct, y.acct); c != 0 {
			return c
		}
		if c := cmp.Compare(x.index, y.index); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	b.codes = keepLast(b.codes, func(x, y *bCode) bool { return x.acct == y.acct && x.index == y.index })
}

// keepLast compacts s, sorted so that entries with the same key are adjacent
// in merge order, to the last entry of each run of equal keys.
func keepLast[T any](s []T, same func(x, y *T) bool) []T {
	out := s[:0]
	for i := range s {
		if i+1 < len(s) && same(&s[i], &s[i+1]) {
			continue
		}
		out = append(out, s[i])
	}
	return out
}
