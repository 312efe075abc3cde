package trie

import (
	"bytes"
	"testing"

	"github.com/balexec/balexec/types"
)

// decoded counts the decoded nodes of n at or below depth.
func decoded(n node, at, depth int) int {
	c := 0
	if at >= depth {
		switch n.(type) {
		case *leafNode, *extNode, *branchNode:
			c = 1
		}
	}
	switch n := n.(type) {
	case *extNode:
		c += decoded(n.child, at+len(n.key), depth)
	case *branchNode:
		for _, k := range n.kids {
			if k != nil {
				c += decoded(k, at+1, depth)
			}
		}
	}
	return c
}

// Trim keeps below its depth exactly the paths the last commit wrote: none
// after a trie is only read, those of the keys of the last update (not of
// the one before), and nothing once a commit wrote nothing; Unload keeps
// none. The contents and the hash never change.
func TestTrim(t *testing.T) {
	const depth = 2
	key := func(i int) []byte { h := types.Keccak256One([]byte{byte(i), byte(i >> 8)}); return h[:] }
	val := func(i, gen int) []byte { return bytes.Repeat([]byte{byte(i), byte(gen)}, 1+i%40) }
	tr := NewEmpty()
	for i := range 3000 {
		tr.Update(key(i), val(i, 0))
	}
	root, set := tr.Commit()
	store := NewMemStore()
	store.Add(set)
	tr2, err := New(root, store)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		if _, _, err := tr2.Get(nil, key(i)); err != nil {
			t.Fatal(err)
		}
	}
	tr2.Trim(depth)
	if n := decoded(tr2.root, 0, depth); n != 0 {
		t.Fatalf("after reads only: %d nodes below depth %d kept", n, depth)
	}
	update := func(keys []int, gen int) {
		t.Helper()
		for _, i := range keys {
			if err := tr2.Update(key(i), val(i, gen)); err != nil {
				t.Fatal(err)
			}
		}
		_, nodes := tr2.Commit()
		store.Add(nodes)
		tr2.Trim(depth)
	}
	update([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1)
	first := decoded(tr2.root, 0, depth)
	if first < 10 {
		t.Fatalf("after writing 10 keys: %d nodes below depth %d kept, want their paths", first, depth)
	}
	update([]int{100, 200, 300}, 2)
	second := decoded(tr2.root, 0, depth)
	if second < 3 || second >= first {
		t.Fatalf("after writing 3 other keys: %d nodes kept (the 10 keys' paths: %d)", second, first)
	}
	update(nil, 3)
	if n := decoded(tr2.root, 0, depth); n != 0 {
		t.Fatalf("after a commit that wrote nothing: %d nodes kept", n)
	}
	update([]int{42}, 4)
	tr2.Unload(depth)
	if n := decoded(tr2.root, 0, depth); n != 0 {
		t.Fatalf("Unload kept %d nodes", n)
	}
	for i := range 3000 {
		gen := 0
		switch {
		case i >= 1 && i <= 10:
			gen = 1
		case i == 100 || i == 200 || i == 300:
			gen = 2
		case i == 42:
			gen = 4
		}
		if v, ok, err := tr2.Get(nil, key(i)); err != nil || !ok || !bytes.Equal(v, val(i, gen)) {
			t.Fatalf("key %d: %x %v %v", i, v, ok, err)
		}
	}
	fresh := NewEmpty()
	for i := range 3000 {
		fresh.Update(key(i), val(i, 0))
	}
	for _, i := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} {
		fresh.Update(key(i), val(i, 1))
	}
	for _, i := range []int{100, 200, 300} {
		fresh.Update(key(i), val(i, 2))
	}
	fresh.Update(key(42), val(42, 4))
	if tr2.Hash() != fresh.Hash() {
		t.Fatal("hash differs from a trie built afresh")
	}
}
