package trie_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// randomState returns n random accounts, some with storage (including zero
// values, which are absent slots).
func randomState(rng *rand.Rand, n int) []trie.StateAccount {
	accts := make([]trie.StateAccount, n)
	for i := range accts {
		a := &accts[i]
		for j := range a.Address {
			a.Address[j] = byte(rng.Uint32())
		}
		a.Nonce = rng.Uint64N(1000)
		a.Balance.SetUint64(rng.Uint64())
		if rng.IntN(3) == 0 {
			a.CodeHash = types.Keccak256One([]byte{byte(i)})
		} else if rng.IntN(2) == 0 {
			a.CodeHash = types.EmptyCodeHash
		} // else zero: taken as empty code
		if rng.IntN(2) == 0 {
			a.Storage = map[uint256.Int]uint256.Int{}
			for s := rng.IntN(40); s > 0; s-- {
				var k, v uint256.Int
				k.SetUint64(rng.Uint64N(100))
				if rng.IntN(5) > 0 {
					b := make([]byte, 1+rng.IntN(32))
					for j := range b {
						b[j] = byte(rng.Uint32())
					}
					v.SetBytes(b)
				}
				a.Storage[k] = v
			}
		}
	}
	return accts
}

// secureStateRoot is the slow twin of StateRoot: secure tries updated one
// account and one slot at a time.
func secureStateRoot(t *testing.T, accts []trie.StateAccount) types.Hash {
	state := trie.NewSecureEmpty()
	for i := range accts {
		a := &accts[i]
		st := trie.NewSecureEmpty()
		for k, v := range a.Storage {
			if err := st.UpdateStorage(k, v); err != nil {
				t.Fatal(err)
			}
		}
		acct := types.Account{Nonce: a.Nonce, Balance: a.Balance, Root: st.Hash(), CodeHash: a.CodeHash}
		if acct.CodeHash == (types.Hash{}) {
			acct.CodeHash = types.EmptyCodeHash
		}
		if acct.Root != trie.StorageRoot(a.Storage) {
			t.Fatalf("account %d: StorageRoot disagrees with the secure trie", i)
		}
		if err := state.UpdateAccount(a.Address, &acct); err != nil {
			t.Fatal(err)
		}
	}
	return state.Hash()
}

func TestStateRootAgainstSecureTrie(t *testing.T) {
	const seed = 31337
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, n := range []int{0, 1, 2, 3, 10, 100, 500} {
		accts := randomState(rng, n)
		got, err := trie.StateRoot(accts)
		if err != nil {
			t.Fatal(err)
		}
		if want := secureStateRoot(t, accts); got != want {
			t.Fatalf("n=%d: StateRoot %v, secure trie %v", n, got, want)
		}
	}
	if r, err := trie.StateRoot(nil); err != nil || r != types.EmptyRootHash {
		t.Fatalf("empty state: %v %v", r, err)
	}
}

func TestStateRootDuplicate(t *testing.T) {
	accts := randomState(rand.New(rand.NewPCG(1, 1)), 20)
	accts[17].Address = accts[3].Address
	if _, err := trie.StateRoot(accts); !errors.Is(err, trie.ErrDuplicateAccount) {
		t.Fatalf("err = %v, want ErrDuplicateAccount", err)
	}
}

func TestStorageRootEmpty(t *testing.T) {
	zero := map[uint256.Int]uint256.Int{*uint256.NewInt(1): {}}
	if trie.StorageRoot(nil) != types.EmptyRootHash || trie.StorageRoot(zero) != types.EmptyRootHash {
		t.Fatal("empty storage root")
	}
}
