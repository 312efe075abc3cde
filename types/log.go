package types

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
)

// Log is an event emitted by a contract (LOG0..LOG4, or a protocol-level log
// such as an EIP-7708 transfer log).
//
// Only Address, Topics and Data are consensus fields (the RLP list
// [address, [topics...], data]); the rest is context filled in by the block
// processor and never encoded.
type Log struct {
	Address Address
	Topics  []Hash
	Data    []byte

	// Context, not encoded.
	BlockNumber uint64
	BlockHash   Hash
	TxHash      Hash
	TxIndex     uint
	Index       uint // position of the log in the block
}

func (l *Log) contentSize() int {
	return 1 + AddressLength + rlp.ListSize(len(l.Topics)*(1+HashLength)) + rlp.BytesSize(l.Data)
}

// encodedSize returns the size of the RLP encoding of l.
func (l *Log) encodedSize() int { return rlp.ListSize(l.contentSize()) }

// AppendRLP appends the consensus RLP encoding of l to dst.
func (l *Log) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, l.contentSize())
	dst = rlp.AppendBytes(dst, l.Address[:])
	dst = rlp.AppendListHeader(dst, len(l.Topics)*(1+HashLength))
	for i := range l.Topics {
		dst = rlp.AppendBytes(dst, l.Topics[i][:])
	}
	return rlp.AppendBytes(dst, l.Data)
}

// decodeLog decodes one log from the reader. Data aliases the input.
func decodeLog(r *rlp.Reader, l *Log) {
	lr := r.List()
	lr.FixedBytes(l.Address[:])
	raw := lr.Raw()
	l.Data = nilIfEmpty(lr.Bytes())
	if err := lr.End(); err != nil {
		r.Fail(err)
		return
	}
	topics, err := decodeHashList(raw)
	if err != nil {
		r.Fail(err)
		return
	}
	l.Topics = topics
}

// decodeHashList decodes the RLP list raw of 32-byte strings. An empty list
// decodes to nil.
func decodeHashList(raw []byte) ([]Hash, error) {
	content, _, err := rlp.SplitList(raw)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, nil
	}
	// Every element is a 33-byte string, so the count is known up front; a
	// length that is not a multiple of 33 fails below.
	hs := make([]Hash, 0, len(content)/(1+HashLength)+1)
	r := rlp.NewReader(content)
	for r.More() {
		var h Hash
		r.FixedBytes(h[:])
		hs = append(hs, h)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return hs, nil
}

// AppendLogsRLP appends the RLP list of logs to dst.
func AppendLogsRLP(dst []byte, logs []Log) []byte {
	n := 0
	for i := range logs {
		n += logs[i].encodedSize()
	}
	dst = rlp.AppendListHeader(dst, n)
	for i := range logs {
		dst = logs[i].AppendRLP(dst)
	}
	return dst
}

// LogsHash returns keccak256(rlp(logs)), the "logs" hash that state tests
// commit to.
func LogsHash(logs []Log) Hash {
	e := getEncBuf()
	e.b = AppendLogsRLP(e.b, logs)
	h := Keccak256One(e.b)
	putEncBuf(e)
	return h
}

// DecodeLog decodes the consensus RLP encoding of one log. Data aliases b.
func DecodeLog(b []byte) (Log, error) {
	var l Log
	r := rlp.NewReader(b) // b holds exactly one element: the log's list
	decodeLog(&r, &l)
	if err := r.End(); err != nil {
		return Log{}, fmt.Errorf("%w: log: %w", ErrMalformed, err)
	}
	return l, nil
}
