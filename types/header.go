package types

import (
	"encoding/binary"
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/holiman/uint256"
)

// BlockNonce is the 8-byte proof-of-work nonce of a header (zero since the
// merge).
type BlockNonce [8]byte

// Uint64 returns n as a big-endian integer.
func (n BlockNonce) Uint64() uint64 { return binary.BigEndian.Uint64(n[:]) }

// HeaderField is a bit set of the optional trailing header fields, in RLP
// order. [Header.Optional] records which of them a header carries.
type HeaderField uint16

// The optional header fields, in the order they trail the fifteen legacy
// fields.
const (
	FieldBaseFee             HeaderField = 1 << iota // London, EIP-1559
	FieldWithdrawalsHash                             // Shanghai, EIP-4895
	FieldBlobGasUsed                                 // Cancun, EIP-4844
	FieldExcessBlobGas                               // Cancun, EIP-4844
	FieldParentBeaconRoot                            // Cancun, EIP-4788
	FieldRequestsHash                                // Prague, EIP-7685
	FieldBlockAccessListHash                         // Amsterdam, EIP-7928
	FieldSlotNumber                                  // Amsterdam, EIP-7843

	numOptionalFields = iota
)

// Field sets of the header of each fork since London.
const (
	FieldsLondon    = FieldBaseFee
	FieldsShanghai  = FieldsLondon | FieldWithdrawalsHash
	FieldsCancun    = FieldsShanghai | FieldBlobGasUsed | FieldExcessBlobGas | FieldParentBeaconRoot
	FieldsPrague    = FieldsCancun | FieldRequestsHash
	FieldsAmsterdam = FieldsPrague | FieldBlockAccessListHash | FieldSlotNumber
)

// Has reports whether every field of g is in f.
func (f HeaderField) Has(g HeaderField) bool { return f&g == g }

// count returns how many optional fields an encoding of a header with
// fields f carries: up to and including the last one present.
func (f HeaderField) count() int {
	n := 0
	for i := range numOptionalFields {
		if f&(1<<i) != 0 {
			n = i + 1
		}
	}
	return n
}

// numLegacyHeaderFields is the number of fields every header has.
const numLegacyHeaderFields = 15

// Header is a block header with every field through Amsterdam.
//
// The optional trailing fields (BaseFee onwards) follow the rule of
// go-ethereum's rlp "optional" tag: a field is encoded when it, or any later
// optional field, is present. Presence is the bit set Optional, not the
// value: a present field whose value is zero is encoded (as 0x80 for an
// integer), and decoding sets the bit of every field it finds, so trailing
// zero fields round-trip byte for byte. An absent field below a present one
// is encoded as the empty string 0x80, as go-ethereum writes a nil pointer;
// such an encoding of an absent hash field does not decode, exactly as in
// go-ethereum.
type Header struct {
	ParentHash  Hash
	UncleHash   Hash
	Coinbase    Address
	Root        Hash
	TxHash      Hash
	ReceiptHash Hash
	Bloom       Bloom
	Difficulty  uint256.Int
	Number      uint64
	GasLimit    uint64
	GasUsed     uint64
	Time        uint64
	Extra       []byte
	MixDigest   Hash // prevRandao since the merge
	Nonce       BlockNonce

	// Optional trailing fields; see Optional.
	BaseFee             uint256.Int
	WithdrawalsHash     Hash
	BlobGasUsed         uint64
	ExcessBlobGas       uint64
	ParentBeaconRoot    Hash
	RequestsHash        Hash
	BlockAccessListHash Hash
	SlotNumber          uint64

	// Optional is the set of optional fields the header carries.
	Optional HeaderField
}

// Has reports whether the header carries the optional field(s) f.
func (h *Header) Has(f HeaderField) bool { return h.Optional.Has(f) }

func (h *Header) contentSize() int {
	n := 6*(1+HashLength) + (1 + AddressLength) + (3 + BloomLength) // hashes, coinbase, bloom
	n += rlp.Uint256Size(&h.Difficulty) + rlp.Uint64Size(h.Number) +
		rlp.Uint64Size(h.GasLimit) + rlp.Uint64Size(h.GasUsed) + rlp.Uint64Size(h.Time) +
		rlp.BytesSize(h.Extra) + 1 + 8 // nonce
	// MixDigest is counted among the six hashes above: ParentHash, UncleHash,
	// Root, TxHash, ReceiptHash, MixDigest.
	cnt := h.Optional.count()
	for i := range cnt {
		f := HeaderField(1) << i
		if !h.Optional.Has(f) {
			n++ // absent below a present field: 0x80
			continue
		}
		switch f {
		case FieldBaseFee:
			n += rlp.Uint256Size(&h.BaseFee)
		case FieldBlobGasUsed:
			n += rlp.Uint64Size(h.BlobGasUsed)
		case FieldExcessBlobGas:
			n += rlp.Uint64Size(h.ExcessBlobGas)
		case FieldSlotNumber:
			n += rlp.Uint64Size(h.SlotNumber)
		default: // the hashes
			n += 1 + HashLength
		}
	}
	return n
}

// EncodedSize returns the size of the RLP encoding of h.
func (h *Header) EncodedSize() int { return rlp.ListSize(h.contentSize()) }

