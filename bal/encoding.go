package bal

import (
	"fmt"
	"slices"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// BlockAccessList is the canonical form of an EIP-7928 block access list: the
// accounts a block touched, sorted by address, each with its storage writes
// and reads and its balance, nonce and code changes.
//
// A list returned by [Decode] or [Builder.Build] owns its memory: its slices
// share a few backing arrays but alias neither the input bytes nor the
// builder. Treat it as immutable once a [Lookup] has been built over it.
type BlockAccessList struct {
	Accounts []AccountAccess
}

// AccountAccess is everything the block did to one address. Empty lists are
// nil after decoding and building; an account with no entries at all records
// that the address was accessed.
type AccountAccess struct {
	Address        types.Address
	StorageChanges []SlotChanges   // strictly increasing by Slot
	StorageReads   []uint256.Int   // strictly increasing, disjoint from StorageChanges
	BalanceChanges []BalanceChange // strictly increasing by Index
	NonceChanges   []NonceChange   // strictly increasing by Index
	CodeChanges    []CodeChange    // strictly increasing by Index
}

// Changed reports whether the account has a change of any kind (balance,
// nonce, code or storage) at any index: whether the block's post-state
// updates include it.
func (a *AccountAccess) Changed() bool {
	return len(a.BalanceChanges)+len(a.NonceChanges)+len(a.CodeChanges)+len(a.StorageChanges) > 0
}

// SlotChanges is the post-value of one storage slot at every block access
// index that changed it.
type SlotChanges struct {
	Slot   uint256.Int
	Writes []StorageWrite // non-empty, strictly increasing by Index
}

// StorageWrite is a slot's value after the step at block access index Index.
type StorageWrite struct {
	Index uint32
	Value uint256.Int
}

// BalanceChange is an account's balance after the step at Index.
type BalanceChange struct {
	Index   uint32
	Balance uint256.Int
}

// NonceChange is an account's nonce after the step at Index.
type NonceChange struct {
	Index uint32
	Nonce uint64
}

// CodeChange is an account's code after the step at Index. Empty code (a
// cleared EIP-7702 delegation) is a nil or empty slice.
type CodeChange struct {
	Index uint32
	Code  []byte
}

// Final returns the slot's value after the last write (zero if there is
// none, which a valid list never has).
func (s *SlotChanges) Final() uint256.Int {
	if len(s.Writes) == 0 {
		return uint256.Int{}
	}
	return s.Writes[len(s.Writes)-1].Value
}

// ---------------------------------------------------------------------------
// Encoding

// Sizes of the encodings. Every list is sized before its header is written,
// so the encoder never moves bytes it has already written.

func writeSize(w *StorageWrite) int {
	return rlp.ListSize(rlp.Uint64Size(uint64(w.Index)) + rlp.Uint256Size(&w.Value))
}

func (s *SlotChanges) contentSize() (content, writes int) {
	for i := range s.Writes {
		writes += writeSize(&s.Writes[i])
	}
	return rlp.Uint256Size(&s.Slot) + rlp.ListSize(writes), writes
}

// listSizes returns the content sizes of the five sub-lists of a.
func (a *AccountAccess) listSizes() (storage, reads, balances, nonces, codes int) {
	for i := range a.StorageChanges {
		c, _ := a.StorageChanges[i].contentSize()
		storage += rlp.ListSize(c)
	}
	for i := range a.StorageReads {
		reads += rlp.Uint256Size(&a.StorageReads[i])
	}
	for i := range a.BalanceChanges {
		c := &a.BalanceChanges[i]
		balances += rlp.ListSize(rlp.Uint64Size(uint64(c.Index)) + rlp.Uint256Size(&c.Balance))
	}
	for i := range a.NonceChanges {
		c := &a.NonceChanges[i]
		nonces += rlp.ListSize(rlp.Uint64Size(uint64(c.Index)) + rlp.Uint64Size(c.Nonce))
	}
	for i := range a.CodeChanges {
		c := &a.CodeChanges[i]
		codes += rlp.ListSize(rlp.Uint64Size(uint64(c.Index)) + rlp.BytesSize(c.Code))
	}
	return
}

func (a *AccountAccess) contentSize() int {
	s, r, b, n, c := a.listSizes()
	return 1 + types.AddressLength + rlp.ListSize(s) + rlp.ListSize(r) + rlp.ListSize(b) + rlp.ListSize(n) + rlp.ListSize(c)
}

// EncodedSize returns the length of the RLP encoding of l.
func (l *BlockAccessList) EncodedSize() int {
	return rlp.ListSize(l.contentSize())
}

func (l *BlockAccessList) contentSize() int {
	n := 0
	for i := range l.Accounts {
		n += rlp.ListSize(l.Accounts[i].contentSize())
	}
	return n
}

// AppendRLP appends the canonical RLP encoding of l to dst. It grows dst at
// most once.
func (l *BlockAccessList) AppendRLP(dst []byte) []byte {
	n := l.contentSize()
	dst = slices.Grow(dst, rlp.ListSize(n))
	dst = rlp.AppendListHeader(dst, n)
	for i := range l.Accounts {
		dst = l.Accounts[i].appendRLP(dst)
	}
	return dst
}

func (a *AccountAccess) appendRLP(dst []byte) []byte {
	s, r, b, n, c := a.listSizes()
	content := 1 + types.AddressLength + rlp.ListSize(s) + rlp.ListSize(r) + rlp.ListSize(b) + rlp.ListSize(n) + rlp.ListSize(c)
	dst = rlp.AppendListHeader(dst, content)
	dst = rlp.AppendBytes(dst, a.Address[:])

	dst = rlp.AppendListHeader(dst, s)
	for i := range a.StorageChanges {
		sc := &a.StorageChanges[i]
		c, w := sc.contentSize()
		dst = rlp.AppendListHeader(dst, c)
		dst = rlp.AppendUint256(dst, &sc.Slot)
		dst = rlp.AppendListHeader(dst, w)
		for j := range sc.Writes {
			e := &sc.Writes[j]
			dst = rlp.AppendListHeader(dst, rlp.Uint64Size(uint64(e.Index))+rlp.Uint256Size(&e.Value))
			dst = rlp.AppendUint64(dst, uint64(e.Index))
			dst = rlp.AppendUint256(dst, &e.Value)
		}
	}

	dst = rlp.AppendListHeader(dst, r)
	for i := range a.StorageReads {
		dst = rlp.AppendUint256(dst, &a.StorageReads[i])
	}

	dst = rlp.AppendListHeader(dst, b)
	for i := range a.BalanceChanges {
		e := &a.BalanceChanges[i]
		dst = rlp.AppendListHeader(dst, rlp.Uint64Size(uint64(e.Index))+rlp.Uint256Size(&e.Balance))
		dst = rlp.AppendUint64(dst, uint64(e.Index))
		dst = rlp.AppendUint256(dst, &e.Balance)
	}

	dst = rlp.AppendListHeader(dst, n)
	for i := range a.NonceChanges {
		e := &a.NonceChanges[i]
		dst = rlp.AppendListHeader(dst, rlp.Uint64Size(uint64(e.Index))+rlp.Uint64Size(e.Nonce))
		dst = rlp.AppendUint64(dst, uint64(e.Index))
		dst = rlp.AppendUint64(dst, e.Nonce)
	}

	dst = rlp.AppendListHeader(dst, c)
	for i := range a.CodeChanges {
		e := &a.CodeChanges[i]
		dst = rlp.AppendListHeader(dst, rlp.Uint64Size(uint64(e.Index))+rlp.BytesSize(e.Code))
		dst = rlp.AppendUint64(dst, uint64(e.Index))
		dst = rlp.AppendBytes(dst, e.Code)
	}
	return dst
}

// EncodeRLP returns the canonical RLP encoding of l in a new slice of exactly
// the right size.
func (l *BlockAccessList) EncodeRLP() []byte {
	return l.AppendRLP(make([]byte, 0, l.EncodedSize()))
}

// Hash returns keccak256 of the RLP encoding of l, the value committed to by
// the header's block access list hash. The empty list hashes to
// [types.EmptyListHash].
func (l *BlockAccessList) Hash() types.Hash {
	return types.Keccak256One(l.EncodeRLP())
}

// ---------------------------------------------------------------------------
// Decoding

// counts holds the number of elements of each kind in an encoding, used to
// size the decoder's backing arrays.
type counts struct {
	accounts, slots, writes, reads, balances, nonces, codes, codeBytes int
}

// measure counts the elements of an encoded list without interpreting
// integers. It is only a sizing hint: on malformed input it stops early and
// returns what it has counted, and the strict pass reports the error. Each
// counted element consumes at least one input byte, so the counts are bounded
// by len(b).
func measure(b []byte) counts {
	var c counts
	content, _, err := rlp.SplitList(b)
	if err != nil {
		return c
	}
	for len(content) > 0 {
		var acc []byte
		if acc, content, err = rlp.SplitList(content); err != nil {
			return c
		}
		c.accounts++
		if _, _, acc, err = rlp.Split(acc); err != nil { // address
			return c
		}
		var storage []byte
		if storage, acc, err = rlp.SplitList(acc); err != nil {
			return c
		}
		for len(storage) > 0 {
			var slot, writes []byte
			if slot, storage, err = rlp.SplitList(storage); err != nil {
				return c
			}
			c.slots++
			if _, _, slot, err = rlp.Split(slot); err != nil {
				return c
			}
			if writes, _, err = rlp.SplitList(slot); err != nil {
				return c
			}
			n, _ := rlp.CountValues(writes)
			c.writes += n
		}
		for _, dst := range [...]*int{&c.reads, &c.balances, &c.nonces} {
			var list []byte
			if list, acc, err = rlp.SplitList(acc); err != nil {
				return c
			}
			n, _ := rlp.CountValues(list)
			*dst += n
		}
		codes, _, err := rlp.SplitList(acc)
		if err != nil {
			return c
		}
		for len(codes) > 0 {
			var change []byte
			if change, codes, err = rlp.SplitList(codes); err != nil {
				return c
			}
			c.codes++
			if _, _, change, err = rlp.Split(change); err != nil {
				return c
			}
			code, _, err := rlp.SplitString(change)
			if err != nil {
				return c
			}
			c.codeBytes += len(code)
		}
	}
	return c
}

// decoder holds the backing arrays that a decoded list's slices are carved
// from. Each array is allocated once at its measured size; should the
// measurement ever fall short, append reallocates and the slices carved
// earlier keep pointing at the old, still valid, array.
type decoder struct {
	accounts []AccountAccess
	slots    []SlotChanges
	writes   []StorageWrite
	reads    []uint256.Int
	balances []BalanceChange
	nonces   []NonceChange
	codes    []CodeChange
	code     []byte
}

// carve returns the elements appended to s since it had length start, as a
// slice whose capacity ends at its length, or nil if there are none.
func carve[T any](s []T, start int) []T {
	if len(s) == start {
		return nil
	}
	return s[start:len(s):len(s)]
}

func alloc[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// Decode parses the RLP encoding of a block access list. It is strict: it
// accepts exactly the layout of EIP-7928 with canonical RLP throughout, and
// anything it accepts re-encodes byte for byte. It checks the layout only;
// call [BlockAccessList.Validate] for the ordering and size rules.
//
// Failures wrap [ErrMalformed] and the rlp sentinel that describes them. The
// result does not alias b. Every element it allocates for consumes at least
// one input byte, so memory use is bounded by a small constant times len(b)
// (at most 40 bytes of backing array per input byte).
func Decode(b []byte) (*BlockAccessList, error) {
	c := measure(b)
	d := decoder{
		accounts: alloc[AccountAccess](c.accounts),
		slots:    alloc[SlotChanges](c.slots),
		writes:   alloc[StorageWrite](c.writes),
		reads:    alloc[uint256.Int](c.reads),
		balances: alloc[BalanceChange](c.balances),
		nonces:   alloc[NonceChange](c.nonces),
		codes:    alloc[CodeChange](c.codes),
		code:     alloc[byte](c.codeBytes),
	}
	top := rlp.NewListReader(b)
	for top.More() {
		ar := top.List()
		if err := d.account(&ar); err != nil {
			return nil, fmt.Errorf("%w: account %d: %w", ErrMalformed, len(d.accounts)-1, err)
		}
	}
	if err := top.End(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return &BlockAccessList{Accounts: carve(d.accounts, 0)}, nil
}

// fieldError names the field of an account in which decoding failed.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func inField(field string, err error) error {
	if err == nil {
		return nil
	}
	return &fieldError{field, err}
}

// account decodes one AccountAccess from the reader over its list.
func (d *decoder) account(r *rlp.Reader) error {
	d.accounts = append(d.accounts, AccountAccess{})
	a := &d.accounts[len(d.accounts)-1]
	r.FixedBytes(a.Address[:])
	if err := r.Err(); err != nil {
		return inField("address", err)
	}

	start := len(d.slots)
	sr := r.List()
	for sr.More() {
		s := sr.List()
		if err := d.slot(&s); err != nil {
			return inField(fmt.Sprintf("storage_changes[%d]", len(d.slots)-1-start), err)
		}
	}
	if err := sr.End(); err != nil {
		return inField("storage_changes", err)
	}
	a.StorageChanges = carve(d.slots, start)

	start = len(d.reads)
	rr := r.List()
	for rr.More() {
		d.reads = append(d.reads, uint256.Int{})
		rr.Uint256(&d.reads[len(d.reads)-1])
	}
	if err := rr.End(); err != nil {
		return inField("storage_reads", err)
	}
	a.StorageReads = carve(d.reads, start)

	start = len(d.balances)
	br := r.List()
	for br.More() {
		e := br.List()
		d.balances = append(d.balances, BalanceChange{})
		c := &d.balances[len(d.balances)-1]
		c.Index = e.Uint32()
		e.Uint256(&c.Balance)
		if err := e.End(); err != nil {
			return inField("balance_changes", err)
		}
	}
	if err := br.End(); err != nil {
		return inField("balance_changes", err)
	}
	a.BalanceChanges = carve(d.balances, start)

	start = len(d.nonces)
	nr := r.List()
	for nr.More() {
		e := nr.List()
		d.nonces = append(d.nonces, NonceChange{})
		c := &d.nonces[len(d.nonces)-1]
		c.Index = e.Uint32()
		c.Nonce = e.Uint64()
		if err := e.End(); err != nil {
			return inField("nonce_changes", err)
		}
	}
	if err := nr.End(); err != nil {
		return inField("nonce_changes", err)
	}
	a.NonceChanges = carve(d.nonces, start)

	start = len(d.codes)
	cr := r.List()
	for cr.More() {
		e := cr.List()
		d.codes = append(d.codes, CodeChange{})
		c := &d.codes[len(d.codes)-1]
		c.Index = e.Uint32()
		code := e.Bytes()
		if err := e.End(); err != nil {
			return inField("code_changes", err)
		}
		off := len(d.code)
		d.code = append(d.code, code...)
		c.Code = carve(d.code, off)
	}
	if err := cr.End(); err != nil {
		return inField("code_changes", err)
	}
	a.CodeChanges = carve(d.codes, start)

	return r.End()
}

// slot decodes one SlotChanges from the reader over its list.
func (d *decoder) slot(r *rlp.Reader) error {
	d.slots = append(d.slots, SlotChanges{})
	sc := &d.slots[len(d.slots)-1]
	r.Uint256(&sc.Slot)
	start := len(d.writes)
	wr := r.List()
	for wr.More() {
		e := wr.List()
		d.writes = append(d.writes, StorageWrite{})
		w := &d.writes[len(d.writes)-1]
		w.Index = e.Uint32()
		e.Uint256(&w.Value)
		if err := e.End(); err != nil {
			return err
		}
	}
	if err := wr.End(); err != nil {
		return err
	}
	sc.Writes = carve(d.writes, start)
	return r.End()
}
