package bal

import (
	"encoding/binary"
	"hash/maphash"
	"iter"
	"math/bits"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Lookup is a read-only index over a block access list that answers "what
// was this field or slot as of block access index k": the value of the last
// write with an index strictly below k. It is the view a transaction at index
// k executes against (k = 0 for the pre-execution system calls, i+1 for
// transaction i, n+1 for post-execution).
//
// # Invariants
//
// The list must have passed [BlockAccessList.Validate]: accounts sorted by
// address, slots by value and entries by index, which is what the binary
// searches rely on. On an unvalidated list the answers are unspecified, but
// queries never panic. The Lookup aliases the list, which must not be
// modified while the Lookup is in use.
//
// # Concurrency
//
// A Lookup is immutable after [NewLookup]: any number of goroutines may query
// it at once without locks. Queries do not allocate. Code hashes are computed
// once, at construction.
type Lookup struct {
	list *BlockAccessList
	// keys[i] is list.Accounts[i].Address split into big-endian words, so
	// that a search compares addresses with integer instructions within a
	// dense array (hashing a just-written 20-byte key, as a map does,
	// stalls on store forwarding; 8-byte loads do not).
	keys []addrKey
	// buckets narrows Find's search: the keys whose top bucketBits bits
	// are j are keys[buckets[j]:buckets[j+1]], with one or two buckets per
	// account. On addresses spread as Ethereum's are (keccak outputs) a
	// search reads one bucket bound and a key or two instead of the dozen
	// dependent loads of a binary search over every key: BenchmarkAccountSearch
	// on 2-core amd64, 4,096 accounts, 25 ns against 71 ns (and a map 35 ns);
	// 16,384 accounts, 30 against 96 (map 40); at 8 to 64 accounts all are
	// within 5 ns. A list whose addresses share their top bits (system
	// contracts, tests) has them all in one bucket, searched as before.
	buckets    []uint32
	bucketBits uint
	// hashes holds keccak256 of every code change, account by account:
	// the hash of list.Accounts[i].CodeChanges[j] is hashes[codeBase[i]+j].
	hashes   []types.Hash
	codeBase []uint32
	// The storage reads of list.Accounts[i] are numbered readBase[i] on,
	// nreads in all, for Coverage.
	readBase []uint32
	nreads   int
	// perIndex[k] counts the entries (storage writes, balance, nonce and code
	// changes) at index k, for CheckFragment; indices past it have none.
	perIndex []uint32
	// slotTabs[i] locates in slotIdx the hash index of the written slots of
	// the account at position i, when it has one (see indexSlots).
	slotTabs []slotTab
	slotIdx  []int32
}

// slotTab is one account's open-addressing table within Lookup.slotIdx:
// slotIdx[off : off+mask+1], each entry a position in StorageChanges plus
// one, or 0 when empty. mask is 0 for an account without a table.
type slotTab struct {
	off  uint32
	mask uint32
}

// Bounds of the slot index. An account with at least slotIndexMin written
// slots gets a table of at least four times as many entries (at most a
// quarter full, where linear probing displaces a random key by more than 14
// entries in none of 200 fills of 30,000 keys), and every slot must sit
// within slotIndexProbes of its hash's entry; if some slot cannot (the keyed
// hash makes that vanishingly rare for any list), the account keeps the
// binary search. A hot contract's slots (an ERC-20's balances) are thousands
// of keccak outputs in a slice of 56-byte entries, which a binary search
// walks with a dozen dependent cache misses; below a few hundred slots the
// search costs less than the hashing (BenchmarkSlotSearch).
const (
	slotIndexMin    = 256
	slotIndexProbes = 32
)

// slotSeed keys the slot index's hash, so that no list can be built to
// collide in it.
var slotSeed = maphash.MakeSeed()

// addrKey is an address split into big-endian words, so that comparing keys
// lexicographically compares the addresses bytewise.
type addrKey struct {
	hi, mid uint64
	lo      uint32
}

func keyOf(a *types.Address) addrKey {
	return addrKey{
		hi:  binary.BigEndian.Uint64(a[0:8]),
		mid: binary.BigEndian.Uint64(a[8:16]),
		lo:  binary.BigEndian.Uint32(a[16:20]),
	}
}

func (k addrKey) less(o addrKey) bool {
	if k.hi != o.hi {
		return k.hi < o.hi
	}
	if k.mid != o.mid {
		return k.mid < o.mid
	}
	return k.lo < o.lo
}

// AccountState is an account's fields as a [Lookup] sees them. A Has flag is
// false when no matching change exists, and then the field is zero. Code
// aliases the list and must not be modified.
type AccountState struct {
	Balance    uint256.Int
	Nonce      uint64
	Code       []byte
	CodeHash   types.Hash // keccak256(Code) when HasCode
	HasBalance bool
	HasNonce   bool
	HasCode    bool
}

// Changed reports whether any field has a change.
func (s *AccountState) Changed() bool { return s.HasBalance || s.HasNonce || s.HasCode }

// NewLookup indexes l. It computes the hash of every code change.
func NewLookup(l *BlockAccessList) *Lookup {
	lk := &Lookup{
		list:     l,
		keys:     make([]addrKey, len(l.Accounts)),
		codeBase: make([]uint32, len(l.Accounts)),
		readBase: make([]uint32, len(l.Accounts)),
	}
	n := 0
	for i := range l.Accounts {
		a := &l.Accounts[i]
		lk.keys[i] = keyOf(&a.Address)
		lk.codeBase[i] = uint32(n)
		n += len(a.CodeChanges)
		lk.readBase[i] = uint32(lk.nreads)
		lk.nreads += len(a.StorageReads)
		for _, sc := range a.StorageChanges {
			for _, w := range sc.Writes {
				lk.countAt(w.Index)
			}
		}
		for _, c := range a.BalanceChanges {
			lk.countAt(c.Index)
		}
		for _, c := range a.NonceChanges {
			lk.countAt(c.Index)
		}
		for _, c := range a.CodeChanges {
			lk.countAt(c.Index)
		}
	}
	lk.indexBuckets()
	lk.indexSlots()
	if n > 0 {
		lk.hashes = make([]types.Hash, 0, n)
		for i := range l.Accounts {
			for j := range l.Accounts[i].CodeChanges {
				lk.hashes = append(lk.hashes, types.Keccak256One(l.Accounts[i].CodeChanges[j].Code))
			}
		}
	}
	return lk
}

// indexBuckets fills buckets from keys, sorted by address: 2^b buckets
// with b the bit length of the account count, so between one and two per
// account.
func (lk *Lookup) indexBuckets() {
	b := uint(bits.Len(uint(len(lk.keys))))
	lk.bucketBits = b
	lk.buckets = make([]uint32, 1<<b+1)
	j := 0
	for i, k := range lk.keys {
		for top := int(k.hi >> (64 - b)); j <= top; j++ {
			lk.buckets[j] = uint32(i)
		}
	}
	for ; j < len(lk.buckets); j++ {
		lk.buckets[j] = uint32(len(lk.keys))
	}
}

// indexSlots builds the slot tables of the accounts with at least
// slotIndexMin written slots.
func (lk *Lookup) indexSlots() {
	size := 0
	for i := range lk.list.Accounts {
		if n := len(lk.list.Accounts[i].StorageChanges); n >= slotIndexMin {
			size += slotTableSize(n)
		}
	}
	if size == 0 {
		return
	}
	lk.slotTabs = make([]slotTab, len(lk.list.Accounts))
	lk.slotIdx = make([]int32, size)
	off := 0
	for i := range lk.list.Accounts {
		sc := lk.list.Accounts[i].StorageChanges
		if len(sc) < slotIndexMin {
			continue
		}
		n := slotTableSize(len(sc))
		tab := lk.slotIdx[off : off+n]
		if fillSlotTable(tab, sc) {
			lk.slotTabs[i] = slotTab{off: uint32(off), mask: uint32(n - 1)}
		}
		off += n
	}
}

// slotTableSize is the table size for n slots: a power of two, at least 4n.
func slotTableSize(n int) int { return 1 << bits.Len(uint(4*n-1)) }

func slotHash(slot *uint256.Int) uint32 {
	return uint32(maphash.Comparable(slotSeed, *slot))
}

// fillSlotTable indexes sc in the empty table tab (its length a power of
// two) and reports whether every slot found an entry within
// slotIndexProbes of its own.
func fillSlotTable(tab []int32, sc []SlotChanges) bool {
	mask := uint32(len(tab) - 1)
	for j := range sc {
		p := slotHash(&sc[j].Slot) & mask
		probes := 0
		for tab[p] != 0 {
			if probes++; probes == slotIndexProbes {
				clear(tab)
				return false
			}
			p = (p + 1) & mask
		}
		tab[p] = int32(j + 1)
	}
	return true
}

// slotChanges returns the written slot of the account at position i, or
// nil.
func (lk *Lookup) slotChanges(i int, slot *uint256.Int) *SlotChanges {
	sc := lk.list.Accounts[i].StorageChanges
	if lk.slotTabs == nil || lk.slotTabs[i].mask == 0 {
		return findSlot(sc, slot)
	}
	t := lk.slotTabs[i]
	return probeSlot(lk.slotIdx[t.off:t.off+t.mask+1], sc, slot)
}

// probeSlot finds slot in sc through tab, a table fillSlotTable filled.
func probeSlot(tab []int32, sc []SlotChanges, slot *uint256.Int) *SlotChanges {
	mask := uint32(len(tab) - 1)
	p := slotHash(slot) & mask
	for range slotIndexProbes {
		e := tab[p]
		if e == 0 {
			return nil
		}
		if sc[e-1].Slot == *slot {
			return &sc[e-1]
		}
		p = (p + 1) & mask
	}
	return nil
}

// countAt counts one entry at index k. Indices are bounded by Validate
// (at most the transaction count plus one), so the slice stays small.
func (lk *Lookup) countAt(k uint32) {
	if int(k) >= len(lk.perIndex) {
		lk.perIndex = append(lk.perIndex, make([]uint32, int(k)+1-len(lk.perIndex))...)
	}
	lk.perIndex[k]++
}

// Len returns the number of accounts in the list.
func (lk *Lookup) Len() int { return len(lk.list.Accounts) }

// All iterates over the accounts in address order with their positions,
// aliasing the list.
func (lk *Lookup) All() iter.Seq2[int, *AccountAccess] {
	return func(yield func(int, *AccountAccess) bool) {
		for i := range lk.list.Accounts {
			if !yield(i, &lk.list.Accounts[i]) {
				return
			}
		}
	}
}

// AccessAt returns the list's entry at position i, aliasing the list.
func (lk *Lookup) AccessAt(i int) *AccountAccess { return &lk.list.Accounts[i] }

// AddressAt returns the address of the account at position i.
func (lk *Lookup) AddressAt(i int) types.Address { return lk.list.Accounts[i].Address }

// Find returns the position of addr in the list and whether it is there.
func (lk *Lookup) Find(addr types.Address) (int, bool) {
	k := keyOf(&addr)
	top := k.hi >> (64 - lk.bucketBits) // 0 for an empty list: b is 0, and a shift by 64 is 0 in Go
	return lk.search(k, int(lk.buckets[top]), int(lk.buckets[top+1]))
}

// search is a binary search for k among keys[lo:hi], which holds every key
// that can equal it: its position, or where it would go, and whether it is
// there.
func (lk *Lookup) search(k addrKey, lo, hi int) (int, bool) {
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if lk.keys[m].less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(lk.keys) && lk.keys[lo] == k
}

// Account returns addr's balance, nonce and code as of index k (the latest
// change of each with an index below k).
func (lk *Lookup) Account(addr types.Address, k uint32) AccountState {
	i, ok := lk.Find(addr)
	if !ok {
		return AccountState{}
	}
	return lk.AccountAt(i, k)
}

// AccountAt is [Lookup.Account] for the account at position i.
func (lk *Lookup) AccountAt(i int, k uint32) AccountState {
	a := &lk.list.Accounts[i]
	var s AccountState
	if j := latestBalance(a.BalanceChanges, k); j >= 0 {
		s.Balance, s.HasBalance = a.BalanceChanges[j].Balance, true
	}
	if j := latestNonce(a.NonceChanges, k); j >= 0 {
		s.Nonce, s.HasNonce = a.NonceChanges[j].Nonce, true
	}
	if j := latestCode(a.CodeChanges, k); j >= 0 {
		s.Code, s.CodeHash, s.HasCode = a.CodeChanges[j].Code, lk.hashes[int(lk.codeBase[i])+j], true
	}
	return s
}

// FinalAt returns the balance, nonce and code of the account at position i
// after the whole block: the last change of each, whatever its index.
func (lk *Lookup) FinalAt(i int) AccountState {
	a := &lk.list.Accounts[i]
	var s AccountState
	if n := len(a.BalanceChanges); n > 0 {
		s.Balance, s.HasBalance = a.BalanceChanges[n-1].Balance, true
	}
	if n := len(a.NonceChanges); n > 0 {
		s.Nonce, s.HasNonce = a.NonceChanges[n-1].Nonce, true
	}
	if n := len(a.CodeChanges); n > 0 {
		s.Code, s.CodeHash, s.HasCode = a.CodeChanges[n-1].Code, lk.hashes[int(lk.codeBase[i])+n-1], true
	}
	return s
}

// Code returns addr's code and code hash as of index k and whether a change
// below k exists. The code aliases the list.
func (lk *Lookup) Code(addr types.Address, k uint32) ([]byte, types.Hash, bool) {
	i, ok := lk.Find(addr)
	if !ok {
		return nil, types.Hash{}, false
	}
	c := lk.list.Accounts[i].CodeChanges
	if j := latestCode(c, k); j >= 0 {
		return c[j].Code, lk.hashes[int(lk.codeBase[i])+j], true
	}
	return nil, types.Hash{}, false
}

// Storage returns the value of addr's slot as of index k and whether a write
// below k exists. Storage reads in the list never supply values.
func (lk *Lookup) Storage(addr types.Address, slot *uint256.Int, k uint32) (uint256.Int, bool) {
	i, ok := lk.Find(addr)
	if !ok {
		return uint256.Int{}, false
	}
	return lk.StorageAt(i, slot, k)
}

// StorageWrite is [Lookup.Storage] that also reports whether the list
// writes the slot at all, at any index: val and before are what Storage
// returns, written is true when the slot has a write in the list.
func (lk *Lookup) StorageWrite(addr types.Address, slot *uint256.Int, k uint32) (val uint256.Int, before, written bool) {
	i, ok := lk.Find(addr)
	if !ok {
		return uint256.Int{}, false, false
	}
	return lk.storageAt(i, slot, k)
}

// StorageAt is [Lookup.Storage] for the account at position i.
func (lk *Lookup) StorageAt(i int, slot *uint256.Int, k uint32) (uint256.Int, bool) {
	v, before, _ := lk.storageAt(i, slot, k)
	return v, before
}

// storageAt is [Lookup.StorageWrite] for the account at position i.
func (lk *Lookup) storageAt(i int, slot *uint256.Int, k uint32) (val uint256.Int, before, written bool) {
	sc := lk.slotChanges(i, slot)
	if sc == nil {
		return uint256.Int{}, false, false
	}
	if j := latestWrite(sc.Writes, k); j >= 0 {
		return sc.Writes[j].Value, true, true
	}
	return uint256.Int{}, false, true
}

// findSlot returns the SlotChanges of slot in s, sorted by slot, or nil.
func findSlot(s []SlotChanges, slot *uint256.Int) *SlotChanges {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].Slot.Lt(slot) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s) && s[lo].Slot.Eq(slot) {
		return &s[lo]
	}
	return nil
}

