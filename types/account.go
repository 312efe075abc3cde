package types

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/holiman/uint256"
)

// Account is the consensus form of an account as stored in the state trie:
// the RLP list [nonce, balance, storageRoot, codeHash].
type Account struct {
	Nonce    uint64
	Balance  uint256.Int
	Root     Hash // storage trie root
	CodeHash Hash
}

// NewEmptyAccount returns an account with zero nonce and balance, the empty
// storage root and the empty code hash.
func NewEmptyAccount() Account {
	return Account{Root: EmptyRootHash, CodeHash: EmptyCodeHash}
}

func (a *Account) contentSize() int {
	return rlp.Uint64Size(a.Nonce) + rlp.Uint256Size(&a.Balance) + 2*(1+HashLength)
}

// AppendRLP appends the RLP encoding of a to dst.
func (a *Account) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, a.contentSize())
	dst = rlp.AppendUint64(dst, a.Nonce)
	dst = rlp.AppendUint256(dst, &a.Balance)
	dst = rlp.AppendBytes(dst, a.Root[:])
	return rlp.AppendBytes(dst, a.CodeHash[:])
}

// DecodeAccount decodes the RLP encoding of an account. It is strict: the
// input must be exactly one canonical four-element list.
func DecodeAccount(b []byte) (Account, error) {
	var a Account
	r := rlp.NewListReader(b)
	a.Nonce = r.Uint64()
	r.Uint256(&a.Balance)
	r.FixedBytes(a.Root[:])
	r.FixedBytes(a.CodeHash[:])
	if err := r.End(); err != nil {
		return Account{}, fmt.Errorf("types: decode account: %w", err)
	}
	return a, nil
}
