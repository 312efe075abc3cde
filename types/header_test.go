package types_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

func fullHeader() types.Header {
	return types.Header{
		ParentHash:          types.Hash{1},
		UncleHash:           types.EmptyListHash,
		Coinbase:            types.Address{2},
		Root:                types.Hash{3},
		TxHash:              types.EmptyRootHash,
		ReceiptHash:         types.Hash{5},
		Bloom:               types.Bloom{6, 255: 7},
		Difficulty:          *uint256.NewInt(131072),
		Number:              1234567,
		GasLimit:            30_000_000,
		GasUsed:             21000,
		Time:                1700000000,
		Extra:               []byte("extra"),
		MixDigest:           types.Hash{8},
		Nonce:               types.BlockNonce{0, 0, 0, 0, 0, 0, 0, 9},
		BaseFee:             *uint256.NewInt(7),
		WithdrawalsHash:     types.Hash{10},
		BlobGasUsed:         131072,
		ExcessBlobGas:       393216,
		ParentBeaconRoot:    types.Hash{11},
		RequestsHash:        types.Hash{12},
		BlockAccessListHash: types.Hash{13},
		SlotNumber:          564,
	}
}

// keepFields zeroes the optional fields outside f, so that a decoded header
// compares equal.
func keepFields(h types.Header, f types.HeaderField) types.Header {
	z := types.Header{}
	if !f.Has(types.FieldBaseFee) {
		h.BaseFee = z.BaseFee
	}
	if !f.Has(types.FieldWithdrawalsHash) {
		h.WithdrawalsHash = z.WithdrawalsHash
	}
	if !f.Has(types.FieldBlobGasUsed) {
		h.BlobGasUsed = 0
	}
	if !f.Has(types.FieldExcessBlobGas) {
		h.ExcessBlobGas = 0
	}
	if !f.Has(types.FieldParentBeaconRoot) {
		h.ParentBeaconRoot = z.ParentBeaconRoot
	}
	if !f.Has(types.FieldRequestsHash) {
		h.RequestsHash = z.RequestsHash
	}
	if !f.Has(types.FieldBlockAccessListHash) {
		h.BlockAccessListHash = z.BlockAccessListHash
	}
	if !f.Has(types.FieldSlotNumber) {
		h.SlotNumber = 0
	}
	h.Optional = f
	return h
}

func TestHeaderOptionalFields(t *testing.T) {
	forks := []struct {
		name   string
		fields types.HeaderField
		count  int
	}{
		{"frontier", 0, 15},
		{"london", types.FieldsLondon, 16},
		{"shanghai", types.FieldsShanghai, 17},
		{"cancun-blobgas", types.FieldsShanghai | types.FieldBlobGasUsed, 18},
		{"cancun-excess", types.FieldsShanghai | types.FieldBlobGasUsed | types.FieldExcessBlobGas, 19},
		{"cancun", types.FieldsCancun, 20},
		{"prague", types.FieldsPrague, 21},
		{"amsterdam-bal", types.FieldsPrague | types.FieldBlockAccessListHash, 22},
		{"amsterdam", types.FieldsAmsterdam, 23},
	}
	for _, f := range forks {
		for _, zero := range []bool{false, true} {
			h := keepFields(fullHeader(), f.fields)
			if zero {
				// Present but zero trailing fields must survive.
				h = keepFields(types.Header{}, f.fields)
			}
			enc := h.AppendRLP(nil)
			if len(enc) != h.EncodedSize() {
				t.Fatalf("%s: EncodedSize %d, encoding %d", f.name, h.EncodedSize(), len(enc))
			}
			if n, err := rlpCount(enc); err != nil || n != f.count {
				t.Fatalf("%s: %d fields (%v), want %d", f.name, n, err, f.count)
			}
			dec, err := types.DecodeHeader(enc)
			if err != nil {
				t.Fatalf("%s (zero %v): %v", f.name, zero, err)
			}
			if !reflect.DeepEqual(*dec, h) {
				t.Fatalf("%s (zero %v): decoded %+v\nwant %+v", f.name, zero, dec, &h)
			}
			if !bytes.Equal(dec.AppendRLP(nil), enc) {
				t.Fatalf("%s: re-encoding differs", f.name)
			}
			if dec.Hash() != types.Keccak256One(enc) {
				t.Fatalf("%s: hash is not keccak of the encoding", f.name)
			}
		}
	}
}

