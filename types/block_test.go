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

func sampleBlock(t testing.TB) *types.Block {
	h := fullHeader()
	h.Optional = types.FieldsAmsterdam
	uncle := keepFields(fullHeader(), types.FieldsLondon)
	return &types.Block{
		Header:       h,
		Transactions: sampleTxs(t, uint256.NewInt(1)),
		Uncles:       []*types.Header{&uncle},
		Withdrawals:  []types.Withdrawal{{Index: 1, Validator: 2, Address: types.Address{3}, Amount: 4}, {Index: 1 << 50}},
	}
}

func TestBlockRoundTrip(t *testing.T) {
	for _, ws := range []string{"some", "empty", "absent"} {
		b := sampleBlock(t)
		switch ws {
		case "empty":
			b.Withdrawals = []types.Withdrawal{}
		case "absent":
			b.Withdrawals = nil
		}
		enc := b.AppendRLP(nil)
		if len(enc) != b.EncodedSize() {
			t.Fatalf("%s: EncodedSize %d, encoding %d", ws, b.EncodedSize(), len(enc))
		}
		n, _ := rlpCount(enc)
		if want := map[string]int{"some": 4, "empty": 4, "absent": 3}[ws]; n != want {
			t.Fatalf("%s withdrawals: %d block elements, want %d", ws, n, want)
		}
		dec, err := types.DecodeBlock(enc)
		if err != nil {
			t.Fatalf("%s: %v", ws, err)
		}
		if !reflect.DeepEqual(dec, b) {
			t.Fatalf("%s: decoded block differs", ws)
		}
		if (dec.Withdrawals == nil) != (ws == "absent") {
			t.Fatalf("%s: nil-ness of withdrawals lost", ws)
		}
		if !bytes.Equal(dec.AppendRLP(nil), enc) {
			t.Fatalf("%s: re-encoding differs", ws)
		}
		// The body alone.
		bodyEnc := b.Body().AppendRLP(nil)
		body, err := types.DecodeBody(bodyEnc)
		if err != nil || !bytes.Equal(body.AppendRLP(nil), bodyEnc) || (body.Withdrawals == nil) != (ws == "absent") {
			t.Fatalf("%s: body round trip: %v", ws, err)
		}
		if nb := types.NewBlock(&b.Header, body); !bytes.Equal(nb.AppendRLP(nil), enc) {
			t.Fatalf("%s: NewBlock(header, body) encodes differently", ws)
		}
	}
}

func TestBlockDecodeRejects(t *testing.T) {
	b := sampleBlock(t)
	enc := b.AppendRLP(nil)
	el := listElems(t, enc)
	legacy := b.Transactions[1].MarshalCanonical()
	typed := b.Transactions[3].MarshalCanonical()
	cases := []struct {
		name string
		enc  []byte
		want error
	}{
		{"five elements", rlpList(append(el, []byte{0xc0})...), rlp.ErrTooManyElements},
		{"two elements", rlpList(el[:2]...), rlp.ErrTooFewElements},
		{"header as string", rlpList(rlp.AppendBytes(nil, el[0]), el[1], el[2], el[3]), rlp.ErrExpectedList},
		{"bad header", rlpList(rlpList(listElems(t, el[0])[:10]...), el[1], el[2], el[3]), rlp.ErrTooFewElements},
		{"txs as string", rlpList(el[0], []byte{0x80}, el[2], el[3]), rlp.ErrExpectedList},
		{"legacy tx in envelope", rlpList(el[0], rlpList(rlp.AppendBytes(nil, legacy)), el[2], el[3]), types.ErrLegacyTxInEnvelope},
		{"typed tx unwrapped", rlpList(el[0], rlpList(typed), el[2], el[3]), types.ErrShortTypedTx},
		{"tx as single byte", rlpList(el[0], rlpList([]byte{0x02}), el[2], el[3]), types.ErrShortTypedTx},
		{"uncle not a header", rlpList(el[0], el[1], rlpList([]byte{0xc0}), el[3]), rlp.ErrTooFewElements},
		{"uncles as string", rlpList(el[0], el[1], []byte{0x80}, el[3]), rlp.ErrExpectedList},
		{"withdrawals as string", rlpList(el[0], el[1], el[2], []byte{0x80}), rlp.ErrExpectedList},
		{"withdrawal with 3 fields", rlpList(el[0], el[1], el[2], rlpList(rlpList([]byte{1}, []byte{2}, rlp.AppendBytes(nil, make([]byte, 20))))), rlp.ErrTooFewElements},
		{"withdrawal address 19 bytes", rlpList(el[0], el[1], el[2], rlpList(rlpList([]byte{1}, []byte{2}, rlp.AppendBytes(nil, make([]byte, 19)), []byte{4}))), rlp.ErrWrongLength},
		{"trailing bytes", append(bytes.Clone(enc), 0xc0), rlp.ErrTrailingBytes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := types.DecodeBlock(c.enc); !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestCalcRequestsHash(t *testing.T) {
	// No requests (or only empty ones): sha256 of nothing.
	empty := types.MustHexToHash("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	if types.CalcRequestsHash(nil) != empty || types.EmptyRequestsHash != empty {
		t.Fatal("empty requests hash")
	}
	if types.CalcRequestsHash([][]byte{{0}, {1}, {2}}) != empty {
		t.Fatal("requests with only a type byte must be skipped")
	}
	if err := types.ValidateRequests([][]byte{{0, 1}, {2, 3, 4}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][][]byte{{{0}}, {{1, 1}, {1, 2}}, {{2, 1}, {0, 1}}, {{}}} {
		if err := types.ValidateRequests(bad); !errors.Is(err, types.ErrInvalidRequests) {
			t.Fatalf("requests %x: %v", bad, err)
		}
	}
}

func TestBlockDecodeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector; allocation counts need a normal build")
	}
	// Decoding allocates per block and per list, not per field: one slab of
	// transactions, their pointers, access lists and the like.
	b := sampleBlock(t)
	enc := b.AppendRLP(nil)
	a := testing.AllocsPerRun(20, func() {
		if _, err := types.DecodeBlock(enc); err != nil {
			t.Fatal(err)
		}
	})
	if a > 20 {
		t.Fatalf("DecodeBlock of %d txs allocates %v times", len(b.Transactions), a)
	}
	t.Logf("DecodeBlock: %v allocations", a)
}
