package types

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
)

// MaxExtraDataSize is the largest extra data a post-merge header may carry.
const MaxExtraDataSize = 32

// ExecutionPayload is the execution payload of an engine API newPayload
// request. Optional fields are pointers (or nil slices): nil means the JSON
// field was null or absent, which matters for the header's optional fields.
type ExecutionPayload struct {
	ParentHash    Hash
	FeeRecipient  Address
	StateRoot     Hash
	ReceiptsRoot  Hash
	LogsBloom     Bloom
	PrevRandao    Hash
	BlockNumber   uint64
	GasLimit      uint64
	GasUsed       uint64
	Timestamp     uint64
	ExtraData     []byte
	BaseFeePerGas uint256.Int
	BlockHash     Hash
	// Transactions are the canonical encodings of the transactions.
	Transactions [][]byte
	// Withdrawals is nil before Shanghai; non-nil (possibly empty) after.
	Withdrawals   []Withdrawal
	BlobGasUsed   *uint64
	ExcessBlobGas *uint64
	// BlockAccessList is the raw RLP of the EIP-7928 block access list
	// (V5); nil when absent. The bal package decodes it.
	BlockAccessList []byte
	SlotNumber      *uint64
}

// NewPayloadRequest is one engine_newPayloadV2..V5 JSON-RPC request.
type NewPayloadRequest struct {
	ID      json.RawMessage
	Method  string
	Version int // 2 to 5
	Payload ExecutionPayload
	// VersionedHashes are the expected blob versioned hashes (V3+; non-nil).
	VersionedHashes []Hash
	// ParentBeaconRoot is the parent beacon block root (V3+; nil for V2).
	ParentBeaconRoot *Hash
	// ExecutionRequests are the EIP-7685 requests, type byte || data (V4+;
	// non-nil, possibly empty).
	ExecutionRequests [][]byte
}

// ParseNewPayloadRequests parses a JSON array of newPayload requests.
func ParseNewPayloadRequests(data []byte) ([]NewPayloadRequest, error) {
	var reqs []NewPayloadRequest
	if err := json.Unmarshal(data, &reqs); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	return reqs, nil
}

type jsonRPCRequest struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id"`
	Method  string            `json:"method"`
	Params  []json.RawMessage `json:"params"`
}

func isNull(m json.RawMessage) bool {
	return len(m) == 0 || bytes.Equal(bytes.TrimSpace(m), []byte("null"))
}

// UnmarshalJSON implements json.Unmarshaler. It parses the request and
// checks the structural rules of its method version (which parameters and
// payload fields must be present or absent, and the order of execution
// requests); fork timing is not checked, since it needs the chain
// configuration.
func (r *NewPayloadRequest) UnmarshalJSON(data []byte) error {
	var raw jsonRPCRequest
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	*r = NewPayloadRequest{ID: raw.ID, Method: raw.Method}
	switch raw.Method {
	case "engine_newPayloadV2":
		r.Version = 2
	case "engine_newPayloadV3":
		r.Version = 3
	case "engine_newPayloadV4":
		r.Version = 4
	case "engine_newPayloadV5":
		r.Version = 5
	default:
		return fmt.Errorf("%w: unsupported method %q", ErrInvalidPayload, raw.Method)
	}
	want := [...]int{2: 1, 3: 3, 4: 4, 5: 4}[r.Version] // params per version
	if len(raw.Params) != want {
		return fmt.Errorf("%w: %s takes %d params, got %d", ErrInvalidPayload, raw.Method, want, len(raw.Params))
	}
	if err := json.Unmarshal(raw.Params[0], &r.Payload); err != nil {
		return err
	}
	if r.Version >= 3 {
		if isNull(raw.Params[1]) {
			return fmt.Errorf("%w: nil versionedHashes", ErrInvalidPayload)
		}
		var hs []string
		if err := json.Unmarshal(raw.Params[1], &hs); err != nil {
			return fmt.Errorf("%w: versionedHashes: %w", ErrInvalidPayload, err)
		}
		r.VersionedHashes = make([]Hash, len(hs))
		for i, s := range hs {
			if err := parseFixedHex(r.VersionedHashes[i][:], s); err != nil {
				return fmt.Errorf("%w: versionedHashes[%d]: %w", ErrInvalidPayload, i, err)
			}
		}
		if isNull(raw.Params[2]) {
			return fmt.Errorf("%w: nil parentBeaconBlockRoot", ErrInvalidPayload)
		}
		var s string
		if err := json.Unmarshal(raw.Params[2], &s); err != nil {
			return fmt.Errorf("%w: parentBeaconBlockRoot: %w", ErrInvalidPayload, err)
		}
		r.ParentBeaconRoot = new(Hash)
		if err := parseFixedHex(r.ParentBeaconRoot[:], s); err != nil {
			return fmt.Errorf("%w: parentBeaconBlockRoot: %w", ErrInvalidPayload, err)
		}
	}
	if r.Version >= 4 {
		if isNull(raw.Params[3]) {
			return fmt.Errorf("%w: nil executionRequests", ErrInvalidPayload)
		}
		var rs []string
		if err := json.Unmarshal(raw.Params[3], &rs); err != nil {
			return fmt.Errorf("%w: executionRequests: %w", ErrInvalidPayload, err)
		}
		r.ExecutionRequests = make([][]byte, len(rs))
		for i, s := range rs {
			b, err := parseHexBytes(s)
			if err != nil {
				return fmt.Errorf("%w: executionRequests[%d]: %w", ErrInvalidPayload, i, err)
			}
			r.ExecutionRequests[i] = b
		}
		if err := ValidateRequests(r.ExecutionRequests); err != nil {
			return err
		}
	}
	return r.checkVersion()
}

