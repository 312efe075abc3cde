package cache_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// hive is the hive Amsterdam chain's head state as a trie, and the largest
// block access list of the chain by number of keys (accounts and slots),
// which is what warming costs depend on. The list's block is not the head, so some
// keys it names read as absent or zero here; the trie walks are real all
// the same.
type hive struct {
	root  types.Hash
	store *trie.MemStore
	codes *trie.CodeStore
	list  *bal.BlockAccessList
	keys  int // accounts + slots the list names
	all   []*bal.BlockAccessList
	// allKeys counts the accounts and slots of all lists, with repeats.
	allKeys int
}

var (
	hiveOnce sync.Once
	hiveData *hive
	hiveErr  error
)

func loadHive(tb testing.TB) *hive {
	tb.Helper()
	payloads := testdata.Repo(tb, "hivechain-amsterdam/newpayload.json")
	dump := testdata.Repo(tb, "hivechain-amsterdam/headstate.json")
	hiveOnce.Do(func() { hiveData, hiveErr = readHive(payloads, dump) })
	if hiveErr != nil {
		tb.Fatal(hiveErr)
	}
	return hiveData
}

func readHive(payloadsPath, dumpPath string) (*hive, error) {
	data, err := os.ReadFile(payloadsPath)
	if err != nil {
		return nil, err
	}
	var reqs []struct {
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(data, &reqs); err != nil {
		return nil, err
	}
	var (
		largest       *bal.BlockAccessList
		all           []*bal.BlockAccessList
		most, allKeys int
	)
	for _, r := range reqs {
		if r.Method != "engine_newPayloadV5" {
			continue
		}
		var p struct {
			BlockAccessList string `json:"blockAccessList"`
		}
		if err := json.Unmarshal(r.Params[0], &p); err != nil {
			return nil, err
		}
		raw, err := types.DecodeHex(p.BlockAccessList)
		if err != nil {
			return nil, err
		}
		list, err := bal.Decode(raw)
		if err != nil {
			return nil, err
		}
		keys := 0
		for _, a := range list.Accounts {
			keys += 1 + len(a.StorageChanges) + len(a.StorageReads)
		}
		if keys > most {
			largest, most = list, keys
		}
		all = append(all, list)
		allKeys += keys
	}
	h := &hive{list: largest, keys: most, all: all, allKeys: allKeys, store: trie.NewMemStore(), codes: trie.NewCodeStore()}

	f, err := os.Open(dumpPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := chainspec.ReadDump(f)
	if err != nil {
		return nil, err
	}
	alloc := d.Alloc()
	updates := make([]state.AccountUpdate, 0, len(alloc))
	for addr, g := range alloc {
		u := state.AccountUpdate{Address: addr, Nonce: g.Nonce, Balance: g.Balance, CodeHash: g.CodeHash(), Code: g.Code}
		for k, v := range g.Storage {
			u.Storage = append(u.Storage, state.SlotUpdate{Key: k, Value: v})
		}
		slices.SortFunc(u.Storage, func(a, b state.SlotUpdate) int { return a.Key.Cmp(&b.Key) })
		updates = append(updates, u)
	}
	slices.SortFunc(updates, func(a, b state.AccountUpdate) int { return a.Address.Compare(&b.Address) })
	root, nodes, err := trie.UpdateState(types.EmptyRootHash, h.store, updates)
	if err != nil {
		return nil, err
	}
	h.store.Add(nodes)
	h.codes.AddUpdates(updates)
	h.root = root
	if root != d.Root {
		return nil, &rootError{root, d.Root}
	}
	return h, nil
}

type rootError struct{ got, want types.Hash }

func (e *rootError) Error() string {
	return "hive state root " + e.got.Hex() + ", dump says " + e.want.Hex()
}

func (h *hive) reader(tb testing.TB) *trie.StateReader {
	r, err := trie.NewStateReader(h.root, h.store, h.codes)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// countReader counts backing calls.
type countReader struct {
	state.Reader
	mu    sync.Mutex
	calls int
}

func (r *countReader) inc() { r.mu.Lock(); r.calls++; r.mu.Unlock() }

func (r *countReader) Account(a types.Address) (types.Account, bool, error) {
	r.inc()
	return r.Reader.Account(a)
}

func (r *countReader) Storage(a types.Address, s uint256.Int) (uint256.Int, error) {
	r.inc()
	return r.Reader.Storage(a, s)
}

func (r *countReader) Code(a types.Address, h types.Hash) ([]byte, error) {
	r.inc()
	return r.Reader.Code(a, h)
}

// Warming the largest hive list over the trie loads each key once, and the
// cache then answers every key of the list exactly as the trie does.
func TestWarmHive(t *testing.T) {
	h := loadHive(t)
	back := &countReader{Reader: h.reader(t)}
	c := cache.New(back, cache.Options{WarmWorkers: 3})
	if err := c.Warm(context.Background(), h.list); err != nil {
		t.Fatal(err)
	}
	loads := back.calls
	direct := h.reader(t)
	w := c.NewWorker()
	codes := 0
	for _, a := range h.list.Accounts {
		got, ok, err := w.Account(a.Address)
		want, wantOK, _ := direct.Account(a.Address)
		if err != nil || ok != wantOK || got != want {
			t.Fatalf("account %s: %+v %v %v, want %+v", a.Address, got, ok, err, want)
		}
		if ok && got.CodeHash != types.EmptyCodeHash {
			codes++
			code, err := w.Code(a.Address, got.CodeHash)
			if err != nil || types.Keccak256One(code) != got.CodeHash {
				t.Fatalf("code of %s: %v", a.Address, err)
			}
		}
		slots := slices.Clone(a.StorageReads)
		for _, s := range a.StorageChanges {
			slots = append(slots, s.Slot)
		}
		for _, s := range slots {
			got, err := w.Storage(a.Address, s)
			want, _ := direct.Storage(a.Address, s)
			if err != nil || got != want {
				t.Fatalf("slot %s/%x: %v, want %v", a.Address, s.Bytes32(), got, want)
			}
		}
	}
	if st := w.Stats(); st.Misses != 0 || st.Waits != 0 {
		t.Fatalf("reads after the warm missed: %+v", st)
	}
	if back.calls != loads || loads < h.keys {
		t.Fatalf("%d loads for %d keys and %d codes", loads, h.keys, codes)
	}
	t.Logf("largest hive BAL: %d accounts, %d keys, %d codes; %d loads", len(h.list.Accounts), h.keys, codes, loads)
}

// BenchmarkWarmHive warms hive lists over a fresh trie reader and a fresh
// cache per iteration, on 1, 2 and 4 goroutines, against reading the same
// keys straight from the trie reader on one goroutine (what execution pays
// without a cache or warmer). list=largest is the one list with the most
// keys, where a new cache's first inserts (map allocations in every shard)
// dominate; list=all is the whole chain's 565 lists in block order into one
// cache, as a client importing the chain sees it (keys repeat across blocks
// and are then hits). Creating the cache is inside the timed loop:
// BenchmarkNew gives its cost alone.
func BenchmarkWarmHive(b *testing.B) {
	h := loadHive(b)
	for _, set := range []struct {
		name  string
		lists []*bal.BlockAccessList
		keys  int
	}{{"largest", []*bal.BlockAccessList{h.list}, h.keys}, {"all", h.all, h.allKeys}} {
		b.Run("list="+set.name+"/impl=direct", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := h.reader(b)
				for _, l := range set.lists {
					readAll(r, l)
				}
			}
			b.ReportMetric(float64(set.keys), "keys/op")
		})
		for _, workers := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("list=%s/impl=warm/warmers=%d", set.name, workers), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					c := cache.New(h.reader(b), cache.Options{WarmWorkers: workers})
					for _, l := range set.lists {
						if err := c.Warm(context.Background(), l); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(set.keys), "keys/op")
			})
		}
	}
}

// readAll reads every key of l from r, as Warm loads them.
func readAll(r state.Reader, l *bal.BlockAccessList) {
	for _, a := range l.Accounts {
		acct, ok, _ := r.Account(a.Address)
		if ok {
			r.Code(a.Address, acct.CodeHash)
		}
		for _, s := range a.StorageChanges {
			r.Storage(a.Address, s.Slot)
		}
		for _, s := range a.StorageReads {
			r.Storage(a.Address, s)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	h := loadHive(b)
	r := h.reader(b)
	b.ReportAllocs()
	for b.Loop() {
		cache.New(r, cache.Options{})
	}
}
