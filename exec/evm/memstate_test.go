package evm

import (
	"fmt"
	"maps"
	"slices"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// memState is a map-based journaled StateDB for tests, following
// go-ethereum v1.17.10's core/state semantics where they are observable:
// which operations create and touch accounts, EIP-161 deletion of touched
// empty accounts at the end of a transaction (with the RIPEMD160 touch
// exception), original values for EIP-2200, and what a revert undoes.
type memState struct {
	accounts  map[types.Address]*memAccount
	transient map[types.Address]map[uint256.Int]uint256.Int
	addrAL    map[types.Address]bool
	slotAL    map[types.Address]map[uint256.Int]bool
	refund    uint64
	logs      []types.Log

	journal   []func()
	dirtyAddr []dirtyMark // per journal entry: the account it mutates, if any
	dirty     map[types.Address]int
	revisions []int
}

type dirtyMark struct {
	addr types.Address
	ok   bool
}

type memAccount struct {
	nonce     uint64
	balance   uint256.Int
	code      []byte
	codeHash  types.Hash
	storage   map[uint256.Int]uint256.Int
	committed map[uint256.Int]uint256.Int // values at the start of the transaction

	selfDestructed bool
	newContract    bool
}

func (a *memAccount) empty() bool {
	return a.nonce == 0 && a.balance.IsZero() && len(a.code) == 0
}

var ripemdAddr = types.Address{19: 3}

func newMemState() *memState {
	s := &memState{accounts: make(map[types.Address]*memAccount)}
	s.resetTx()
	return s
}

func (s *memState) resetTx() {
	s.transient = make(map[types.Address]map[uint256.Int]uint256.Int)
	s.addrAL = make(map[types.Address]bool)
	s.slotAL = make(map[types.Address]map[uint256.Int]bool)
	s.refund = 0
	s.logs = nil
	s.journal = nil
	s.dirtyAddr = nil
	s.dirty = make(map[types.Address]int)
	s.revisions = nil
}

// put sets an account of the pre-state.
func (s *memState) put(addr types.Address, nonce uint64, balance uint64, code []byte, storage map[uint256.Int]uint256.Int) {
	a := &memAccount{nonce: nonce, code: code, codeHash: types.Keccak256One(code),
		storage: make(map[uint256.Int]uint256.Int), committed: make(map[uint256.Int]uint256.Int)}
	a.balance.SetUint64(balance)
	for k, v := range storage {
		if !v.IsZero() {
			a.storage[k] = v
			a.committed[k] = v
		}
	}
	s.accounts[addr] = a
}

// record journals undo; mutates names the account it changes (for EIP-161
// deletion at the end of the transaction), nil if none.
func (s *memState) record(mutates *types.Address, undo func()) {
	s.journal = append(s.journal, undo)
	m := dirtyMark{}
	if mutates != nil {
		m = dirtyMark{addr: *mutates, ok: true}
		s.dirty[m.addr]++
	}
	s.dirtyAddr = append(s.dirtyAddr, m)
}

func (s *memState) getOrNew(addr types.Address) *memAccount {
	if a := s.accounts[addr]; a != nil {
		return a
	}
	s.CreateAccount(addr)
	return s.accounts[addr]
}

func (s *memState) Exist(addr types.Address) bool { return s.accounts[addr] != nil }

func (s *memState) Empty(addr types.Address) bool {
	a := s.accounts[addr]
	return a == nil || a.empty()
}

func (s *memState) Touch(addr types.Address) {}

func (s *memState) CreateAccount(addr types.Address) {
	prev := s.accounts[addr]
	s.accounts[addr] = &memAccount{codeHash: types.EmptyCodeHash,
		storage: make(map[uint256.Int]uint256.Int), committed: make(map[uint256.Int]uint256.Int)}
	s.record(&addr, func() {
		if prev == nil {
			delete(s.accounts, addr)
		} else {
			s.accounts[addr] = prev
		}
	})
}

func (s *memState) CreateContract(addr types.Address) {
	a := s.accounts[addr]
	if !a.newContract {
		a.newContract = true
		s.record(nil, func() { a.newContract = false })
	}
}

func (s *memState) IsNewContract(addr types.Address) bool {
	a := s.accounts[addr]
	return a != nil && a.newContract
}

func (s *memState) GetBalance(addr types.Address) uint256.Int {
	if a := s.accounts[addr]; a != nil {
		return a.balance
	}
	return uint256.Int{}
}

func (s *memState) setBalance(addr types.Address, a *memAccount, v uint256.Int) {
	prev := a.balance
	a.balance = v
	s.record(&addr, func() { a.balance = prev })
}

func (s *memState) AddBalance(addr types.Address, amount *uint256.Int) {
	a := s.getOrNew(addr)
	if amount.IsZero() {
		if a.empty() {
			s.touch(addr)
		}
		return
	}
	var v uint256.Int
	v.Add(&a.balance, amount)
	s.setBalance(addr, a, v)
}

func (s *memState) touch(addr types.Address) {
	s.record(&addr, func() {})
	if addr == ripemdAddr {
		s.dirty[addr]++ // never undone
	}
}

func (s *memState) SubBalance(addr types.Address, amount *uint256.Int) {
	a := s.getOrNew(addr)
	if amount.IsZero() {
		return
	}
	var v uint256.Int
	v.Sub(&a.balance, amount)
	s.setBalance(addr, a, v)
}

func (s *memState) GetNonce(addr types.Address) uint64 {
	if a := s.accounts[addr]; a != nil {
		return a.nonce
	}
	return 0
}

func (s *memState) SetNonce(addr types.Address, nonce uint64) {
	a := s.getOrNew(addr)
	prev := a.nonce
	a.nonce = nonce
	s.record(&addr, func() { a.nonce = prev })
}

func (s *memState) GetCode(addr types.Address) []byte {
	if a := s.accounts[addr]; a != nil {
		return a.code
	}
	return nil
}

func (s *memState) GetCodeHash(addr types.Address) types.Hash {
	if a := s.accounts[addr]; a != nil {
		return a.codeHash
	}
	return types.Hash{}
}

func (s *memState) GetCodeSize(addr types.Address) int { return len(s.GetCode(addr)) }

func (s *memState) SetCode(addr types.Address, code []byte) {
	a := s.getOrNew(addr)
	prev, prevHash := a.code, a.codeHash
	a.code, a.codeHash = code, types.Keccak256One(code)
	s.record(&addr, func() { a.code, a.codeHash = prev, prevHash })
}

func (s *memState) HasStorage(addr types.Address) bool {
	a := s.accounts[addr]
	if a == nil {
		return false
	}
	for _, v := range a.storage {
		if !v.IsZero() {
			return true
		}
	}
	return false
}

func (s *memState) GetState(addr types.Address, key uint256.Int) uint256.Int {
	if a := s.accounts[addr]; a != nil {
		return a.storage[key]
	}
	return uint256.Int{}
}

func (s *memState) GetStateAndCommitted(addr types.Address, key uint256.Int) (uint256.Int, uint256.Int) {
	if a := s.accounts[addr]; a != nil {
		return a.storage[key], a.committed[key]
	}
	return uint256.Int{}, uint256.Int{}
}

func (s *memState) SetState(addr types.Address, key, value uint256.Int) {
	a := s.getOrNew(addr)
	prev := a.storage[key]
	if prev == value {
		return
	}
	a.storage[key] = value
	s.record(&addr, func() { a.storage[key] = prev })
}

func (s *memState) GetTransientState(addr types.Address, key uint256.Int) uint256.Int {
	return s.transient[addr][key]
}

func (s *memState) SetTransientState(addr types.Address, key, value uint256.Int) {
	prev := s.transient[addr][key]
	if prev == value {
		return
	}
	set := func(v uint256.Int) {
		m := s.transient[addr]
		if m == nil {
			m = make(map[uint256.Int]uint256.Int)
			s.transient[addr] = m
		}
		m[key] = v
	}
	set(value)
	s.record(nil, func() { set(prev) })
}

func (s *memState) SelfDestruct(addr types.Address) {
	a := s.accounts[addr]
	if a == nil || a.selfDestructed {
		return
	}
	a.selfDestructed = true
	s.record(&addr, func() { a.selfDestructed = false })
}

func (s *memState) HasSelfDestructed(addr types.Address) bool {
	a := s.accounts[addr]
	return a != nil && a.selfDestructed
}

func (s *memState) NewSlots(addr types.Address) int {
	a := s.accounts[addr]
	if a == nil {
		return 0
	}
	n := 0
	for k, v := range a.storage {
		if orig := a.committed[k]; !v.IsZero() && orig.IsZero() {
			n++
		}
	}
	return n
}

func (s *memState) AddressInAccessList(addr types.Address) bool { return s.addrAL[addr] }

func (s *memState) SlotInAccessList(addr types.Address, key uint256.Int) (bool, bool) {
	return s.addrAL[addr], s.slotAL[addr][key]
}

func (s *memState) AddAddressToAccessList(addr types.Address) {
	if s.addrAL[addr] {
		return
	}
	s.addrAL[addr] = true
	s.record(nil, func() { delete(s.addrAL, addr) })
}

func (s *memState) AddSlotToAccessList(addr types.Address, key uint256.Int) {
	s.AddAddressToAccessList(addr)
	m := s.slotAL[addr]
	if m == nil {
		m = make(map[uint256.Int]bool)
		s.slotAL[addr] = m
	}
	if m[key] {
		return
	}
	m[key] = true
	s.record(nil, func() { delete(m, key) })
}

func (s *memState) AddRefund(gas uint64) {
	prev := s.refund
	s.refund += gas
	s.record(nil, func() { s.refund = prev })
}

func (s *memState) SubRefund(gas uint64) {
	prev := s.refund
	if gas > s.refund {
		panic(fmt.Sprintf("refund counter below zero (gas: %d > refund: %d)", gas, s.refund))
	}
	s.refund -= gas
	s.record(nil, func() { s.refund = prev })
}

func (s *memState) GetRefund() uint64 { return s.refund }

func (s *memState) AddLog(l types.Log) {
	s.logs = append(s.logs, l)
	n := len(s.logs) - 1
	s.record(nil, func() { s.logs = s.logs[:n] })
}

func (s *memState) Snapshot() int {
	s.revisions = append(s.revisions, len(s.journal))
	return len(s.revisions) - 1
}

func (s *memState) RevertToSnapshot(id int) {
	if id < 0 || id >= len(s.revisions) {
		panic(fmt.Sprintf("memState: bad snapshot %d", id))
	}
	to := s.revisions[id]
	for i := len(s.journal) - 1; i >= to; i-- {
		s.journal[i]()
		if m := s.dirtyAddr[i]; m.ok {
			if s.dirty[m.addr]--; s.dirty[m.addr] == 0 {
				delete(s.dirty, m.addr)
			}
		}
	}
	s.journal = s.journal[:to]
	s.dirtyAddr = s.dirtyAddr[:to]
	s.revisions = s.revisions[:id]
}

// finalise ends the transaction: self-destructed accounts and touched
// empty accounts are deleted, storage becomes committed, and the
// per-transaction state is cleared.
func (s *memState) finalise() {
	for addr := range s.dirty {
		a := s.accounts[addr]
		if a == nil {
			continue
		}
		if a.selfDestructed || a.empty() {
			delete(s.accounts, addr)
		}
	}
	for _, a := range s.accounts {
		for k, v := range a.storage {
			if v.IsZero() {
				delete(a.storage, k)
			}
		}
		a.committed = maps.Clone(a.storage)
		a.newContract = false
	}
	s.resetTx()
}

// root returns the state root.
func (s *memState) root() types.Hash {
	accts := make([]trie.StateAccount, 0, len(s.accounts))
	for addr, a := range s.accounts {
		sa := trie.StateAccount{Address: addr, Nonce: a.nonce, Balance: a.balance, CodeHash: a.codeHash}
		for k, v := range a.storage {
			if !v.IsZero() {
				if sa.Storage == nil {
					sa.Storage = make(map[uint256.Int]uint256.Int)
				}
				sa.Storage[k] = v
			}
		}
		accts = append(accts, sa)
	}
	slices.SortFunc(accts, func(x, y trie.StateAccount) int { return x.Address.Compare(&y.Address) })
	r, err := trie.StateRoot(accts)
	if err != nil {
		panic(err)
	}
	return r
}

var _ StateDB = (*memState)(nil)
