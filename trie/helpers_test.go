package trie_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// setOf returns the nodes of m as a NodeSet.
func setOf(m map[types.Hash][]byte) trie.NodeSet {
	var s trie.NodeSet
	for h, enc := range m {
		s.Append(trie.Node{Hash: h, Enc: enc})
	}
	return s
}

// kv is one key-value pair.
type kv struct{ k, v []byte }

// sortedPairs returns the pairs of m sorted by key.
func sortedPairs(m map[string][]byte) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{[]byte(k), v})
	}
	slices.SortFunc(out, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
	return out
}

// refRoot computes the root of a set of pairs straight from the Yellow
// Paper's recursive definition (appendix D, c(I, i)): the slow twin against
// which the Trie and the StackTrie are checked. It shares only the RLP
// encoder with the package.
func refRoot(m map[string][]byte) types.Hash {
	if len(m) == 0 {
		return types.EmptyRootHash
	}
	type item struct {
		key []byte // nibbles
		val []byte
	}
	items := make([]item, 0, len(m))
	for k, v := range m {
		var nib []byte
		for _, b := range []byte(k) {
			nib = append(nib, b>>4, b&15)
		}
		items = append(items, item{nib, v})
	}
	slices.SortFunc(items, func(a, b item) int { return bytes.Compare(a.key, b.key) })

	hp := func(nib []byte, leaf bool) []byte {
		flag := byte(0)
		if leaf {
			flag = 2
		}
		var out []byte
		if len(nib)%2 == 1 {
			out = append(out, (flag+1)<<4|nib[0])
			nib = nib[1:]
		} else {
			out = append(out, flag<<4)
		}
		for i := 0; i < len(nib); i += 2 {
			out = append(out, nib[i]<<4|nib[i+1])
		}
		return out
	}
	list := func(elems ...[]byte) []byte {
		var content []byte
		for _, e := range elems {
			content = append(content, e...)
		}
		return append(rlp.AppendListHeader(nil, len(content)), content...)
	}
	str := func(b []byte) []byte { return rlp.AppendBytes(nil, b) }
	embed := func(enc []byte) []byte {
		if len(enc) < 32 {
			return enc
		}
		h := types.Keccak256One(enc)
		return str(h[:])
	}
	var node func(its []item, d int) []byte
	node = func(its []item, d int) []byte {
		if len(its) == 1 {
			return list(str(hp(its[0].key[d:], true)), str(its[0].val))
		}
		// Longest common prefix of all keys (sorted: first and last).
		first, last := its[0].key, its[len(its)-1].key
		p := d
		for p < len(first) && p < len(last) && first[p] == last[p] {
			p++
		}
		if p > d {
			return list(str(hp(first[d:p], false)), embed(node(its, p)))
		}
		elems := make([][]byte, 17)
		for i := range elems {
			elems[i] = str(nil)
		}
		rest := its
		if len(rest[0].key) == d {
			elems[16] = str(rest[0].val)
			rest = rest[1:]
		}
		for len(rest) > 0 {
			nib := rest[0].key[d]
			j := 0
			for j < len(rest) && rest[j].key[d] == nib {
				j++
			}
			elems[nib] = embed(node(rest[:j], d+1))
			rest = rest[j:]
		}
		return list(elems...)
	}
	return types.Keccak256One(node(items, 0))
}

// stackRoot feeds the sorted pairs of m to a StackTrie.
func stackRoot(tb testing.TB, m map[string][]byte) types.Hash {
	tb.Helper()
	var st trie.StackTrie
	for _, p := range sortedPairs(m) {
		if err := st.Update(p.k, p.v); err != nil {
			tb.Fatalf("stack trie: %v", err)
		}
	}
	return st.Hash()
}

// scratchRoot builds a fresh Trie from m, in a random order.
func scratchRoot(tb testing.TB, m map[string][]byte, rng *rand.Rand) types.Hash {
	tb.Helper()
	pairs := sortedPairs(m)
	rng.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	tr := trie.NewEmpty()
	for _, p := range pairs {
		if err := tr.Update(p.k, p.v); err != nil {
			tb.Fatal(err)
		}
	}
	return tr.Hash()
}

// randKey returns a key over a small alphabet so that keys share prefixes
// and some keys are prefixes of others.
func randKey(rng *rand.Rand, maxLen int) []byte {
	alphabet := []byte{0x00, 0x01, 0x10, 0x11, 0xab, 0xff}
	k := make([]byte, rng.IntN(maxLen+1))
	for i := range k {
		k[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return k
}

// randValue returns a value of 1..70 bytes, so that leaves are sometimes
// inlined and sometimes hashed.
func randValue(rng *rand.Rand) []byte {
	v := make([]byte, 1+rng.IntN(70))
	for i := range v {
		v[i] = byte(rng.Uint32())
	}
	return v
}
