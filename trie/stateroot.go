package trie

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// StateAccount is one account of a whole state given to [StateRoot].
type StateAccount struct {
	Address types.Address
	Nonce   uint64
	Balance uint256.Int
	// CodeHash is keccak(code); the zero hash is taken as
	// types.EmptyCodeHash (no code).
	CodeHash types.Hash
	// Storage maps slots to values; zero values are absent slots.
	Storage map[uint256.Int]uint256.Int
}

// storageHasher computes storage roots with reusable buffers.
type storageHasher struct {
	st      StackTrie
	entries []slotEntry
	val     []byte
	key     []byte // scratch: the 32-byte slot being hashed
}

type slotEntry struct {
	key types.Hash // keccak of the 32-byte slot
	val uint256.Int
}

func (s *storageHasher) root(storage map[uint256.Int]uint256.Int) types.Hash {
	s.entries = s.entries[:0]
	for slot, v := range storage {
		if v.IsZero() {
			continue
		}
		k := slot.Bytes32()
		s.key = append(s.key[:0], k[:]...)
		s.entries = append(s.entries, slotEntry{key: types.Keccak256One(s.key), val: v})
	}
	if len(s.entries) == 0 {
		return types.EmptyRootHash
	}
	slices.SortFunc(s.entries, func(a, b slotEntry) int { return a.key.Compare(&b.key) })
	s.st.Reset()
	for i := range s.entries {
		s.val = rlp.AppendUint256(s.val[:0], &s.entries[i].val)
		if err := s.st.Update(s.entries[i].key[:], s.val); err != nil {
			// Distinct slots have distinct hashes and values are not
			// empty: an error here is a bug.
			panic(err)
		}
	}
	return s.st.Hash()
}

// StorageRoot returns the root of the storage trie holding storage (zero
// values are absent slots).
func StorageRoot(storage map[uint256.Int]uint256.Int) types.Hash {
	var s storageHasher
	return s.root(storage)
}

// StateRoot returns the state root of a whole state: the secure trie of the
// accounts, each with the root of its own storage. Storage roots of
// different accounts are computed on min(GOMAXPROCS, accounts with storage)
// goroutines, all joined before StateRoot returns. Two accounts with the
// same address are an error ([ErrDuplicateAccount]).
func StateRoot(accounts []StateAccount) (types.Hash, error) {
	roots := make([]types.Hash, len(accounts))
	var jobs []int
	for i := range accounts {
		if len(accounts[i].Storage) > 0 {
			jobs = append(jobs, i)
		} else {
			roots[i] = types.EmptyRootHash
		}
	}
	var wg sync.WaitGroup
	switch workers := min(runtime.GOMAXPROCS(0), len(jobs)); {
	case workers == 1:
		var s storageHasher
		for _, i := range jobs {
			roots[i] = s.root(accounts[i].Storage)
		}
	case workers > 1:
		var next atomic.Int64
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var s storageHasher
				for {
					j := int(next.Add(1)) - 1
					if j >= len(jobs) {
						return
					}
					i := jobs[j]
					roots[i] = s.root(accounts[i].Storage)
				}
			}()
		}
	}

	// Sort the accounts by hashed address while the storage roots are
	// being computed.
	type keyed struct {
		key types.Hash
		idx int
	}
	order := make([]keyed, len(accounts))
	for i := range accounts {
		order[i] = keyed{key: types.Keccak256One(accounts[i].Address[:]), idx: i}
	}
	slices.SortFunc(order, func(a, b keyed) int { return a.key.Compare(&b.key) })
	wg.Wait()

	if len(order) == 0 {
		return types.EmptyRootHash, nil
	}
	var (
		st  StackTrie
		buf []byte
	)
	for j, o := range order {
		if j > 0 && order[j-1].key == o.key {
			return types.Hash{}, fmt.Errorf("%w: %x", ErrDuplicateAccount, accounts[o.idx].Address)
		}
		a := &accounts[o.idx]
		acct := types.Account{Nonce: a.Nonce, Balance: a.Balance, Root: roots[o.idx], CodeHash: a.CodeHash}
		if acct.CodeHash == (types.Hash{}) {
			acct.CodeHash = types.EmptyCodeHash
		}
		buf = acct.AppendRLP(buf[:0])
		if err := st.Update(o.key[:], buf); err != nil {
			panic(err) // keys are sorted and distinct: a bug
		}
	}
	return st.Hash(), nil
}
