package trie_test

import (
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// ethTrieCase is one case of the ethereum/tests TrieTests files.
type ethTrieCase struct {
	In   json.RawMessage `json:"in"`
	Root string          `json:"root"`
}

// decodeTrieString decodes a key or value of the trie tests: 0x-prefixed
// strings are hex, others raw bytes.
func decodeTrieString(t *testing.T, s string) []byte {
	if strings.HasPrefix(s, "0x") {
		b, err := hex.DecodeString(s[2:])
		if err != nil {
			t.Fatalf("bad hex %q: %v", s, err)
		}
		return b
	}
	return []byte(s)
}

// ops returns the updates of a case in order (a nil value is a delete). An
// object ("any order" files) is applied in sorted key order and in reverse.
func (c *ethTrieCase) ops(t *testing.T) (ordered bool, ops []kv) {
	var pairs [][2]*string
	if err := json.Unmarshal(c.In, &pairs); err == nil {
		for _, p := range pairs {
			if p[0] == nil {
				t.Fatal("null key")
			}
			var v []byte
			if p[1] != nil {
				v = decodeTrieString(t, *p[1])
			}
			ops = append(ops, kv{decodeTrieString(t, *p[0]), v})
		}
		return true, ops
	}
	var obj map[string]*string
	if err := json.Unmarshal(c.In, &obj); err != nil {
		t.Fatalf("'in' is neither a list of pairs nor an object: %v", err)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var v []byte
		if obj[k] != nil {
			v = decodeTrieString(t, *obj[k])
		}
		ops = append(ops, kv{decodeTrieString(t, k), v})
	}
	return false, ops
}

// TestEthereumTrieTests runs every case of the ethereum/tests trie files
// (trietestnextprev.json is an iterator test and is not run). Each case is
// checked four ways: the incremental Trie (committed to a store and reopened
// halfway), a fresh Trie over the final set, the StackTrie over the sorted
// final set, and the reference definition.
func TestEthereumTrieTests(t *testing.T) {
	files := []struct {
		name   string
		secure bool
	}{
		{"trietest.json", false},
		{"trieanyorder.json", false},
		{"trietest_secureTrie.json", true},
		{"trieanyorder_secureTrie.json", true},
		{"hex_encoded_securetrie_test.json", true},
	}
	total := 0
	for _, f := range files {
		raw, err := os.ReadFile(testdata.Repo(t, filepath.Join("ethereum-tests", "TrieTests", f.name)))
		if err != nil {
			t.Fatal(err)
		}
		var cases map[string]ethTrieCase
		if err := json.Unmarshal(raw, &cases); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		for name, c := range cases {
			t.Run(f.name+"/"+name, func(t *testing.T) {
				want, err := types.HexToHash(c.Root)
				if err != nil {
					t.Fatal(err)
				}
				ordered, ops := c.ops(t)
				key := func(k []byte) []byte {
					if f.secure {
						h := types.Keccak256One(k)
						return h[:]
					}
					return k
				}
				run := func(ops []kv) {
					t.Helper()
					store := trie.NewMemStore()
					tr := trie.NewEmpty()
					final := map[string][]byte{}
					for i, op := range ops {
						if err := tr.Update(key(op.k), op.v); err != nil {
							t.Fatal(err)
						}
						if len(op.v) == 0 {
							delete(final, string(key(op.k)))
						} else {
							final[string(key(op.k))] = op.v
						}
						if i == len(ops)/2 {
							root, set := tr.Commit()
							store.Add(set)
							if tr, err = trie.New(root, store); err != nil {
								t.Fatal(err)
							}
						}
					}
					if got := tr.Hash(); got != want {
						t.Errorf("incremental trie root %v, want %v", got, want)
					}
					if got := scratchRoot(t, final, rand.New(rand.NewPCG(1, 2))); got != want {
						t.Errorf("fresh trie root %v, want %v", got, want)
					}
					if got := stackRoot(t, final); got != want {
						t.Errorf("stack trie root %v, want %v", got, want)
					}
					if got := refRoot(final); got != want {
						t.Errorf("reference root %v, want %v", got, want)
					}
				}
				run(ops)
				if !ordered {
					rev := make([]kv, len(ops))
					for i := range ops {
						rev[i] = ops[len(ops)-1-i]
					}
					run(rev)
				}
				// The secure trie API gives the same root.
				if f.secure {
					st := trie.NewSecureEmpty()
					for _, op := range ops {
						if err := st.Update(op.k, op.v); err != nil {
							t.Fatal(err)
						}
					}
					if got := st.Hash(); got != want {
						t.Errorf("secure trie root %v, want %v", got, want)
					}
				}
			})
			total++
		}
	}
	t.Logf("ran %d trie test cases", total)
	if total != 25 {
		t.Errorf("ran %d cases, want 25 (5 + 7 + 3 + 7 + 3)", total)
	}
}
