package trie

import (
	"sync"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
)

// orderedState is the scratch of one OrderedRoot call. Pooled because
// OrderedRoot is called from many goroutines (one per block being checked)
// and its buffers are worth keeping.
type orderedState struct {
	st  StackTrie
	key []byte
	val []byte
}

var orderedPool = sync.Pool{New: func() any { return new(orderedState) }}

// OrderedRoot returns the root of the trie that maps rlp(i) to item i for
// i = 0..n-1: the transactions, receipts and withdrawals roots. item appends
// the encoding of item i to dst and returns it; the slice is reused for the
// next item. An item that appends nothing is left out, as an empty value is
// in a [Trie]. The items are requested in key order: 1..127, 0, 128..n-1.
func OrderedRoot(n int, item func(i int, dst []byte) []byte) types.Hash {
	if n <= 0 {
		return types.EmptyRootHash
	}
	s := orderedPool.Get().(*orderedState)
	s.st.OnNode = nil
	s.st.Reset()
	add := func(i int) {
		s.key = rlp.AppendUint64(s.key[:0], uint64(i))
		s.val = item(i, s.val[:0])
		if len(s.val) == 0 {
			return
		}
		if err := s.st.Update(s.key, s.val); err != nil {
			// Keys are generated in increasing order and values are not
			// empty: an error here is a bug in this function.
			panic(err)
		}
	}
	for i := 1; i < n && i < 0x80; i++ {
		add(i)
	}
	add(0)
	for i := 0x80; i < n; i++ {
		add(i)
	}
	root := s.st.Hash()
	orderedPool.Put(s)
	return root
}
