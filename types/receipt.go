package types

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/holiman/uint256"
)

// Receipt status values (EIP-658).
const (
	ReceiptStatusFailed     = 0
	ReceiptStatusSuccessful = 1
)

// Receipt is the result of a transaction.
//
// Its consensus encoding, which the receipts trie commits to, is the RLP
// list [statusOrPostState, cumulativeGasUsed, bloom, logs], prefixed with the
// type byte for a typed transaction's receipt. The fields after Logs are
// derived by the block processor and never encoded.
type Receipt struct {
	Type              uint8
	PostState         []byte // pre-Byzantium state root (32 bytes); when empty, Status is encoded
	Status            uint64 // ReceiptStatusFailed or ReceiptStatusSuccessful
	CumulativeGasUsed uint64
	Bloom             Bloom
	Logs              []Log

	// Derived, not encoded.
	TxHash            Hash
	ContractAddress   Address
	GasUsed           uint64
	EffectiveGasPrice uint256.Int
	BlobGasUsed       uint64
	BlobGasPrice      uint256.Int
	BlockHash         Hash
	BlockNumber       uint64
	TransactionIndex  uint
}

// statusSize and appendStatus handle the first field: the post-state root,
// or 0x01 for success and the empty string for failure.
func (r *Receipt) statusSize() int {
	if len(r.PostState) != 0 {
		return rlp.BytesSize(r.PostState)
	}
	return 1
}

func (r *Receipt) appendStatus(dst []byte) []byte {
	switch {
	case len(r.PostState) != 0:
		return rlp.AppendBytes(dst, r.PostState)
	case r.Status == ReceiptStatusFailed:
		return append(dst, rlp.EmptyString)
	default:
		return append(dst, 0x01)
	}
}

func (r *Receipt) contentSize() int {
	logs := 0
	for i := range r.Logs {
		logs += r.Logs[i].encodedSize()
	}
	return r.statusSize() + rlp.Uint64Size(r.CumulativeGasUsed) + 3 + BloomLength + rlp.ListSize(logs)
}

// ConsensusSize returns the size of the consensus encoding of r.
func (r *Receipt) ConsensusSize() int {
	n := rlp.ListSize(r.contentSize())
	if r.Type != LegacyTxType {
		n++
	}
	return n
}

// AppendConsensus appends the consensus encoding of r to dst: the RLP list,
// preceded by the type byte for a typed receipt. This is the value stored in
// the receipts trie.
func (r *Receipt) AppendConsensus(dst []byte) []byte {
	if r.Type != LegacyTxType {
		dst = append(dst, r.Type)
	}
	dst = rlp.AppendListHeader(dst, r.contentSize())
	dst = r.appendStatus(dst)
	dst = rlp.AppendUint64(dst, r.CumulativeGasUsed)
	dst = rlp.AppendBytes(dst, r.Bloom[:])
	return AppendLogsRLP(dst, r.Logs)
}

// DecodeReceipt decodes the consensus encoding of a receipt. Byte slices
// (PostState, log data) alias b.
func DecodeReceipt(b []byte) (*Receipt, error) {
	r := new(Receipt)
	if err := r.DecodeConsensus(b); err != nil {
		return nil, err
	}
	return r, nil
}

// DecodeConsensus decodes the consensus encoding of a receipt into r,
// strictly: whatever it accepts re-encodes byte for byte. Only the consensus
// fields are set; the others are zeroed.
func (r *Receipt) DecodeConsensus(b []byte) error {
	*r = Receipt{}
	var err error
	switch {
	case len(b) == 0:
		err = fmt.Errorf("%w: receipt: %w", ErrMalformed, rlp.ErrUnexpectedEOF)
	case b[0] >= 0xC0:
		err = r.decodeFields(b)
	case b[0] >= 0x80:
		err = fmt.Errorf("%w: receipt: %w", ErrTxTypeNotSupported, rlp.ErrExpectedList)
	case len(b) == 1:
		err = fmt.Errorf("%w: typed receipt too short", ErrMalformed)
	case b[0] < AccessListTxType || b[0] > SetCodeTxType:
		err = fmt.Errorf("%w: receipt type %#x", ErrTxTypeNotSupported, b[0])
	default:
		r.Type = b[0]
		err = r.decodeFields(b[1:])
	}
	if err != nil {
		*r = Receipt{}
	}
	return err
}

func (r *Receipt) decodeFields(b []byte) error {
	lr := rlp.NewListReader(b)
	status := lr.Bytes()
	if lr.Err() == nil {
		switch {
		case len(status) == 0:
			r.Status = ReceiptStatusFailed
		case len(status) == 1 && status[0] == 0x01:
			r.Status = ReceiptStatusSuccessful
		case len(status) == HashLength:
			r.PostState = status
		default:
			lr.Fail(fmt.Errorf("%w: invalid status or post-state of %d bytes", rlp.ErrWrongLength, len(status)))
		}
	}
	r.CumulativeGasUsed = lr.Uint64()
	lr.FixedBytes(r.Bloom[:])
	content, n := listContent(&lr)
	if n > 0 {
		r.Logs = make([]Log, n)
		logs := rlp.NewReader(content)
		for i := range r.Logs {
			decodeLog(&logs, &r.Logs[i])
		}
		if err := logs.End(); err != nil {
			lr.Fail(fmt.Errorf("logs: %w", err))
		}
	}
	if err := lr.End(); err != nil {
		return fmt.Errorf("%w: receipt: %w", ErrMalformed, err)
	}
	return nil
}
