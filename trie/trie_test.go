package trie_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

type uint256Int = uint256.Int

func TestEmptyTrie(t *testing.T) {
	tr := trie.NewEmpty()
	if got := tr.Hash(); got != types.EmptyRootHash {
		t.Fatalf("empty root %v", got)
	}
	root, set := tr.Commit()
	if root != types.EmptyRootHash || set.Len() != 0 {
		t.Fatalf("empty commit %v, %d nodes", root, set.Len())
	}
	if _, ok, err := tr.Get(nil, []byte("x")); ok || err != nil {
		t.Fatalf("get on empty: %v %v", ok, err)
	}
	if err := tr.Delete([]byte("x")); err != nil {
		t.Fatal(err)
	}
	tr2, err := trie.New(types.EmptyRootHash, nil)
	if err != nil || tr2.Hash() != types.EmptyRootHash {
		t.Fatalf("New(empty): %v", err)
	}
	var st trie.StackTrie
	if st.Hash() != types.EmptyRootHash {
		t.Fatal("empty stack trie")
	}
}

func TestGetUpdateDelete(t *testing.T) {
	tr := trie.NewEmpty()
	val := []byte("puppy")
	if err := tr.Update([]byte("dog"), val); err != nil {
		t.Fatal(err)
	}
	val[0] = 'X' // Update copies the value
	got, ok, err := tr.Get([]byte("prefix:"), []byte("dog"))
	if err != nil || !ok || string(got) != "prefix:puppy" {
		t.Fatalf("Get = %q %v %v", got, ok, err)
	}
	got[len(got)-1] = 'X' // the result is the caller's
	if got, _, _ := tr.Get(nil, []byte("dog")); string(got) != "puppy" {
		t.Fatalf("value changed through Get result: %q", got)
	}
	for _, k := range []string{"", "d", "do", "dogs", "cat"} {
		if got, ok, err := tr.Get([]byte("keep"), []byte(k)); ok || err != nil || string(got) != "keep" {
			t.Fatalf("Get(%q) = %q %v %v", k, got, ok, err)
		}
	}
	if err := tr.Update([]byte("dog"), nil); err != nil { // empty value deletes
		t.Fatal(err)
	}
	if tr.Hash() != types.EmptyRootHash {
		t.Fatal("not empty after deleting the only key")
	}
}

// applyRandom applies n random updates and deletes to tr and to the map.
func applyRandom(t *testing.T, rng *rand.Rand, tr *trie.Trie, m map[string][]byte, n, maxKey int) {
	t.Helper()
	for i := 0; i < n; i++ {
		var k []byte
		if len(m) > 0 && rng.IntN(3) == 0 {
			// Reuse an existing key (update or delete).
			j := rng.IntN(len(m))
			for s := range m {
				if j == 0 {
					k = []byte(s)
					break
				}
				j--
			}
		} else {
			k = randKey(rng, maxKey)
		}
		if rng.IntN(3) == 0 {
			if err := tr.Delete(k); err != nil {
				t.Fatal(err)
			}
			delete(m, string(k))
		} else {
			v := randValue(rng)
			if err := tr.Update(k, v); err != nil {
				t.Fatal(err)
			}
			m[string(k)] = v
		}
	}
}

// checkContents reads every key of m from tr.
func checkContents(t *testing.T, tr *trie.Trie, m map[string][]byte) {
	t.Helper()
	for k, v := range m {
		got, ok, err := tr.Get(nil, []byte(k))
		if err != nil || !ok || !bytes.Equal(got, v) {
			t.Fatalf("Get(%x) = %x %v %v, want %x", k, got, ok, err, v)
		}
	}
}

