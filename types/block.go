package types

import (
	"crypto/sha256"
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
)

// Body is the content of a block besides its header: the RLP list
// [transactions, uncles, withdrawals?].
//
// Withdrawals distinguishes nil (absent: the list has two elements, as
// before Shanghai) from non-nil and empty (present: an empty third list).
type Body struct {
	Transactions []*Transaction
	Uncles       []*Header
	Withdrawals  []Withdrawal
}

// Block is a header and its body: the RLP list
// [header, transactions, uncles, withdrawals?]. Transactions appear in their
// block-body form (typed ones wrapped as byte strings). Uncles are always
// empty since the merge but still decode. As in Body, nil Withdrawals means
// the element is absent.
type Block struct {
	Header       Header
	Transactions []*Transaction
	Uncles       []*Header
	Withdrawals  []Withdrawal
}

// NewBlock returns a block of header and body. It does not copy.
func NewBlock(header *Header, body *Body) *Block {
	b := &Block{Header: *header}
	if body != nil {
		b.Transactions, b.Uncles, b.Withdrawals = body.Transactions, body.Uncles, body.Withdrawals
	}
	return b
}

// Hash returns the block hash, the hash of its header.
func (b *Block) Hash() Hash { return b.Header.Hash() }

// Body returns the block's body. It does not copy.
func (b *Block) Body() *Body {
	return &Body{Transactions: b.Transactions, Uncles: b.Uncles, Withdrawals: b.Withdrawals}
}

func bodyContentSize(txs []*Transaction, uncles []*Header, ws []Withdrawal) int {
	n := 0
	t := 0
	for _, tx := range txs {
		t += tx.EncodedSize()
	}
	n += rlp.ListSize(t)
	u := 0
	for _, h := range uncles {
		u += h.EncodedSize()
	}
	n += rlp.ListSize(u)
	if ws != nil {
		w := 0
		for i := range ws {
			w += ws[i].encodedSize()
		}
		n += rlp.ListSize(w)
	}
	return n
}

func appendBody(dst []byte, txs []*Transaction, uncles []*Header, ws []Withdrawal) []byte {
	t := 0
	for _, tx := range txs {
		t += tx.EncodedSize()
	}
	dst = rlp.AppendListHeader(dst, t)
	for _, tx := range txs {
		dst = tx.AppendRLP(dst)
	}
	u := 0
	for _, h := range uncles {
		u += h.EncodedSize()
	}
	dst = rlp.AppendListHeader(dst, u)
	for _, h := range uncles {
		dst = h.AppendRLP(dst)
	}
	if ws != nil {
		dst = AppendWithdrawalsRLP(dst, ws)
	}
	return dst
}

// EncodedSize returns the size of the RLP encoding of b.
func (b *Block) EncodedSize() int {
	return rlp.ListSize(b.Header.EncodedSize() + bodyContentSize(b.Transactions, b.Uncles, b.Withdrawals))
}

// AppendRLP appends the RLP encoding of b to dst.
func (b *Block) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, b.Header.EncodedSize()+bodyContentSize(b.Transactions, b.Uncles, b.Withdrawals))
	dst = b.Header.AppendRLP(dst)
	return appendBody(dst, b.Transactions, b.Uncles, b.Withdrawals)
}

// AppendRLP appends the RLP encoding of the body to dst.
func (bd *Body) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, bodyContentSize(bd.Transactions, bd.Uncles, bd.Withdrawals))
	return appendBody(dst, bd.Transactions, bd.Uncles, bd.Withdrawals)
}

// DecodeBlock decodes the RLP encoding of a block, strictly: whatever it
// accepts re-encodes byte for byte. Byte slices of the result (extra data,
// calldata) alias b; the caller must not modify b while the block is in use.
// The transactions are sealed (their hashes cached).
func DecodeBlock(b []byte) (*Block, error) {
	blk := new(Block)
	r := rlp.NewListReader(b)
	decodeHeaderElem(&r, &blk.Header)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("%w: block header: %w", ErrMalformed, err)
	}
	var bd Body
	if err := bd.decode(&r); err != nil {
		return nil, err
	}
	blk.Transactions, blk.Uncles, blk.Withdrawals = bd.Transactions, bd.Uncles, bd.Withdrawals
	return blk, nil
}

// DecodeBody decodes the RLP encoding of a block body. Byte slices of the
// result alias b.
func DecodeBody(b []byte) (*Body, error) {
	bd := new(Body)
	r := rlp.NewListReader(b)
	if err := bd.decode(&r); err != nil {
		return nil, err
	}
	return bd, nil
}

// decode reads transactions, uncles and the optional withdrawals from r and
// checks that nothing follows.
func (bd *Body) decode(r *rlp.Reader) error {
	content, n := listContent(r)
	if err := r.Err(); err != nil {
		return fmt.Errorf("%w: block transactions: %w", ErrMalformed, err)
	}
	if n > 0 {
		// One allocation for all transactions, one for the pointers.
		slab := make([]Transaction, n)
		bd.Transactions = make([]*Transaction, n)
		tr := rlp.NewReader(content)
		for i := range slab {
			raw := tr.Raw()
			if err := tr.Err(); err != nil {
				return fmt.Errorf("%w: block transaction %d: %w", ErrMalformed, i, err)
			}
			if err := slab[i].DecodeRLP(raw); err != nil {
				return fmt.Errorf("block transaction %d: %w", i, err)
			}
			bd.Transactions[i] = &slab[i]
		}
	}
	content, n = listContent(r)
	if err := r.Err(); err != nil {
		return fmt.Errorf("%w: block uncles: %w", ErrMalformed, err)
	}
	if n > 0 {
		slab := make([]Header, n)
		bd.Uncles = make([]*Header, n)
		ur := rlp.NewReader(content)
		for i := range slab {
			decodeHeaderElem(&ur, &slab[i])
			if err := ur.Err(); err != nil {
				return fmt.Errorf("%w: block uncle %d: %w", ErrMalformed, i, err)
			}
			bd.Uncles[i] = &slab[i]
		}
	}
	if r.More() {
		raw := r.Raw()
		ws, err := decodeWithdrawals(raw)
		if err != nil {
			return fmt.Errorf("%w: block withdrawals: %w", ErrMalformed, err)
		}
		bd.Withdrawals = ws
	}
	if err := r.End(); err != nil {
		return fmt.Errorf("%w: block: %w", ErrMalformed, err)
	}
	return nil
}

// CalcRequestsHash returns the EIP-7685 requests hash: sha256 over the
// concatenated sha256 of each request (type byte || data); requests holding
// only the type byte are skipped.
func CalcRequestsHash(requests [][]byte) Hash {
	outer := sha256.New()
	for _, req := range requests {
		if len(req) > 1 {
			s := sha256.Sum256(req)
			outer.Write(s[:])
		}
	}
	var h Hash
	outer.Sum(h[:0])
	return h
}

// EmptyRequestsHash is CalcRequestsHash of no requests: sha256 of nothing.
var EmptyRequestsHash = Hash(sha256.Sum256(nil))
