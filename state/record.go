package state

import (
	"encoding/binary"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// SetAmsterdam switches on the Amsterdam rules for the current transaction
// (after Reset): EIP-8246 finalisation of self-destructed accounts, and, when
// frag is not nil, recording of the transaction's block access list fragment
// into frag from Prepare to Finalise (EIP-7928). The fragment is not
// journaled: reverts never remove what was recorded.
func (s *StateDB) SetAmsterdam(frag *bal.Fragment) {
	s.amsterdam, s.frag, s.recording = true, frag, false
}

// RecordInto records the current transaction's block access list fragment
// into frag from Prepare to Finalise, without the other Amsterdam rules. It
// exists to measure what recording costs on pre-Amsterdam blocks.
func (s *StateDB) RecordInto(frag *bal.Fragment) {
	s.frag, s.recording = frag, false
}

// Prepare starts a transaction: it warms the sender, the destination, the
// precompiles, the coinbase (EIP-3651) and the transaction's access list
// (EIP-2929/2930), clears transient storage (EIP-1153), and starts recording
// the block access list fragment if SetAmsterdam gave one. State accesses
// before Prepare are not recorded (go-ethereum's pre-checks and gas purchase
// happen there).
func (s *StateDB) Prepare(sender, coinbase types.Address, dst *types.Address, precompiles []types.Address, list types.AccessList) {
	s.recording = s.frag != nil
	s.epoch++
	clear(s.accessAddrs)
	clear(s.accessSlots)
	clear(s.transient)
	s.accessAddrs[sender] = struct{}{}
	if dst != nil {
		s.accessAddrs[*dst] = struct{}{}
	}
	s.warmPre, s.warmPreZero = precompiles, true
	for i := range precompiles {
		if binary.BigEndian.Uint64(precompiles[i][:8]) != 0 {
			s.warmPreZero = false
		}
	}
	for i := range list {
		t := &list[i]
		s.accessAddrs[t.Address] = struct{}{}
		for _, k := range t.StorageKeys {
			var key uint256.Int
			key.SetBytes32(k[:])
			s.accessSlots[slotKey{t.Address, key}] = struct{}{}
		}
	}
	s.accessAddrs[coinbase] = struct{}{}
}

// recordChanges writes the net changes of one finalised account into the
// block access list fragment: storage writes, and balance, nonce and code
// that differ from the start of the transaction (a deleted account counts as
// zero balance, zero nonce and no code).
func (s *StateDB) recordChanges(o *object, u *AccountUpdate) {
	f := s.frag
	for i := range u.Storage {
		f.WriteSlot(o.addr, &u.Storage[i].Key, &u.Storage[i].Value)
	}
	postCode := u.CodeHash
	if u.Deleted {
		postCode = types.EmptyCodeHash
	}
	preCode := o.originCodeHash
	if !o.originExists {
		preCode = types.EmptyCodeHash
	}
	if u.Balance != o.originBalance {
		f.SetBalance(o.addr, &u.Balance)
	}
	if u.Nonce != o.originNonce {
		f.SetNonce(o.addr, u.Nonce)
	}
	if postCode != preCode {
		f.SetCode(o.addr, u.Code)
	}
}
