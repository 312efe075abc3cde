package trie

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// SecureTrie is a Trie whose keys are the Keccak-256 of the caller's keys, as
// the state trie (keyed by keccak(address)) and the storage tries (keyed by
// keccak of the 32-byte big-endian slot) are. It has the same contract as
// [Trie].
type SecureTrie struct {
	t    Trie
	buf  []byte     // scratch for value encodings
	kbuf []byte     // scratch copy of the caller's key
	hk   types.Hash // hashed key
}

// hashKey returns keccak(key) in s.hk. The key is copied into a scratch
// buffer first: handing the caller's slice to the hasher would force it to
// the heap.
func (s *SecureTrie) hashKey(key []byte) []byte {
	s.kbuf = append(s.kbuf[:0], key...)
	s.hk = types.Keccak256One(s.kbuf)
	return s.hk[:]
}

// NewSecureEmpty returns an empty secure trie with no store.
func NewSecureEmpty() *SecureTrie { return &SecureTrie{} }

// NewSecure opens the secure trie with the given root, as [New] does.
func NewSecure(root types.Hash, store NodeReader) (*SecureTrie, error) {
	s := &SecureTrie{}
	if err := s.t.open(root, store); err != nil {
		return nil, err
	}
	return s, nil
}

// Get appends the value stored at keccak(key) to dst; see [Trie.Get].
func (s *SecureTrie) Get(dst, key []byte) ([]byte, bool, error) {
	return s.t.Get(dst, s.hashKey(key))
}

// Update sets keccak(key) to a copy of value; an empty value deletes.
func (s *SecureTrie) Update(key, value []byte) error {
	return s.t.Update(s.hashKey(key), value)
}

// Delete removes keccak(key).
func (s *SecureTrie) Delete(key []byte) error {
	return s.t.Delete(s.hashKey(key))
}

// Unload drops decoded nodes below a nibble depth; see [Trie.Unload].
func (s *SecureTrie) Unload(depth int) { s.t.Unload(depth) }

// Trim is Trie.Trim.
func (s *SecureTrie) Trim(depth int) { s.t.Trim(depth) }

// Hash returns the root hash; see [Trie.Hash].
func (s *SecureTrie) Hash() types.Hash { return s.t.Hash() }

// Commit returns the root hash and the new nodes; see [Trie.Commit].
func (s *SecureTrie) Commit() (types.Hash, NodeSet) { return s.t.Commit() }

// GetAccount returns the account at addr in a state trie, and false when
// there is none.
func (s *SecureTrie) GetAccount(addr types.Address) (types.Account, bool, error) {
	return s.getAccountAt(addr, s.hashKey(addr[:]))
}

// getAccountAt is GetAccount with the hashed key hk = keccak(addr) given.
func (s *SecureTrie) getAccountAt(addr types.Address, hk []byte) (types.Account, bool, error) {
	var ok bool
	var err error
	s.buf, ok, err = s.t.Get(s.buf[:0], hk)
	if err != nil || !ok {
		return types.Account{}, false, err
	}
	a, err := types.DecodeAccount(s.buf)
	if err != nil {
		return types.Account{}, false, fmt.Errorf("%w: account %x: %w", ErrInvalidValue, addr, err)
	}
	return a, true, nil
}

// UpdateAccount stores acct at addr in a state trie.
func (s *SecureTrie) UpdateAccount(addr types.Address, acct *types.Account) error {
	return s.updateAccountAt(s.hashKey(addr[:]), acct)
}

// updateAccountAt is UpdateAccount with the hashed key given.
func (s *SecureTrie) updateAccountAt(hk []byte, acct *types.Account) error {
	s.buf = acct.AppendRLP(s.buf[:0])
	return s.t.Update(hk, s.buf)
}

// DeleteAccount removes the account at addr from a state trie.
func (s *SecureTrie) DeleteAccount(addr types.Address) error { return s.Delete(addr[:]) }

// GetStorage returns the value of slot in a storage trie (zero when absent).
func (s *SecureTrie) GetStorage(slot uint256.Int) (uint256.Int, error) {
	key := slot.Bytes32()
	var ok bool
	var err error
	s.buf, ok, err = s.Get(s.buf[:0], key[:])
	if err != nil || !ok {
		return uint256.Int{}, err
	}
	v, err := rlp.DecodeUint256(s.buf)
	if err != nil {
		return uint256.Int{}, fmt.Errorf("%w: slot %x: %w", ErrInvalidValue, key, err)
	}
	if v.IsZero() {
		return uint256.Int{}, fmt.Errorf("%w: slot %x holds zero", ErrInvalidValue, key)
	}
	return v, nil
}

// UpdateStorage sets slot to value in a storage trie; zero deletes the slot.
func (s *SecureTrie) UpdateStorage(slot, value uint256.Int) error {
	key := slot.Bytes32()
	if value.IsZero() {
		return s.Delete(key[:])
	}
	s.buf = rlp.AppendUint256(s.buf[:0], &value)
	return s.Update(key[:], s.buf)
}
