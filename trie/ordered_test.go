package trie_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// listRootWithTrie is the slow twin of OrderedRoot: a Trie keyed by rlp(i),
// filled in index order.
func listRootWithTrie(t testing.TB, items [][]byte) types.Hash {
	tr := trie.NewEmpty()
	for i, it := range items {
		if err := tr.Update(rlp.AppendUint64(nil, uint64(i)), it); err != nil {
			t.Fatal(err)
		}
	}
	return tr.Hash()
}

func orderedRoot(items [][]byte) types.Hash {
	return trie.OrderedRoot(len(items), func(i int, dst []byte) []byte { return append(dst, items[i]...) })
}

func TestOrderedRootAgainstTrie(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 16, 17, 127, 128, 129, 130, 255, 256, 257, 1000, 70000} {
		items := make([][]byte, n)
		for i := range items {
			// Sizes around the 32-byte inlining boundary.
			items[i] = binary.BigEndian.AppendUint64(bytes.Repeat([]byte{byte(i)}, i%40), uint64(i))
		}
		if got, want := orderedRoot(items), listRootWithTrie(t, items); got != want {
			t.Fatalf("n=%d: OrderedRoot %v, trie %v", n, got, want)
		}
	}
	// An item that appends nothing is left out, as an empty value would be.
	items := [][]byte{[]byte("a"), nil, []byte("c")}
	if got, want := orderedRoot(items), listRootWithTrie(t, items); got != want {
		t.Fatalf("empty item: %v, want %v", got, want)
	}
}

// TestOrderedRootHiveChain recomputes the transactions and withdrawals roots
// of the 600 blocks of the hive Amsterdam chain and compares them with the
// headers.
func TestOrderedRootHiveChain(t *testing.T) {
	data, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/chain.rlp"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, txCount, wdCount := 0, 0, 0
	for rest := data; len(rest) > 0; blocks++ {
		content, r, err := rlp.SplitList(rest)
		if err != nil {
			t.Fatalf("block %d: %v", blocks+1, err)
		}
		rest = r
		body := rlp.NewReader(content)
		header := body.List()
		txList := body.List()
		body.Raw() // uncles
		wdList := body.List()
		if err := body.End(); err != nil {
			t.Fatalf("block %d: %v", blocks+1, err)
		}
		var txRoot, wdRoot types.Hash
		for f := 0; f < 17; f++ {
			switch f {
			case 4:
				header.FixedBytes(txRoot[:])
			case 16:
				header.FixedBytes(wdRoot[:])
			default:
				header.Raw()
			}
		}
		if err := header.Err(); err != nil {
			t.Fatalf("block %d header: %v", blocks+1, err)
		}
		var txs, wds [][]byte
		for txList.More() {
			// A legacy transaction is its RLP list; a typed one is a
			// string holding type || payload.
			if k, _ := txList.Kind(); k == rlp.List {
				txs = append(txs, txList.Raw())
			} else {
				txs = append(txs, txList.Bytes())
			}
		}
		for wdList.More() {
			wds = append(wds, wdList.Raw())
		}
		if txList.Err() != nil || wdList.Err() != nil {
			t.Fatalf("block %d body: %v %v", blocks+1, txList.Err(), wdList.Err())
		}
		if got := orderedRoot(txs); got != txRoot {
			t.Fatalf("block %d: transactions root %v, header %v", blocks+1, got, txRoot)
		}
		if got := orderedRoot(wds); got != wdRoot {
			t.Fatalf("block %d: withdrawals root %v, header %v", blocks+1, got, wdRoot)
		}
		txCount += len(txs)
		wdCount += len(wds)
	}
	t.Logf("%d blocks, %d transactions, %d withdrawals", blocks, txCount, wdCount)
	if blocks != 600 || txCount != 612 {
		t.Fatalf("read %d blocks and %d transactions, want 600 and 612", blocks, txCount)
	}
}

func TestOrderedRootAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	items := make([][]byte, 300)
	for i := range items {
		items[i] = bytes.Repeat([]byte{byte(i)}, 100)
	}
	item := func(i int, dst []byte) []byte { return append(dst, items[i]...) }
	trie.OrderedRoot(len(items), item) // warm the pool
	allocs := testing.AllocsPerRun(100, func() { trie.OrderedRoot(len(items), item) })
	t.Logf("OrderedRoot(300): %.1f allocations", allocs)
	// A sync.Pool may drop its entry at a GC; allow that one refill.
	if allocs > 1 {
		t.Errorf("OrderedRoot allocates %.1f times per call", allocs)
	}
}

// TestOrderedStream checks the streaming form against the slow twin for
// sizes around the rlp(0) reordering (127, 128) and reuse after Reset.
func TestOrderedStream(t *testing.T) {
	var o trie.OrderedStream
	for _, n := range []int{0, 1, 2, 3, 127, 128, 129, 255, 256, 1000} {
		items := make([][]byte, n)
		for i := range items {
			items[i] = binary.BigEndian.AppendUint64(bytes.Repeat([]byte{byte(i)}, i%40), uint64(i))
		}
		if n > 2 {
			items[2] = nil // left out, as in OrderedRoot
		}
		o.Reset(n)
		for _, it := range items {
			o.Add(it)
		}
		if got, want := o.Root(), listRootWithTrie(t, items); got != want {
			t.Fatalf("n=%d: stream %v, trie %v", n, got, want)
		}
	}
}
