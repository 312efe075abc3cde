package trie_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

func TestStackTrieErrors(t *testing.T) {
	var st trie.StackTrie
	if err := st.Update([]byte("b"), nil); !errors.Is(err, trie.ErrEmptyValue) {
		t.Fatalf("empty value: %v", err)
	}
	if err := st.Update([]byte("dog"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"dog", "do", "", "cat", "doe"} {
		if err := st.Update([]byte(k), []byte("2")); !errors.Is(err, trie.ErrKeyOrder) {
			t.Fatalf("key %q after \"dog\": %v", k, err)
		}
	}
	// The failed updates changed nothing.
	if err := st.Update([]byte("dogs"), []byte("3")); err != nil {
		t.Fatal(err)
	}
	want := refRoot(map[string][]byte{"dog": []byte("1"), "dogs": []byte("3")})
	if got := st.Hash(); got != want {
		t.Fatalf("root %v, want %v", got, want)
	}
}

// TestStackTrieRandom compares the stack trie with the reference on random
// sets with shared prefixes, keys that are prefixes of others, the empty key,
// and values on both sides of the inlining limit; the trie is reused.
func TestStackTrieRandom(t *testing.T) {
	const seed = 4242
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	var st trie.StackTrie
	for round := 0; round < 500; round++ {
		m := map[string][]byte{}
		n := rng.IntN(60)
		maxKey := 1 + rng.IntN(6)
		for i := 0; i < n; i++ {
			m[string(randKey(rng, maxKey))] = randValue(rng)
		}
		for _, p := range sortedPairs(m) {
			if err := st.Update(p.k, p.v); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := st.Hash(), refRoot(m); got != want {
			t.Fatalf("round %d (%d keys): stack %v, reference %v", round, len(m), got, want)
		}
	}
}

// TestStackTrieUpdateCopies: the stack trie keeps copies of keys and values.
func TestStackTrieUpdateCopies(t *testing.T) {
	var st trie.StackTrie
	k, v := []byte("key1"), []byte("value1")
	st.Update(k, v)
	k[3], v[5] = '0', 'X'
	st.Update([]byte("key2"), []byte("value2"))
	want := refRoot(map[string][]byte{"key1": []byte("value1"), "key2": []byte("value2")})
	if got := st.Hash(); got != want {
		t.Fatalf("root %v, want %v", got, want)
	}
}

// TestStackTrieSmallRootNode: a root shorter than 32 bytes is still reported
// (and hashed) for the store.
func TestStackTrieSmallRootNode(t *testing.T) {
	var got map[types.Hash][]byte = map[types.Hash][]byte{}
	st := &trie.StackTrie{OnNode: func(h types.Hash, enc []byte) { got[h] = bytes.Clone(enc) }}
	st.Update([]byte{1}, []byte{2})
	root := st.Hash()
	if len(got) != 1 || types.Keccak256One(got[root]) != root || len(got[root]) >= 32 {
		t.Fatalf("small root not reported: %x", got)
	}
	tr := trie.NewEmpty()
	tr.Update([]byte{1}, []byte{2})
	r2, set := tr.Commit()
	if r2 != root || !bytes.Equal(set.Map()[root], got[root]) {
		t.Fatalf("trie commit %v %x", r2, set)
	}
}

// sortedHashKeys returns n sorted 32-byte keys.
func sortedHashKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		h := types.Keccak256One(binary.BigEndian.AppendUint64(nil, uint64(i)))
		keys[i] = h[:]
	}
	slices.SortFunc(keys, bytes.Compare)
	return keys
}

// TestStackTrieUpdateAllocs: Update and Hash do not allocate once the
// buffers have grown.
func TestStackTrieUpdateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	keys := sortedHashKeys(1000)
	val := bytes.Repeat([]byte{0xab}, 70)
	var st trie.StackTrie
	run := func() {
		for _, k := range keys {
			if err := st.Update(k, val); err != nil {
				t.Fatal(err)
			}
		}
		st.Hash()
	}
	run() // grow the buffers
	if allocs := testing.AllocsPerRun(20, run); allocs != 0 {
		t.Fatalf("1000 Updates and a Hash allocate %.1f times", allocs)
	}
}