// checkVersion applies the presence rules of each newPayload version.
func (r *NewPayloadRequest) checkVersion() error {
	p := &r.Payload
	fail := func(msg string) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalidPayload, r.Method, msg)
	}
	if r.Version == 2 {
		switch {
		case p.BlobGasUsed != nil || p.ExcessBlobGas != nil:
			return fail("blob gas fields before Cancun")
		case p.BlockAccessList != nil || p.SlotNumber != nil:
			return fail("Amsterdam fields before Amsterdam")
		}
		return nil
	}
	switch {
	case p.Withdrawals == nil:
		return fail("nil withdrawals")
	case p.BlobGasUsed == nil:
		return fail("nil blobGasUsed")
	case p.ExcessBlobGas == nil:
		return fail("nil excessBlobGas")
	case r.Version < 5 && (p.BlockAccessList != nil || p.SlotNumber != nil):
		return fail("Amsterdam fields before Amsterdam")
	case r.Version == 5 && p.SlotNumber == nil:
		return fail("nil slotNumber")
	case r.Version == 5 && p.BlockAccessList == nil:
		return fail("missing blockAccessList")
	}
	return nil
}

// ValidateRequests checks EIP-7685 execution requests as the engine API
// does: each holds a type byte and data, and types strictly increase.
func ValidateRequests(requests [][]byte) error {
	for i, req := range requests {
		if len(req) < 2 {
			return fmt.Errorf("%w: request %d is empty", ErrInvalidRequests, i)
		}
		if i > 0 && req[0] <= requests[i-1][0] {
			return fmt.Errorf("%w: request %d of type %d out of order", ErrInvalidRequests, i, req[0])
		}
	}
	return nil
}

type withdrawalJSON struct {
	Index     *string `json:"index"`
	Validator *string `json:"validatorIndex"`
	Address   *string `json:"address"`
	Amount    *string `json:"amount"`
}

type executionPayloadJSON struct {
	ParentHash      *string           `json:"parentHash"`
	FeeRecipient    *string           `json:"feeRecipient"`
	StateRoot       *string           `json:"stateRoot"`
	ReceiptsRoot    *string           `json:"receiptsRoot"`
	LogsBloom       *string           `json:"logsBloom"`
	PrevRandao      *string           `json:"prevRandao"`
	BlockNumber     *string           `json:"blockNumber"`
	GasLimit        *string           `json:"gasLimit"`
	GasUsed         *string           `json:"gasUsed"`
	Timestamp       *string           `json:"timestamp"`
	ExtraData       *string           `json:"extraData"`
	BaseFeePerGas   *string           `json:"baseFeePerGas"`
	BlockHash       *string           `json:"blockHash"`
	Transactions    *[]string         `json:"transactions"`
	Withdrawals     *[]withdrawalJSON `json:"withdrawals"`
	BlobGasUsed     *string           `json:"blobGasUsed"`
	ExcessBlobGas   *string           `json:"excessBlobGas"`
	BlockAccessList *string           `json:"blockAccessList"`
	SlotNumber      *string           `json:"slotNumber"`
}

