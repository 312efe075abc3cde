package types

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
)

// Withdrawal is an EIP-4895 validator withdrawal pushed by the consensus
// layer: the RLP list [index, validatorIndex, address, amount].
type Withdrawal struct {
	Index     uint64  // monotonically increasing identifier
	Validator uint64  // validator index
	Address   Address // recipient
	Amount    uint64  // in gwei
}

func (w *Withdrawal) contentSize() int {
	return rlp.Uint64Size(w.Index) + rlp.Uint64Size(w.Validator) + 1 + AddressLength + rlp.Uint64Size(w.Amount)
}

func (w *Withdrawal) encodedSize() int { return rlp.ListSize(w.contentSize()) }

// AppendRLP appends the RLP encoding of w to dst.
func (w *Withdrawal) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, w.contentSize())
	dst = rlp.AppendUint64(dst, w.Index)
	dst = rlp.AppendUint64(dst, w.Validator)
	dst = rlp.AppendBytes(dst, w.Address[:])
	return rlp.AppendUint64(dst, w.Amount)
}

func (w *Withdrawal) decode(r *rlp.Reader) {
	w.Index = r.Uint64()
	w.Validator = r.Uint64()
	r.FixedBytes(w.Address[:])
	w.Amount = r.Uint64()
}

// DecodeWithdrawal decodes the RLP encoding of one withdrawal.
func DecodeWithdrawal(b []byte) (Withdrawal, error) {
	var w Withdrawal
	r := rlp.NewListReader(b)
	w.decode(&r)
	if err := r.End(); err != nil {
		return Withdrawal{}, fmt.Errorf("%w: withdrawal: %w", ErrMalformed, err)
	}
	return w, nil
}

// decodeWithdrawals decodes an RLP list of withdrawals. An empty list
// decodes to a non-nil empty slice, so that "present but empty" survives.
func decodeWithdrawals(raw []byte) ([]Withdrawal, error) {
	content, _, err := rlp.SplitList(raw)
	if err != nil {
		return nil, err
	}
	n, err := rlp.CountValues(content)
	if err != nil {
		return nil, err
	}
	ws := make([]Withdrawal, n)
	r := rlp.NewReader(content)
	for i := range ws {
		wr := r.List()
		ws[i].decode(&wr)
		if err := wr.End(); err != nil {
			return nil, fmt.Errorf("withdrawal %d: %w", i, err)
		}
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	return ws, nil
}

// AppendWithdrawalsRLP appends the RLP list of ws to dst.
func AppendWithdrawalsRLP(dst []byte, ws []Withdrawal) []byte {
	n := 0
	for i := range ws {
		n += ws[i].encodedSize()
	}
	dst = rlp.AppendListHeader(dst, n)
	for i := range ws {
		dst = ws[i].AppendRLP(dst)
	}
	return dst
}
