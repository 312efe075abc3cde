package trie_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Operation codes of the FuzzTrieOps input: each operation is a code byte, a
// key-length byte, the key bytes, and for an update a value-length byte and
// the value bytes.
const (
	opUpdate = iota
	opDelete
	opCommit // commit, add the nodes to the store and reopen lazily
	opGet
	opCount
)

var fuzzAlphabet = []byte{0x00, 0x01, 0x10, 0x12, 0x21, 0xff}

// fuzzOp appends one encoded operation (for seeds).
func fuzzOp(dst []byte, op byte, key, val []byte) []byte {
	dst = append(dst, op, byte(len(key)))
	for _, b := range key {
		dst = append(dst, byte(bytes.IndexByte(fuzzAlphabet, b)))
	}
	if op == opUpdate {
		dst = append(dst, byte(len(val)))
		dst = append(dst, val...)
	}
	return dst
}

// FuzzTrieOps applies a sequence of updates, deletes, gets and
// commit-reopens to a Trie; the root must equal a fresh Trie built from the
// final set, the StackTrie over the sorted final set and the reference
// definition.
func FuzzTrieOps(f *testing.F) {
	f.Add([]byte{})
	var seed []byte
	for _, p := range [][2]string{{"\x00\x01", "verb"}, {"\x00\x01\x10", "puppy"}, {"\x00\x01\x10\x12", "coin"}, {"\xff", "stallion"}} {
		seed = fuzzOp(seed, opUpdate, []byte(p[0]), []byte(p[1]))
	}
	f.Add(seed)
	seed = fuzzOp(seed, opCommit, nil, nil)
	seed = fuzzOp(seed, opDelete, []byte("\x00\x01\x10"), nil)
	seed = fuzzOp(seed, opGet, []byte("\x00\x01"), nil)
	seed = fuzzOp(seed, opUpdate, []byte("\x00\x01"), bytes.Repeat([]byte{7}, 40))
	f.Add(seed)
	rng := rand.New(rand.NewPCG(1, 1))
	var long []byte
	for i := 0; i < 60; i++ {
		long = fuzzOp(long, byte(rng.IntN(opCount)), []byte{fuzzAlphabet[rng.IntN(6)], fuzzAlphabet[rng.IntN(6)]}, bytes.Repeat([]byte{byte(i)}, rng.IntN(45)))
	}
	f.Add(long)

	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() (byte, bool) {
			if len(data) == 0 {
				return 0, false
			}
			b := data[0]
			data = data[1:]
			return b, true
		}
		store := trie.NewMemStore()
		tr := trie.NewEmpty()
		model := map[string][]byte{}
		for ops := 0; ops < 400; ops++ {
			op, ok := next()
			if !ok {
				break
			}
			n, _ := next()
			key := make([]byte, int(n)%7)
			for i := range key {
				b, _ := next()
				key[i] = fuzzAlphabet[int(b)%len(fuzzAlphabet)]
			}
			switch op % opCount {
			case opUpdate:
				n, _ := next()
				val := make([]byte, min(int(n)%48, len(data)))
				copy(val, data)
				data = data[len(val):]
				if err := tr.Update(key, val); err != nil {
					t.Fatal(err)
				}
				if len(val) == 0 {
					delete(model, string(key))
				} else {
					model[string(key)] = val
				}
			case opDelete:
				if err := tr.Delete(key); err != nil {
					t.Fatal(err)
				}
				delete(model, string(key))
			case opCommit:
				root, set := tr.Commit()
				store.Add(set)
				var err error
				if tr, err = trie.New(root, store); err != nil {
					t.Fatal(err)
				}
			case opGet:
				got, ok, err := tr.Get(nil, key)
				want, wok := model[string(key)]
				if err != nil || ok != wok || !bytes.Equal(got, want) {
					t.Fatalf("Get(%x) = %x %v %v, want %x %v", key, got, ok, err, want, wok)
				}
			}
		}
		want := refRoot(model)
		if got := tr.Hash(); got != want {
			t.Fatalf("incremental root %v, reference %v", got, want)
		}
		if got := scratchRoot(t, model, rand.New(rand.NewPCG(uint64(len(model)), 0))); got != want {
			t.Fatalf("scratch root %v, reference %v", got, want)
		}
		if got := stackRoot(t, model); got != want {
			t.Fatalf("stack root %v, reference %v", got, want)
		}
	})
}

// FuzzOpenNode serves arbitrary bytes as the root node: opening and using
// the trie must fail with ErrInvalidNode or ErrMissingNode or work, never
// panic; and whatever is accepted must re-encode to the same bytes (adding
// and removing an absent key gives back the same root).
func FuzzOpenNode(f *testing.F) {
	tr := trie.NewEmpty()
	for i, k := range []string{"do", "dog", "doge", "horse", "a", "ab", "abc"} {
		tr.Update([]byte(k), bytes.Repeat([]byte{byte('A' + i)}, 1+i*7))
	}
	_, set := tr.Commit()
	for _, enc := range set.All() {
		f.Add(enc, []byte("dogs"), []byte("v"))
	}
	f.Add([]byte{0xc2, 0x20, 0x01}, []byte{}, []byte{1})
	f.Fuzz(func(t *testing.T, enc, key, val []byte) {
		if len(val) == 0 {
			val = []byte{1}
		}
		h := types.Keccak256One(enc)
		store := trie.NewMemStore()
		store.Add(setOf(map[types.Hash][]byte{h: bytes.Clone(enc)}))
		tr, err := trie.New(h, store)
		if err != nil {
			if !errors.Is(err, trie.ErrInvalidNode) && !errors.Is(err, trie.ErrMissingNode) {
				t.Fatalf("New: unexpected error %v", err)
			}
			return
		}
		check := func(err error) bool {
			if err != nil && !errors.Is(err, trie.ErrMissingNode) && !errors.Is(err, trie.ErrInvalidNode) {
				t.Fatalf("unexpected error %v", err)
			}
			return err == nil
		}
		_, found, err := tr.Get(nil, key)
		if !check(err) || found {
			tr.Update(key, val)
			tr.Delete(key)
			tr.Commit()
			return
		}
		if check(tr.Update(key, val)) && check(tr.Delete(key)) {
			if got := tr.Hash(); got != h && h != types.EmptyRootHash {
				t.Fatalf("root after adding and removing an absent key: %v, want %v", got, h)
			}
		}
	})
}
