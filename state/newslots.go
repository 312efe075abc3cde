package state

import "github.com/balexec/balexec/types"

// NewSlots returns the number of addr's storage slots that were zero at the
// start of the transaction and are not zero now: the slots the transaction
// created (exec/evm.StateDB). Slots the transaction has not touched are not
// counted; for a contract created in the transaction that is all of its
// non-zero storage.
func (s *StateDB) NewSlots(addr types.Address) int {
	o := s.live(addr)
	if o == nil {
		return 0
	}
	n := 0
	for _, v := range o.storage {
		if !v.current.IsZero() && v.original.IsZero() {
			n++
		}
	}
	return n
}
