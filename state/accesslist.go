package state

import (
	"encoding/binary"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

type slotKey struct {
	addr types.Address
	key  uint256.Int
}

// AddressInAccessList reports whether addr is warm.
func (s *StateDB) AddressInAccessList(addr types.Address) bool {
	_, ok := s.accessAddrs[addr]
	return ok || s.warmPrecompile(&addr)
}

// warmPrecompile reports whether addr is one of the precompiles Prepare
// warmed. They stay warm for the whole transaction and are never journaled,
// so a short slice holds them instead of the map: Prepare then costs no map
// insertions for them (about twenty a transaction from Osaka on), and an
// address that does not start with eight zero bytes, as almost none of the
// others do, is rejected by one comparison.
func (s *StateDB) warmPrecompile(addr *types.Address) bool {
	if s.warmPreZero && binary.BigEndian.Uint64(addr[:8]) != 0 {
		return false
	}
	for i := range s.warmPre {
		if s.warmPre[i] == *addr {
			return true
		}
	}
	return false
}

// SlotInAccessList reports whether addr and (addr, key) are warm.
func (s *StateDB) SlotInAccessList(addr types.Address, key uint256.Int) (addressOK, slotOK bool) {
	_, addressOK = s.accessAddrs[addr]
	_, slotOK = s.accessSlots[slotKey{addr, key}]
	return addressOK || s.warmPrecompile(&addr), slotOK
}

// AddAddressToAccessList warms addr.
func (s *StateDB) AddAddressToAccessList(addr types.Address) {
	if _, ok := s.accessAddrs[addr]; ok || s.warmPrecompile(&addr) {
		return
	}
	s.accessAddrs[addr] = struct{}{}
	s.journal = append(s.journal, entry{kind: entryAccessAddr, addr: addr})
}

// AddSlotToAccessList warms addr and (addr, key).
func (s *StateDB) AddSlotToAccessList(addr types.Address, key uint256.Int) {
	s.AddAddressToAccessList(addr)
	k := slotKey{addr, key}
	if _, ok := s.accessSlots[k]; ok {
		return
	}
	s.accessSlots[k] = struct{}{}
	s.journal = append(s.journal, entry{kind: entryAccessSlot, addr: addr, key: key})
}

// GetTransientState returns a transient storage slot (EIP-1153).
func (s *StateDB) GetTransientState(addr types.Address, key uint256.Int) uint256.Int {
	return s.transient[slotKey{addr, key}]
}

// SetTransientState sets a transient storage slot (EIP-1153).
func (s *StateDB) SetTransientState(addr types.Address, key, value uint256.Int) {
	k := slotKey{addr, key}
	prev := s.transient[k]
	if prev == value {
		return
	}
	s.journal = append(s.journal, entry{kind: entryTransient, addr: addr, key: key, prev: prev})
	s.setTransient(k, value)
}

func (s *StateDB) setTransient(k slotKey, v uint256.Int) {
	if v.IsZero() {
		delete(s.transient, k)
	} else {
		s.transient[k] = v
	}
}