// TestRandomAgainstScratch checks the incremental trie against a trie built
// from scratch, the stack trie and the reference definition, after random
// inserts, updates and deletes.
func TestRandomAgainstScratch(t *testing.T) {
	const seed = 20240601
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for round := 0; round < 200; round++ {
		tr := trie.NewEmpty()
		m := map[string][]byte{}
		applyRandom(t, rng, tr, m, 1+rng.IntN(120), 1+rng.IntN(6))
		want := refRoot(m)
		if got := tr.Hash(); got != want {
			t.Fatalf("round %d: incremental %v, reference %v", round, got, want)
		}
		if got := scratchRoot(t, m, rng); got != want {
			t.Fatalf("round %d: scratch %v, reference %v", round, got, want)
		}
		if got := stackRoot(t, m); got != want {
			t.Fatalf("round %d: stack %v, reference %v", round, got, want)
		}
		checkContents(t, tr, m)
		// Hashing is idempotent and keeps the trie usable.
		applyRandom(t, rng, tr, m, 10, 4)
		if got, want := tr.Hash(), refRoot(m); got != want {
			t.Fatalf("round %d: after more updates %x, want %x", round, got, want)
		}
	}
}

// TestCommitReopen opens tries at committed roots, updates them lazily from
// the store and commits again, against rebuilding from scratch.
func TestCommitReopen(t *testing.T) {
	const seed = 77
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for round := 0; round < 100; round++ {
		store := trie.NewMemStore()
		tr := trie.NewEmpty()
		m := map[string][]byte{}
		maxKey := 1 + rng.IntN(8)
		for gen := 0; gen < 5; gen++ {
			applyRandom(t, rng, tr, m, rng.IntN(80), maxKey)
			root, set := tr.Commit()
			if want := refRoot(m); root != want {
				t.Fatalf("round %d gen %d: commit root %v, want %v", round, gen, root, want)
			}
			store.Add(set)
			// A second commit without changes creates nothing.
			if root2, set2 := tr.Commit(); root2 != root || set2.Len() != 0 {
				t.Fatalf("second commit: %v, %d nodes", root2, set2.Len())
			}
			var err error
			if tr, err = trie.New(root, store); err != nil {
				t.Fatalf("round %d gen %d: reopen: %v", round, gen, err)
			}
			checkContents(t, tr, m)
			if got := tr.Hash(); got != root {
				t.Fatalf("reopened root %v, want %v", got, root)
			}
			// Reopen again so that the next generation resolves lazily.
			if tr, err = trie.New(root, store); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestCommitNodesExact checks that a commit produces exactly the nodes of
// the trie that are not inlined: the same set the stack trie reports.
func TestCommitNodesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for round := 0; round < 50; round++ {
		tr := trie.NewEmpty()
		m := map[string][]byte{}
		applyRandom(t, rng, tr, m, 1+rng.IntN(200), 1+rng.IntN(5))
		root, set := tr.Commit()
		fromStack := map[types.Hash][]byte{}
		st := &trie.StackTrie{OnNode: func(h types.Hash, enc []byte) {
			if types.Keccak256One(enc) != h {
				t.Fatalf("OnNode: hash mismatch")
			}
			fromStack[h] = bytes.Clone(enc)
		}}
		for _, p := range sortedPairs(m) {
			if err := st.Update(p.k, p.v); err != nil {
				t.Fatal(err)
			}
		}
		if st.Hash() != root {
			t.Fatal("stack root differs")
		}
		if len(m) == 0 {
			continue
		}
		if got := set.Map(); len(got) != len(fromStack) {
			t.Fatalf("round %d: commit %d nodes, stack trie %d", round, len(got), len(fromStack))
		}
		for h, enc := range set.All() {
			if !bytes.Equal(fromStack[h], enc) {
				t.Fatalf("round %d: node %x differs", round, h)
			}
		}
		// A trie opened on the stack trie's nodes reads everything.
		store := trie.NewMemStore()
		store.Add(setOf(fromStack))
		tr2, err := trie.New(root, store)
		if err != nil {
			t.Fatal(err)
		}
		checkContents(t, tr2, m)
	}
}

// sparseStore is a NodeReader whose nodes can be hidden or corrupted.
type sparseStore struct {
	nodes   map[types.Hash][]byte
	hidden  map[types.Hash]bool
	corrupt map[types.Hash][]byte
	err     error // returned for hidden nodes; nil means ErrMissingNode
}

func (s *sparseStore) Node(h types.Hash) ([]byte, error) {
	if s.hidden[h] {
		if s.err != nil {
			return nil, s.err
		}
		return nil, fmt.Errorf("%w: %x", trie.ErrMissingNode, h)
	}
	if enc, ok := s.corrupt[h]; ok {
		return enc, nil
	}
	enc, ok := s.nodes[h]
	if !ok {
		return nil, fmt.Errorf("%w: %x", trie.ErrMissingNode, h)
	}
	return enc, nil
}

// TestMissingNodes hides each stored node in turn: every operation either
// succeeds or fails with ErrMissingNode, and a failed operation leaves the
// trie as it was, so it succeeds once the node is back.
func TestMissingNodes(t *testing.T) {
	const seed = 9
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	totalFailed := 0
	defer func() {
		t.Logf("%d operations failed with a missing node and succeeded on retry", totalFailed)
		if totalFailed == 0 {
			t.Error("no operation met a missing node")
		}
	}()
	for round := 0; round < 20; round++ {
		tr := trie.NewEmpty()
		m := map[string][]byte{}
		applyRandom(t, rng, tr, m, 30+rng.IntN(60), 3)
		root, set := tr.Commit()
		store := &sparseStore{nodes: set.Map(), hidden: map[types.Hash]bool{}}
		for h := range set.All() {
			if h == root {
				store.hidden[h] = true
				if _, err := trie.New(root, store); !errors.Is(err, trie.ErrMissingNode) {
					t.Fatalf("New with missing root: %v", err)
				}
				delete(store.hidden, h)
				continue
			}
			tr, err := trie.New(root, store)
			if err != nil {
				t.Fatal(err)
			}
			mm := map[string][]byte{}
			for k, v := range m {
				mm[k] = v
			}
			store.hidden[h] = true
			failed := 0
			for i := 0; i < 40; i++ {
				k := randKey(rng, 3)
				v := randValue(rng)
				op := rng.IntN(3)
				do := func() error {
					switch op {
					case 0:
						_, _, err := tr.Get(nil, k)
						return err
					case 1:
						return tr.Delete(k)
					}
					return tr.Update(k, v)
				}
				if err := do(); err != nil {
					if !errors.Is(err, trie.ErrMissingNode) {
						t.Fatalf("unexpected error %v", err)
					}
					failed++
					totalFailed++
					// Retry with the node back, then hide it again.
					delete(store.hidden, h)
					err = do()
					store.hidden[h] = true
					if err != nil {
						t.Fatalf("retry: %v", err)
					}
				}
				switch op {
				case 1:
					delete(mm, string(k))
				case 2:
					mm[string(k)] = v
				}
			}
			delete(store.hidden, h)
			if got, want := tr.Hash(), refRoot(mm); got != want {
				t.Fatalf("after %d failed operations: root %v, want %v", failed, got, want)
			}
		}
	}
}

// TestMissingNodeReaderError: a reader's own error is wrapped with
// ErrMissingNode, and the reader's error stays matchable.
func TestMissingNodeReaderError(t *testing.T) {
	tr := trie.NewEmpty()
	for i := 0; i < 50; i++ {
		tr.Update([]byte{byte(i), byte(i * 7)}, bytes.Repeat([]byte{byte(i)}, 40))
	}
	root, set := tr.Commit()
	ioErr := errors.New("disk on fire")
	store := &sparseStore{nodes: set.Map(), hidden: map[types.Hash]bool{}, err: ioErr}
	tr, err := trie.New(root, store)
	if err != nil {
		t.Fatal(err)
	}
	for h := range set.All() {
		if h != root {
			store.hidden[h] = true
		}
	}
	_, _, err = tr.Get(nil, []byte{1, 7})
	if !errors.Is(err, trie.ErrMissingNode) || !errors.Is(err, ioErr) {
		t.Fatalf("err = %v", err)
	}
	if _, err := trie.New(types.Hash{1}, nil); !errors.Is(err, trie.ErrMissingNode) {
		t.Fatalf("nil store: %v", err)
	}
}

// TestInvalidNodes: a store returning a node that does not match its hash,
// or garbage under the right hash, gives ErrInvalidNode.
func TestInvalidNodes(t *testing.T) {
	tr := trie.NewEmpty()
	for i := 0; i < 50; i++ {
		tr.Update([]byte{byte(i), byte(i * 7)}, bytes.Repeat([]byte{byte(i)}, 40))
	}
	root, set := tr.Commit()
	store := &sparseStore{nodes: set.Map(), corrupt: map[types.Hash][]byte{root: {0xc0}}}
	if _, err := trie.New(root, store); !errors.Is(err, trie.ErrInvalidNode) {
		t.Fatalf("hash mismatch: %v", err)
	}
	bad := [][]byte{
		{0xc0},                   // empty list
		{0x01},                   // not a list
		{0xc2, 0x20, 0x80},       // leaf with empty value
		{0xc2, 0x00, 0x80},       // extension with empty key
		{0xc3, 0x11, 0x81, 0x01}, // non-canonical RLP
		append([]byte{0xd1}, bytes.Repeat([]byte{0x80}, 17)...),                        // empty branch
		append([]byte{0xd1, 0xc2, 0x20, 0x01}, bytes.Repeat([]byte{0x80}, 16)...)[:18], // truncated
		{0xc4, 0x20, 0x01, 0x02, 0x03},                                                 // three elements
		{0xc2, 0x40, 0x01},                                                             // bad hex-prefix flag
		{0xc3, 0x11, 0x81, 0x99},                                                       // extension whose child is a string
	}
	for _, enc := range bad {
		h := types.Keccak256One(enc)
		s := &sparseStore{nodes: map[types.Hash][]byte{h: enc}}
		if _, err := trie.New(h, s); !errors.Is(err, trie.ErrInvalidNode) {
			t.Errorf("node %x: err = %v, want ErrInvalidNode", enc, err)
		}
	}
}

// TestSecureTrieTyped checks the account and storage accessors.
func TestSecureTrieTyped(t *testing.T) {
	st := trie.NewSecureEmpty()
	addr := types.Address{1, 2, 3}
	acct := types.NewEmptyAccount()
	acct.Nonce = 7
	acct.Balance.SetUint64(1e18)
	if err := st.UpdateAccount(addr, &acct); err != nil {
		t.Fatal(err)
	}
	got, ok, err := st.GetAccount(addr)
	if err != nil || !ok || got != acct {
		t.Fatalf("GetAccount = %+v %v %v", got, ok, err)
	}
	if _, ok, err := st.GetAccount(types.Address{9}); ok || err != nil {
		t.Fatalf("absent account: %v %v", ok, err)
	}
	if err := st.DeleteAccount(addr); err != nil || st.Hash() != types.EmptyRootHash {
		t.Fatalf("delete account: %v", err)
	}

	s := trie.NewSecureEmpty()
	var slot, val = *new(uint256Int), *new(uint256Int)
	slot.SetUint64(5)
	val.SetUint64(0x1234)
	if err := s.UpdateStorage(slot, val); err != nil {
		t.Fatal(err)
	}
	if v, err := s.GetStorage(slot); err != nil || v != val {
		t.Fatalf("GetStorage = %v %v", v, err)
	}
	// The stored value is rlp of the minimal bytes.
	k := slot.Bytes32()
	raw, _, _ := s.Get(nil, k[:])
	if !bytes.Equal(raw, []byte{0x82, 0x12, 0x34}) {
		t.Fatalf("stored %x", raw)
	}
	if s.Hash() != trie.StorageRoot(map[uint256Int]uint256Int{slot: val}) {
		t.Fatal("StorageRoot disagrees with the secure trie")
	}
	if err := s.UpdateStorage(slot, uint256Int{}); err != nil || s.Hash() != types.EmptyRootHash {
		t.Fatalf("zero did not delete: %v", err)
	}
	// A value that is not a canonical integer is an error.
	if err := s.Update(k[:], []byte{0x82, 0x00, 0x01}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetStorage(slot); !errors.Is(err, trie.ErrInvalidValue) {
		t.Fatalf("bad storage value: %v", err)
	}
	if err := s.Update(addr[:], []byte{0xc0}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetAccount(addr); !errors.Is(err, trie.ErrInvalidValue) {
		t.Fatalf("bad account value: %v", err)
	}
}

// TestParallelHash crosses the parallel hashing threshold and compares with
// the reference.
func TestParallelHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	store := trie.NewMemStore()
	tr := trie.NewSecureEmpty()
	m := map[string][]byte{}
	for round := 0; round < 4; round++ {
		for i := 0; i < 2000; i++ {
			k := binary.BigEndian.AppendUint64(nil, rng.Uint64())
			v := randValue(rng)
			if err := tr.Update(k, v); err != nil {
				t.Fatal(err)
			}
			h := types.Keccak256One(k)
			m[string(h[:])] = v
		}
		want := refRoot(m)
		if round%2 == 0 {
			if got := tr.Hash(); got != want {
				t.Fatalf("parallel hash %v, want %v", got, want)
			}
		}
		root, set := tr.Commit()
		if root != want {
			t.Fatalf("parallel commit %v, want %v", root, want)
		}
		store.Add(set)
		var err error
		if tr, err = trie.NewSecure(root, store); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNonCanonicalStoredTries: a short node referenced by hash, and an
// extension whose stored child is not a branch, are invalid.
func TestNonCanonicalStoredTries(t *testing.T) {
	list := func(elems ...[]byte) []byte {
		var c []byte
		for _, e := range elems {
			c = append(c, e...)
		}
		return append(rlp.AppendListHeader(nil, len(c)), c...)
	}
	hashRef := func(enc []byte) []byte {
		h := types.Keccak256One(enc)
		return rlp.AppendBytes(nil, h[:])
	}
	nodes := map[types.Hash][]byte{}
	put := func(enc []byte) types.Hash {
		h := types.Keccak256One(enc)
		nodes[h] = enc
		return h
	}

	// A branch whose two children are 3-byte leaves stored by hash.
	small := list([]byte{0x20}, []byte{0x01})
	put(small)
	elems := [][]byte{hashRef(small), hashRef(small)}
	for i := 2; i < 17; i++ {
		elems = append(elems, []byte{0x80})
	}
	root := put(list(elems...))
	tr, err := trie.New(root, &sparseStore{nodes: nodes})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tr.Get(nil, []byte{0x00}); !errors.Is(err, trie.ErrInvalidNode) {
		t.Fatalf("short node by hash: %v", err)
	}

	// An extension (key 1,2) whose child is a 40-byte-value leaf.
	leaf := list([]byte{0x20}, rlp.AppendBytes(nil, bytes.Repeat([]byte{7}, 40)))
	put(leaf)
	root = put(list(rlp.AppendBytes(nil, []byte{0x00, 0x12}), hashRef(leaf)))
	tr, err = trie.New(root, &sparseStore{nodes: nodes})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tr.Get(nil, []byte{0x12}); !errors.Is(err, trie.ErrInvalidNode) {
		t.Fatalf("extension over a leaf: get: %v", err)
	}
	if err := tr.Update([]byte{0x12, 0x34}, []byte{1}); !errors.Is(err, trie.ErrInvalidNode) {
		t.Fatalf("extension over a leaf: update: %v", err)
	}
	if got := tr.Hash(); got != root {
		t.Fatalf("failed update changed the root: %v", got)
	}
}

// TestVerifiedStoreSkipsRehash: a MemStore declares its nodes verified, so a
// trie trusts it (a node under a wrong hash opens); the same node served by
// a reader that does not declare it is checked and rejected.
func TestVerifiedStoreSkipsRehash(t *testing.T) {
	tr := trie.NewEmpty()
	for i := 0; i < 20; i++ {
		tr.Update([]byte{byte(i), 1}, bytes.Repeat([]byte{byte(i)}, 40))
	}
	root, set := tr.Commit()
	wrong := types.Hash{0xab}
	mem := trie.NewMemStore()
	mem.Add(set)
	mem.Add(setOf(map[types.Hash][]byte{wrong: set.Map()[root]}))
	if _, err := trie.New(wrong, mem); err != nil {
		t.Fatalf("a verified store is re-hashed: %v", err)
	}
	plain := &sparseStore{nodes: map[types.Hash][]byte{wrong: set.Map()[root]}}
	if _, err := trie.New(wrong, plain); !errors.Is(err, trie.ErrInvalidNode) {
		t.Fatalf("an unverified store is trusted: %v", err)
	}
}