// AppendRLP appends the RLP encoding of h to dst.
func (h *Header) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, h.contentSize())
	dst = rlp.AppendBytes(dst, h.ParentHash[:])
	dst = rlp.AppendBytes(dst, h.UncleHash[:])
	dst = rlp.AppendBytes(dst, h.Coinbase[:])
	dst = rlp.AppendBytes(dst, h.Root[:])
	dst = rlp.AppendBytes(dst, h.TxHash[:])
	dst = rlp.AppendBytes(dst, h.ReceiptHash[:])
	dst = rlp.AppendBytes(dst, h.Bloom[:])
	dst = rlp.AppendUint256(dst, &h.Difficulty)
	dst = rlp.AppendUint64(dst, h.Number)
	dst = rlp.AppendUint64(dst, h.GasLimit)
	dst = rlp.AppendUint64(dst, h.GasUsed)
	dst = rlp.AppendUint64(dst, h.Time)
	dst = rlp.AppendBytes(dst, h.Extra)
	dst = rlp.AppendBytes(dst, h.MixDigest[:])
	dst = rlp.AppendBytes(dst, h.Nonce[:])
	cnt := h.Optional.count()
	for i := range cnt {
		f := HeaderField(1) << i
		if !h.Optional.Has(f) {
			dst = append(dst, rlp.EmptyString)
			continue
		}
		switch f {
		case FieldBaseFee:
			dst = rlp.AppendUint256(dst, &h.BaseFee)
		case FieldWithdrawalsHash:
			dst = rlp.AppendBytes(dst, h.WithdrawalsHash[:])
		case FieldBlobGasUsed:
			dst = rlp.AppendUint64(dst, h.BlobGasUsed)
		case FieldExcessBlobGas:
			dst = rlp.AppendUint64(dst, h.ExcessBlobGas)
		case FieldParentBeaconRoot:
			dst = rlp.AppendBytes(dst, h.ParentBeaconRoot[:])
		case FieldRequestsHash:
			dst = rlp.AppendBytes(dst, h.RequestsHash[:])
		case FieldBlockAccessListHash:
			dst = rlp.AppendBytes(dst, h.BlockAccessListHash[:])
		case FieldSlotNumber:
			dst = rlp.AppendUint64(dst, h.SlotNumber)
		}
	}
	return dst
}

// Hash returns the block hash: keccak256 of the header's RLP encoding. It
// does not allocate.
func (h *Header) Hash() Hash {
	e := getEncBuf()
	e.b = h.AppendRLP(e.b)
	out := Keccak256One(e.b)
	putEncBuf(e)
	return out
}

// DecodeRLP decodes the RLP encoding of a header into h, which must be
// exactly one canonical list of 15 to 23 fields. Extra aliases b.
func (h *Header) DecodeRLP(b []byte) error {
	r := rlp.NewListReader(b)
	h.decode(&r)
	if err := r.End(); err != nil {
		*h = Header{}
		return fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	return nil
}

// DecodeHeader decodes the RLP encoding of a header. Extra aliases b.
func DecodeHeader(b []byte) (*Header, error) {
	h := new(Header)
	if err := h.DecodeRLP(b); err != nil {
		return nil, err
	}
	return h, nil
}

// decodeHeaderElem decodes the next element of r, a header list, into h.
func decodeHeaderElem(r *rlp.Reader, h *Header) {
	hr := r.List()
	h.decode(&hr)
	if err := hr.End(); err != nil {
		r.Fail(err)
	}
}

// decode reads the header's fields from r, the reader over the header
// list's elements; the caller checks r.End.
func (h *Header) decode(r *rlp.Reader) {
	*h = Header{}
	r.FixedBytes(h.ParentHash[:])
	r.FixedBytes(h.UncleHash[:])
	r.FixedBytes(h.Coinbase[:])
	r.FixedBytes(h.Root[:])
	r.FixedBytes(h.TxHash[:])
	r.FixedBytes(h.ReceiptHash[:])
	r.FixedBytes(h.Bloom[:])
	r.Uint256(&h.Difficulty)
	h.Number = r.Uint64()
	h.GasLimit = r.Uint64()
	h.GasUsed = r.Uint64()
	h.Time = r.Uint64()
	h.Extra = nilIfEmpty(r.Bytes())
	r.FixedBytes(h.MixDigest[:])
	r.FixedBytes(h.Nonce[:])
	for i := 0; i < numOptionalFields && r.More(); i++ {
		f := HeaderField(1) << i
		switch f {
		case FieldBaseFee:
			r.Uint256(&h.BaseFee)
		case FieldWithdrawalsHash:
			r.FixedBytes(h.WithdrawalsHash[:])
		case FieldBlobGasUsed:
			h.BlobGasUsed = r.Uint64()
		case FieldExcessBlobGas:
			h.ExcessBlobGas = r.Uint64()
		case FieldParentBeaconRoot:
			r.FixedBytes(h.ParentBeaconRoot[:])
		case FieldRequestsHash:
			r.FixedBytes(h.RequestsHash[:])
		case FieldBlockAccessListHash:
			r.FixedBytes(h.BlockAccessListHash[:])
		case FieldSlotNumber:
			h.SlotNumber = r.Uint64()
		}
		h.Optional |= f
	}
}
