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

// OrderedStream computes the root OrderedRoot gives for n items, from the
// items supplied one at a time in index order 0..n-1, as a block's receipts
// become final during a parallel execution's in-order gather: the hashing
// then runs while the items arrive instead of after the last one. Item 0 is
// held back until the items 1..min(n-1, 127) are in, since its key rlp(0)
// sorts after theirs. The zero value is ready after Reset.
//
// An OrderedStream belongs to one goroutine; reuse it with Reset.
type OrderedStream struct {
	st    StackTrie
	n     int
	next  int
	first []byte // item 0's encoding, until it is inserted
	key   []byte
}

// Reset starts a stream of n items.
func (o *OrderedStream) Reset(n int) {
	o.st.OnNode = nil
	o.st.Reset()
	o.n, o.next = n, 0
	o.first = o.first[:0]
}

// Add supplies the next item's encoding; enc may be reused after Add
// returns. An empty encoding leaves the item out, as in OrderedRoot. Adding
// more than n items is a programmer error and panics.
func (o *OrderedStream) Add(enc []byte) {
	i := o.next
	if i >= o.n {
		panic("trie: OrderedStream: more items than announced")
	}
	o.next++
	if i == 0 {
		o.first = append(o.first[:0], enc...)
	} else {
		o.insert(i, enc)
	}
	if i == min(o.n-1, 0x7f) {
		o.insert(0, o.first)
	}
}

func (o *OrderedStream) insert(i int, enc []byte) {
	if len(enc) == 0 {
		return
	}
	o.key = rlp.AppendUint64(o.key[:0], uint64(i))
	if err := o.st.Update(o.key, enc); err != nil {
		// Keys arrive in increasing order and values are not empty: an error
		// here is a bug in this type.
		panic(err)
	}
}

// Root returns the root once all n items are in. Calling it earlier is a
// programmer error and panics.
func (o *OrderedStream) Root() types.Hash {
	if o.next != o.n {
		panic("trie: OrderedStream: root asked before every item was added")
	}
	if o.n == 0 {
		return types.EmptyRootHash
	}
	return o.st.Hash()
}
