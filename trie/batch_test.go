package trie_test

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// TestUpdateBatchMatchesUpdate applies random batches (inserts, changes,
// deletions, some emptying whole subtrees or the trie) to committed tries
// of random sizes, once with UpdateBatch and once key by key (the slow
// twin), and requires the same root; the batch's committed nodes must let
// a trie reopened from the store read every key.
func TestUpdateBatchMatchesUpdate(t *testing.T) {
	seed := uint64(3)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	key := func(i int) []byte { h := types.Keccak256One([]byte{byte(i), byte(i >> 8), byte(i >> 16)}); return h[:] }
	for round := range 60 {
		size := []int{0, 1, 2, 17, 100, 1000, 5000}[round%7]
		base := trie.NewEmpty()
		live := map[int][]byte{}
		for i := range size {
			v := bytes.Repeat([]byte{byte(i + 1)}, 1+rng.IntN(40))
			base.Update(key(i), v)
			live[i] = v
		}
		root, set := base.Commit()
		store := trie.NewMemStore()
		store.Add(set)

		var keys, vals [][]byte
		n := []int{1, 63, 64, 300, 3000}[rng.IntN(5)]
		seen := map[int]bool{}
		for range n {
			i := rng.IntN(size + size/2 + 10)
			if seen[i] {
				continue
			}
			seen[i] = true
			var v []byte
			switch {
			case round%10 == 9: // delete everything touched
			case rng.IntN(3) == 0:
			default:
				v = bytes.Repeat([]byte{byte(rng.IntN(250) + 1)}, 1+rng.IntN(40))
			}
			keys, vals = append(keys, key(i)), append(vals, v)
			if len(v) == 0 {
				delete(live, i)
			} else {
				live[i] = v
			}
		}
		if round%10 == 9 { // and the rest too, emptying the trie
			for i := range size {
				if !seen[i] {
					keys, vals = append(keys, key(i)), append(vals, nil)
					delete(live, i)
				}
			}
		}
		one, err := trie.New(root, store)
		if err != nil {
			t.Fatal(err)
		}
		for i := range keys {
			if err := one.Update(keys[i], vals[i]); err != nil {
				t.Fatal(err)
			}
		}
		batch, err := trie.New(root, store)
		if err != nil {
			t.Fatal(err)
		}
		// GetBatch reads what Get reads, and leaves the trie as it was.
		var mu sync.Mutex
		got := make([][]byte, len(keys))
		if err := batch.GetBatch(keys, func(i int, v []byte) {
			mu.Lock()
			got[i] = bytes.Clone(v)
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			want, _, err := base.Get(nil, k)
			if err != nil || !bytes.Equal(got[i], want) {
				t.Fatalf("round %d: GetBatch key %x: %x, Get %x (%v)", round, k, got[i], want, err)
			}
		}
		if batch.Hash() != root {
			t.Fatalf("round %d: GetBatch changed the root", round)
		}
		if err := batch.UpdateBatch(keys, vals); err != nil {
			t.Fatal(err)
		}
		want := one.Hash()
		newRoot, nodes := batch.Commit()
		if newRoot != want {
			t.Fatalf("round %d (size %d, %d updates): batch root %s, key by key %s", round, size, len(keys), newRoot, want)
		}
		store.Add(nodes)
		re, err := trie.New(newRoot, store)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		for i, v := range live {
			if g, ok, err := re.Get(nil, key(i)); err != nil || !ok || !bytes.Equal(g, v) {
				t.Fatalf("round %d: key %d reads %x %v %v, want %x", round, i, g, ok, err, v)
			}
		}
	}
}

// TestUnload: a committed trie unloaded below a depth keeps its hash and
// contents, and drops resolved nodes (reading everything back resolves them
// from the store again).
func TestUnload(t *testing.T) {
	tr := trie.NewEmpty()
	key := func(i int) []byte { h := types.Keccak256One([]byte{byte(i), byte(i >> 8)}); return h[:] }
	for i := range 3000 {
		tr.Update(key(i), bytes.Repeat([]byte{byte(i)}, 1+i%50))
	}
	root, set := tr.Commit()
	store := trie.NewMemStore()
	store.Add(set)
	tr2, err := trie.New(root, store)
	if err != nil {
		t.Fatal(err)
	}
	for _, depth := range []int{6, 2, 0} {
		for i := range 3000 { // resolve everything
			if _, ok, err := tr2.Get(nil, key(i)); err != nil || !ok {
				t.Fatalf("key %d: %v %v", i, ok, err)
			}
		}
		tr2.Unload(depth)
		if tr2.Hash() != root {
			t.Fatalf("depth %d: hash changed", depth)
		}
		for i := range 3000 {
			v, ok, err := tr2.Get(nil, key(i))
			if err != nil || !ok || !bytes.Equal(v, bytes.Repeat([]byte{byte(i)}, 1+i%50)) {
				t.Fatalf("depth %d key %d: %x %v %v", depth, i, v, ok, err)
			}
		}
	}
	// Dirty nodes stay: an update, an unload, then the commit still has it.
	tr2.Update(key(1), []byte{1, 2, 3})
	tr2.Unload(0)
	r, nodes := tr2.Commit()
	store.Add(nodes)
	re, err := trie.New(r, store)
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := re.Get(nil, key(1)); !bytes.Equal(v, []byte{1, 2, 3}) {
		t.Fatalf("update lost across Unload: %x", v)
	}
}
