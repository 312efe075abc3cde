package state

import (
	"slices"

	"github.com/balexec/balexec/types"
)

// Finalise ends the transaction. Self-destructed accounts and, under
// EIP-161, touched empty accounts are deleted; the surviving modified
// accounts are reported with their storage writes. Under Amsterdam
// (EIP-8246) a self-destructed account with a balance survives with that
// balance alone. When a block access list fragment is being recorded, the
// net changes against the start of the transaction are written into it and
// recording stops. The result is owned by s and valid until the next Reset or
// Finalise.
func (s *StateDB) Finalise() *Changes {
	c := &s.changes
	c.reset()
	for _, o := range s.loaded {
		if !o.dirty() {
			continue
		}
		if !o.exists {
			// A creation that was reverted, kept only by the RIPEMD-160 quirk:
			// nothing to apply.
			continue
		}
		u := AccountUpdate{Address: o.addr}
		switch {
		case o.selfDestructed && s.amsterdam && !o.balance.IsZero():
			// EIP-8246: the account is rebuilt empty, keeping its balance.
			// (go-ethereum rebuilds it from its state at the start of the
			// block; an account that could self-destruct had no nonce, code
			// or storage there, since it was created in this transaction.)
			u.Wiped = true
			u.Balance, u.CodeHash = o.balance, types.EmptyCodeHash
		case o.selfDestructed || o.empty():
			u.Deleted = true
		default:
			u.Nonce, u.Balance, u.CodeHash = o.nonce, o.balance, o.codeHash
			u.Code = s.loadCode(o)
			start := len(c.slots)
			for k, v := range o.storage {
				if v.current != v.original {
					c.slots = append(c.slots, SlotUpdate{Key: k, Value: v.current})
				}
			}
			slots := c.slots[start:]
			slices.SortFunc(slots, func(a, b SlotUpdate) int { return a.Key.Cmp(&b.Key) })
			u.Storage = slots
		}
		if s.recording {
			s.recordChanges(o, &u)
		}
		c.Accounts = append(c.Accounts, u)
	}
	slices.SortFunc(c.Accounts, func(a, b AccountUpdate) int { return a.Address.Compare(&b.Address) })
	clear(s.journal)
	s.journal = s.journal[:0]
	s.recording = false
	return c
}