// The latestX functions return the position of the last entry with an index
// below k in a slice sorted by index, or -1 if there is none. The indices
// are strictly increasing (Validate), so the entry at position p has an
// index of at least p: the answer lies below k, and it is k-1 itself when
// that entry's index is below k, which it is for an account changed at
// nearly every index that a binary search over thousands of entries would
// walk. An account changed at every index but 0 (the fee recipient's balance,
// paid by every transaction) has its entry at index k-1 at position k-2, so
// that one is looked at next. They are written out per type so that each
// compiles to a tight loop.

func latestWrite(s []StorageWrite, k uint32) int {
	hi := min(len(s), int(k))
	if hi > 0 && s[hi-1].Index < k {
		return hi - 1
	}
	if hi > 1 && s[hi-2].Index < k {
		return hi - 2
	}
	lo := 0
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].Index < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

func latestBalance(s []BalanceChange, k uint32) int {
	hi := min(len(s), int(k))
	if hi > 0 && s[hi-1].Index < k {
		return hi - 1
	}
	if hi > 1 && s[hi-2].Index < k {
		return hi - 2
	}
	lo := 0
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].Index < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

func latestNonce(s []NonceChange, k uint32) int {
	hi := min(len(s), int(k))
	if hi > 0 && s[hi-1].Index < k {
		return hi - 1
	}
	if hi > 1 && s[hi-2].Index < k {
		return hi - 2
	}
	lo := 0
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].Index < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

func latestCode(s []CodeChange, k uint32) int {
	hi := min(len(s), int(k))
	if hi > 0 && s[hi-1].Index < k {
		return hi - 1
	}
	if hi > 1 && s[hi-2].Index < k {
		return hi - 2
	}
	lo := 0
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].Index < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}