// UnmarshalJSON implements json.Unmarshaler with the strict hex rules of the
// engine API. Required fields must be present; every failure wraps
// ErrInvalidPayload.
func (p *ExecutionPayload) UnmarshalJSON(data []byte) error {
	var j executionPayloadJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	*p = ExecutionPayload{}
	var err error
	field := func(name string, s *string, parse func(string) error) {
		if err != nil {
			return
		}
		if s == nil {
			err = fmt.Errorf("%w: missing required field %s", ErrInvalidPayload, name)
			return
		}
		if e := parse(*s); e != nil {
			err = fmt.Errorf("%w: field %s: %w", ErrInvalidPayload, name, e)
		}
	}
	optional := func(name string, s *string, dst **uint64) {
		if s != nil {
			field(name, s, func(s string) error {
				v, e := parseUint64Quantity(s)
				*dst = &v
				return e
			})
		}
	}
	fixed := func(dst []byte) func(string) error {
		return func(s string) error { return parseFixedHex(dst, s) }
	}
	u64 := func(dst *uint64) func(string) error {
		return func(s string) (e error) { *dst, e = parseUint64Quantity(s); return e }
	}
	field("parentHash", j.ParentHash, fixed(p.ParentHash[:]))
	field("feeRecipient", j.FeeRecipient, fixed(p.FeeRecipient[:]))
	field("stateRoot", j.StateRoot, fixed(p.StateRoot[:]))
	field("receiptsRoot", j.ReceiptsRoot, fixed(p.ReceiptsRoot[:]))
	field("logsBloom", j.LogsBloom, fixed(p.LogsBloom[:]))
	field("prevRandao", j.PrevRandao, fixed(p.PrevRandao[:]))
	field("blockNumber", j.BlockNumber, u64(&p.BlockNumber))
	field("gasLimit", j.GasLimit, u64(&p.GasLimit))
	field("gasUsed", j.GasUsed, u64(&p.GasUsed))
	field("timestamp", j.Timestamp, u64(&p.Timestamp))
	field("extraData", j.ExtraData, func(s string) (e error) { p.ExtraData, e = parseHexBytes(s); return e })
	field("baseFeePerGas", j.BaseFeePerGas, func(s string) error { return parseUint256Quantity(&p.BaseFeePerGas, s) })
	field("blockHash", j.BlockHash, fixed(p.BlockHash[:]))
	optional("blobGasUsed", j.BlobGasUsed, &p.BlobGasUsed)
	optional("excessBlobGas", j.ExcessBlobGas, &p.ExcessBlobGas)
	optional("slotNumber", j.SlotNumber, &p.SlotNumber)
	if j.BlockAccessList != nil {
		field("blockAccessList", j.BlockAccessList, func(s string) (e error) {
			p.BlockAccessList, e = parseHexBytes(s)
			return e
		})
	}
	if err != nil {
		return err
	}
	if j.Transactions == nil {
		return fmt.Errorf("%w: missing required field transactions", ErrInvalidPayload)
	}
	p.Transactions = make([][]byte, len(*j.Transactions))
	for i, s := range *j.Transactions {
		if p.Transactions[i], err = parseHexBytes(s); err != nil {
			return fmt.Errorf("%w: transactions[%d]: %w", ErrInvalidPayload, i, err)
		}
	}
	if j.Withdrawals != nil {
		p.Withdrawals = make([]Withdrawal, len(*j.Withdrawals))
		for i, wj := range *j.Withdrawals {
			w := &p.Withdrawals[i]
			name := fmt.Sprintf("withdrawals[%d].", i)
			field(name+"index", wj.Index, u64(&w.Index))
			field(name+"validatorIndex", wj.Validator, u64(&w.Validator))
			field(name+"address", wj.Address, fixed(w.Address[:]))
			field(name+"amount", wj.Amount, u64(&w.Amount))
		}
	}
	return err
}
