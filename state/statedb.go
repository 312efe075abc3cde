package state

import (
	"fmt"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// ripemd is the RIPEMD-160 precompile. A touch of it survives a revert: the
// historical mainnet consensus exception that every client keeps.
var ripemd = types.Address{19: 0x03}

// slotState is one loaded storage slot of an object.
type slotState struct {
	original uint256.Int // value at the start of the transaction
	current  uint256.Int
	// recorded is the StateDB's recording epoch in which the read went into
	// the block access list fragment (0: not in this recording).
	recorded uint64
}

// object is one account as seen by the running transaction.
type object struct {
	addr types.Address

	// The account at the start of the transaction, for the block access
	// list's net-change rule.
	originExists   bool
	originNonce    uint64
	originBalance  uint256.Int
	originCodeHash types.Hash

	// exists is false for an address that was read but is not in the state
	// (or whose creation was reverted).
	exists   bool
	nonce    uint64
	balance  uint256.Int
	codeHash types.Hash
	code     []byte
	codeOK   bool       // code is loaded (or known to be empty)
	root     types.Hash // storage root at the start of the transaction
	storage  map[uint256.Int]slotState

	newContract    bool // created in this transaction (EIP-6780)
	selfDestructed bool

	// mutations counts the live journal entries that modify the account; an
	// account with mutations is finalised at the end of the transaction.
	mutations int
	sticky    bool // RIPEMD-160 touch quirk: stays in the mutation set

	// touched is the StateDB's recording epoch in which the account went
	// into the fragment (0: not in this recording). Like a slot's recorded,
	// it spares the fragment's own lookup on every later access.
	touched uint64
}

func (o *object) empty() bool {
	return o.nonce == 0 && o.balance.IsZero() && o.codeHash == types.EmptyCodeHash
}

func (o *object) dirty() bool { return o.mutations > 0 || o.sticky }

// StateDB is the journaled state of one transaction. The EVM mutates it
// through the methods of exec/evm.StateDB; every change can be undone back to
// a snapshot. Reads go through a [Reader], so the same code runs on the
// block's accumulated state (sequential execution) or on a view derived from
// a block access list (parallel execution).
//
// A StateDB is used by one goroutine at a time. It is meant to be reused:
// [StateDB.Reset] prepares it for the next transaction and keeps its
// allocations. The zero value is not usable; call [New].
//
// Reader errors do not stop execution (the EVM interface has no error
// results): the first one is kept, reads return zero values, and the caller
// must check [StateDB.Err] after the transaction.
type StateDB struct {
	reader Reader
	err    error

	objects map[types.Address]*object
	// loaded lists the objects of the map in the order they were loaded:
	// Reset and Finalise walk it instead of the map (a map's iteration
	// costs its capacity, and a transaction touches a few accounts).
	loaded []*object
	free   []*object // recycled objects
	// The most recently loaded object: most accesses in a row are to one
	// account (a contract's own storage and balance), and this skips the map.
	lastAddr types.Address
	lastObj  *object

	journal []entry
	refund  uint64
	logs    []types.Log

	accessAddrs map[types.Address]struct{}
	// warmPre are the precompiles Prepare warmed, kept apart from
	// accessAddrs (see warmPrecompile).
	warmPre     []types.Address
	warmPreZero bool // every warmPre address starts with eight zero bytes
	accessSlots map[slotKey]struct{}
	transient   map[slotKey]uint256.Int

	// Amsterdam: EIP-8246 finalisation, and the block access list fragment
	// that Prepare starts recording into (recording is on from Prepare to
	// Finalise; nil frag records nothing).
	amsterdam bool
	frag      *bal.Fragment
	recording bool
	// epoch numbers the recordings: Prepare, which starts each one (into
	// whatever fragment is set then), increments it, so an object's touched
	// or a slot's recorded mark from an earlier recording never matches.
	// Never 0 while recording.
	epoch uint64

	changes Changes
}

// New returns a StateDB reading from r.
func New(r Reader) *StateDB {
	s := &StateDB{
		objects:     make(map[types.Address]*object, 16),
		accessAddrs: make(map[types.Address]struct{}, 16),
		accessSlots: make(map[slotKey]struct{}, 16),
		transient:   make(map[slotKey]uint256.Int),
	}
	s.reader = r
	return s
}

// Reset discards all transaction state and makes s read from r.
func (s *StateDB) Reset(r Reader) {
	s.reader = r
	s.err = nil
	s.lastObj = nil
	for _, o := range s.loaded {
		delete(s.objects, o.addr)
		s.recycle(o)
	}
	clear(s.loaded)
	s.loaded = s.loaded[:0]
	clear(s.journal)
	s.journal = s.journal[:0]
	s.refund = 0
	clear(s.logs)
	s.logs = s.logs[:0]
	clear(s.accessAddrs)
	s.warmPre = nil
	clear(s.accessSlots)
	clear(s.transient)
	s.amsterdam, s.frag, s.recording = false, nil, false
}

func (s *StateDB) recycle(o *object) {
	st := o.storage
	clear(st)
	*o = object{storage: st}
	s.free = append(s.free, o)
}

func (s *StateDB) newObject(addr types.Address) *object {
	var o *object
	if n := len(s.free); n > 0 {
		o = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		o = new(object)
	}
	o.addr = addr
	return o
}

// Err returns the first error the reader returned, if any.
func (s *StateDB) Err() error { return s.err }

func (s *StateDB) setErr(err error) {
	if s.err == nil {
		s.err = err
	}
}

// load returns the object for addr, reading it on first use. The object may
// not exist (o.exists == false).
func (s *StateDB) load(addr types.Address) *object {
	o := s.lastObj
	if o == nil || s.lastAddr != addr {
		o = s.find(addr)
	}
	if s.recording && o.touched != s.epoch {
		s.frag.Touch(addr)
		o.touched = s.epoch
	}
	return o
}

// find is load without the recording: the object for addr, read on first
// use.
func (s *StateDB) find(addr types.Address) *object {
	if o, ok := s.objects[addr]; ok {
		s.lastAddr, s.lastObj = addr, o
		return o
	}
	o := s.newObject(addr)
	acct, ok, err := s.reader.Account(addr)
	if err != nil {
		s.setErr(fmt.Errorf("state: read account %s: %w", addr, err))
		ok = false
	}
	if ok {
		o.exists = true
		o.nonce = acct.Nonce
		o.balance = acct.Balance
		o.codeHash = acct.CodeHash
		o.root = acct.Root
		o.codeOK = acct.CodeHash == types.EmptyCodeHash
	} else {
		s.resetEmpty(o)
	}
	o.originExists, o.originNonce, o.originBalance, o.originCodeHash = ok, o.nonce, o.balance, o.codeHash
	s.objects[addr] = o
	s.loaded = append(s.loaded, o)
	s.lastAddr, s.lastObj = addr, o
	return o
}

// resetEmpty sets o to the fresh, empty account.
func (s *StateDB) resetEmpty(o *object) {
	o.nonce = 0
	o.balance.Clear()
	o.codeHash = types.EmptyCodeHash
	o.code = nil
	o.codeOK = true
	o.root = types.EmptyRootHash
}

// live returns the object for addr if the account exists, else nil.
func (s *StateDB) live(addr types.Address) *object {
	if o := s.load(addr); o.exists {
		return o
	}
	return nil
}

// liveOrNew returns the object for addr, creating the account if needed.
func (s *StateDB) liveOrNew(addr types.Address) *object {
	o := s.load(addr)
	if !o.exists {
		s.create(o)
	}
	return o
}

func (s *StateDB) create(o *object) {
	s.record(entry{kind: entryCreate, obj: o})
	o.exists = true
	s.resetEmpty(o)
}

// Exist reports whether addr is in the state (including accounts created or
// self-destructed in this transaction).
func (s *StateDB) Exist(addr types.Address) bool { return s.live(addr) != nil }

// Empty reports whether addr is absent or empty in the EIP-161 sense.
func (s *StateDB) Empty(addr types.Address) bool {
	o := s.live(addr)
	return o == nil || o.empty()
}

// Touch accesses addr without changing it.
func (s *StateDB) Touch(addr types.Address) { s.load(addr) }

// CreateAccount creates a fresh, empty account at addr. The EVM calls it only
// for an address that does not exist.
func (s *StateDB) CreateAccount(addr types.Address) {
	o := s.load(addr)
	if o.exists {
		// Overwriting an existing account never happens in the EVM's use;
		// keep the state consistent by journaling the reset fields.
		s.SubBalance(addr, &o.balance)
		s.SetNonce(addr, 0)
		if o.codeHash != types.EmptyCodeHash {
			s.SetCode(addr, nil)
		}
		return
	}
	s.create(o)
}

// CreateContract marks addr, which must exist, as a contract created in this
// transaction.
func (s *StateDB) CreateContract(addr types.Address) {
	o := s.liveOrNew(addr)
	if !o.newContract {
		s.record(entry{kind: entryContract, obj: o})
		o.newContract = true
	}
}

// IsNewContract reports whether addr was created in this transaction.
func (s *StateDB) IsNewContract(addr types.Address) bool {
	o := s.live(addr)
	return o != nil && o.newContract
}

// GetBalance returns the balance of addr (zero if absent).
func (s *StateDB) GetBalance(addr types.Address) uint256.Int {
	if o := s.live(addr); o != nil {
		return o.balance
	}
	return uint256.Int{}
}

// AddBalance adds amount to addr, creating the account if needed. Adding zero
// to an empty account touches it, so that EIP-161 deletes it.
func (s *StateDB) AddBalance(addr types.Address, amount *uint256.Int) {
	o := s.liveOrNew(addr)
	if amount.IsZero() {
		if o.empty() {
			s.record(entry{kind: entryTouch, obj: o})
			if addr == ripemd {
				o.sticky = true
			}
		}
		return
	}
	s.record(entry{kind: entryBalance, obj: o, prev: o.balance})
	o.balance.Add(&o.balance, amount)
}

// SubBalance subtracts amount from addr, creating the account if needed. The
// caller has checked that the balance suffices.
func (s *StateDB) SubBalance(addr types.Address, amount *uint256.Int) {
	o := s.liveOrNew(addr)
	if amount.IsZero() {
		return
	}
	s.record(entry{kind: entryBalance, obj: o, prev: o.balance})
	o.balance.Sub(&o.balance, amount)
}

// GetNonce returns the nonce of addr (zero if absent).
func (s *StateDB) GetNonce(addr types.Address) uint64 {
	if o := s.live(addr); o != nil {
		return o.nonce
	}
	return 0
}

// SetNonce sets the nonce of addr, creating the account if needed.
func (s *StateDB) SetNonce(addr types.Address, nonce uint64) {
	o := s.liveOrNew(addr)
	s.record(entry{kind: entryNonce, obj: o, n: o.nonce})
	o.nonce = nonce
}

func (s *StateDB) loadCode(o *object) []byte {
	if o.codeOK {
		return o.code
	}
	code, err := s.reader.Code(o.addr, o.codeHash)
	if err == nil && code == nil {
		err = ErrMissingCode
	}
	if err != nil {
		s.setErr(fmt.Errorf("state: read code %s of %s: %w", o.codeHash, o.addr, err))
	}
	o.code = code
	o.codeOK = true
	return code
}

// GetCode returns the code of addr. The slice is read-only.
func (s *StateDB) GetCode(addr types.Address) []byte {
	if o := s.live(addr); o != nil {
		return s.loadCode(o)
	}
	return nil
}

// GetCodeHash returns the code hash of addr: the zero hash if the account is
// absent, types.EmptyCodeHash if it has no code.
func (s *StateDB) GetCodeHash(addr types.Address) types.Hash {
	if o := s.live(addr); o != nil {
		return o.codeHash
	}
	return types.Hash{}
}

// GetCodeSize returns the length of the code of addr.
func (s *StateDB) GetCodeSize(addr types.Address) int { return len(s.GetCode(addr)) }

// SetCode sets the code of addr, creating the account if needed. It takes
// ownership of code.
func (s *StateDB) SetCode(addr types.Address, code []byte) {
	o := s.liveOrNew(addr)
	prev := s.loadCode(o)
	s.record(entry{kind: entryCode, obj: o, code: prev, hash: o.codeHash})
	if len(code) == 0 {
		o.code, o.codeHash = nil, types.EmptyCodeHash
	} else {
		o.code, o.codeHash = code, types.Keccak256One(code)
	}
}

// HasStorage reports whether addr has storage: a non-empty storage root at
// the start of the transaction, or a non-zero slot written since.
func (s *StateDB) HasStorage(addr types.Address) bool {
	o := s.live(addr)
	if o == nil {
		return false
	}
	if o.root != types.EmptyRootHash {
		return true
	}
	for _, v := range o.storage {
		if !v.current.IsZero() {
			return true
		}
	}
	return false
}

// slot returns the loaded slot of an existing object. Every storage access
// of an existing account is a read for the block access list, as in
// go-ethereum, where each goes through GetCommittedState.
func (s *StateDB) slot(o *object, key uint256.Int) slotState {
	if v, ok := o.storage[key]; ok {
		if s.recording && v.recorded != s.epoch {
			s.frag.ReadSlot(o.addr, &key)
			v.recorded = s.epoch
			o.storage[key] = v
		}
		return v
	}
	var v slotState
	if s.recording {
		s.frag.ReadSlot(o.addr, &key)
		v.recorded = s.epoch
	}
	// NB: the reader is asked even when the storage root is empty: a reader
	// over a block's accumulated writes or a block access list knows slots
	// that the root at the start of the block does not.
	val, err := s.reader.Storage(o.addr, key)
	if err != nil {
		s.setErr(fmt.Errorf("state: read storage %s slot %s: %w", o.addr, key.Hex(), err))
	}
	v.original, v.current = val, val
	if o.storage == nil {
		o.storage = make(map[uint256.Int]slotState, 8)
	}
	o.storage[key] = v
	return v
}

// GetState returns the current value of a storage slot of addr.
func (s *StateDB) GetState(addr types.Address, key uint256.Int) uint256.Int {
	if o := s.live(addr); o != nil {
		return s.slot(o, key).current
	}
	return uint256.Int{}
}

// GetStateAndCommitted returns the current value of a storage slot and its
// value at the start of the transaction.
func (s *StateDB) GetStateAndCommitted(addr types.Address, key uint256.Int) (current, original uint256.Int) {
	if o := s.live(addr); o != nil {
		v := s.slot(o, key)
		return v.current, v.original
	}
	return uint256.Int{}, uint256.Int{}
}

// SetState sets a storage slot of addr, creating the account if needed.
func (s *StateDB) SetState(addr types.Address, key, value uint256.Int) {
	o := s.liveOrNew(addr)
	v := s.slot(o, key)
	if v.current == value {
		return
	}
	s.record(entry{kind: entryStorage, obj: o, key: key, prev: v.current})
	v.current = value
	o.storage[key] = v
}

// SelfDestruct marks addr as destroyed at the end of the transaction. The EVM
// moves the balance itself.
func (s *StateDB) SelfDestruct(addr types.Address) {
	o := s.live(addr)
	if o == nil || o.selfDestructed {
		return
	}
	s.record(entry{kind: entryDestruct, obj: o})
	o.selfDestructed = true
}

// HasSelfDestructed reports whether addr was self-destructed in this
// transaction.
func (s *StateDB) HasSelfDestructed(addr types.Address) bool {
	o := s.live(addr)
	return o != nil && o.selfDestructed
}

// AddRefund adds gas to the refund counter.
func (s *StateDB) AddRefund(gas uint64) {
	s.journal = append(s.journal, entry{kind: entryRefund, n: s.refund})
	s.refund += gas
}

// SubRefund subtracts gas from the refund counter. Going below zero is an
// internal error: it is recorded and the counter is clamped at zero.
func (s *StateDB) SubRefund(gas uint64) {
	s.journal = append(s.journal, entry{kind: entryRefund, n: s.refund})
	if gas > s.refund {
		s.setErr(fmt.Errorf("%w: sub %d from %d", ErrRefundUnderflow, gas, s.refund))
		s.refund = 0
		return
	}
	s.refund -= gas
}

// GetRefund returns the refund counter.
func (s *StateDB) GetRefund() uint64 { return s.refund }

// AddLog appends a log to the transaction's logs.
func (s *StateDB) AddLog(log types.Log) {
	s.journal = append(s.journal, entry{kind: entryLog})
	s.logs = append(s.logs, log)
}

// Logs returns the logs of the transaction so far. The slice is owned by s
// and valid until the next Reset.
func (s *StateDB) Logs() []types.Log { return s.logs }