func TestHeaderSparseOptional(t *testing.T) {
	// A field absent below a present one is written as 0x80, as go-ethereum
	// writes a nil pointer. For integers that decodes as a present zero.
	h := keepFields(fullHeader(), types.FieldBlobGasUsed)
	enc := h.AppendRLP(nil)
	elems := listElems(t, enc)
	if len(elems) != 18 || !bytes.Equal(elems[15], []byte{0x80}) || !bytes.Equal(elems[16], []byte{0x80}) {
		t.Fatalf("sparse header fields: %d, %x %x", len(elems), elems[15], elems[16])
	}
	// ... and for a hash it does not decode at all (as in go-ethereum).
	if _, err := types.DecodeHeader(enc); !errors.Is(err, rlp.ErrWrongLength) {
		t.Fatalf("absent withdrawals hash below blob gas: %v", err)
	}
	// An absent base fee below a present withdrawals hash decodes as zero.
	h = keepFields(fullHeader(), types.FieldWithdrawalsHash)
	dec, err := types.DecodeHeader(h.AppendRLP(nil))
	if err != nil || dec.Optional != types.FieldsShanghai || !dec.BaseFee.IsZero() {
		t.Fatalf("decoded %v optional %b base fee %s", err, dec.Optional, dec.BaseFee.Dec())
	}
}

func TestHeaderDecodeRejects(t *testing.T) {
	h := fullHeader()
	h.Optional = types.FieldsAmsterdam
	enc := h.AppendRLP(nil)
	hash := func(n int) []byte { return rlp.AppendBytes(nil, make([]byte, n)) }
	cases := []struct {
		name string
		enc  []byte
		want error
	}{
		{"coinbase 19 bytes", withField(t, enc, 2, hash(19)), rlp.ErrWrongLength},
		{"parent hash 33 bytes", withField(t, enc, 0, hash(33)), rlp.ErrWrongLength},
		{"bloom 255 bytes", withField(t, enc, 6, hash(255)), rlp.ErrWrongLength},
		{"bloom 257 bytes", withField(t, enc, 6, hash(257)), rlp.ErrWrongLength},
		{"nonce 7 bytes", withField(t, enc, 14, hash(7)), rlp.ErrWrongLength},
		{"nonce 9 bytes", withField(t, enc, 14, hash(9)), rlp.ErrWrongLength},
		{"difficulty leading zero", withField(t, enc, 7, []byte{0x82, 0, 1}), rlp.ErrCanonInt},
		{"number over 64 bits", withField(t, enc, 8, append([]byte{0x89, 1}, make([]byte, 8)...)), rlp.ErrUintOverflow},
		{"gas limit 0x00 in a string", withField(t, enc, 9, []byte{0x81, 0}), rlp.ErrCanonSize},
		{"gas limit leading zero", withField(t, enc, 9, []byte{0x82, 0, 5}), rlp.ErrCanonInt},
		{"base fee over 256 bits", withField(t, enc, 15, append([]byte{0xa1, 1}, make([]byte, 32)...)), rlp.ErrUintOverflow},
		{"empty withdrawals hash", withField(t, enc, 16, []byte{0x80}), rlp.ErrWrongLength},
		{"empty beacon root", withField(t, enc, 19, []byte{0x80}), rlp.ErrWrongLength},
		{"slot number list", withField(t, enc, 22, []byte{0xc0}), rlp.ErrExpectedString},
		{"24 fields", withField(t, enc, 23, []byte{0x80}), rlp.ErrTooManyElements},
		{"14 fields", rlpList(listElems(t, enc)[:14]...), rlp.ErrTooFewElements},
		{"trailing bytes", append(bytes.Clone(enc), 0x80), rlp.ErrTrailingBytes},
		{"not a list", rlp.AppendBytes(nil, enc), rlp.ErrExpectedList},
		{"truncated", enc[:len(enc)-1], rlp.ErrValueTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := types.DecodeHeader(c.enc)
			if !errors.Is(err, types.ErrMalformed) || !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestHeaderHashAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector; allocation counts need a normal build")
	}
	h := fullHeader()
	h.Optional = types.FieldsAmsterdam
	if a := testing.AllocsPerRun(100, func() { _ = h.Hash() }); a != 0 {
		t.Fatalf("Header.Hash allocates %v times", a)
	}
	buf := make([]byte, 0, 1024)
	if a := testing.AllocsPerRun(100, func() { buf = h.AppendRLP(buf[:0]) }); a != 0 {
		t.Fatalf("Header.AppendRLP allocates %v times", a)
	}
}
