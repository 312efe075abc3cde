package types_test

import (
	"bytes"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

const maxFuzzInput = 1 << 16

// hiveSeeds returns a few blocks of the hive chain covering every fork's
// header and every transaction type.
func hiveSeeds(f *testing.F) []*types.Block {
	h := loadHive(f)
	var out []*types.Block
	for _, n := range []int{1, 10, 11, 61, 121, 200, 600} {
		out = append(out, h.blocks[n-1])
	}
	for _, b := range h.blocks {
		for _, tx := range b.Transactions {
			if tx.Type == types.SetCodeTxType || tx.Type == types.BlobTxType {
				out = append(out, b)
				return out
			}
		}
	}
	return out
}

func FuzzDecodeTransaction(f *testing.F) {
	for _, tx := range sampleTxs(f, uint256.NewInt(1)) {
		f.Add(tx.MarshalCanonical(), false)
		f.Add(tx.AppendRLP(nil), true)
	}
	for _, b := range hiveSeeds(f) {
		for _, tx := range b.Transactions {
			f.Add(tx.MarshalCanonical(), false)
		}
	}
	f.Add([]byte{0x02}, false)
	f.Add([]byte{0x81, 0x80}, true)
	chainID := uint256.NewInt(1)
	f.Fuzz(func(t *testing.T, data []byte, body bool) {
		if len(data) > maxFuzzInput {
			return
		}
		var tx types.Transaction
		var err error
		if body {
			err = tx.DecodeRLP(data)
		} else {
			err = tx.DecodeCanonical(data)
		}
		if err != nil {
			return
		}
		var enc []byte
		if body {
			enc = tx.AppendRLP(nil)
			if len(enc) != tx.EncodedSize() {
				t.Fatalf("EncodedSize %d, encoding %d", tx.EncodedSize(), len(enc))
			}
		} else {
			enc = tx.AppendCanonical(nil)
		}
		if !bytes.Equal(enc, data) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", data, enc)
		}
		if tx.Hash() != types.Keccak256One(tx.MarshalCanonical()) {
			t.Fatal("cached hash differs from the canonical hash")
		}
		_, _ = tx.Sender(chainID)
		for i := range tx.AuthList {
			_, _ = tx.AuthList[i].Authority()
		}
	})
}

func FuzzDecodeHeader(f *testing.F) {
	for _, fields := range []types.HeaderField{0, types.FieldsLondon, types.FieldsShanghai, types.FieldsCancun, types.FieldsPrague, types.FieldsAmsterdam} {
		h := keepFields(fullHeader(), fields)
		f.Add(h.AppendRLP(nil))
	}
	for _, b := range hiveSeeds(f) {
		f.Add(b.Header.AppendRLP(nil))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		h, err := types.DecodeHeader(data)
		if err != nil {
			return
		}
		if enc := h.AppendRLP(nil); !bytes.Equal(enc, data) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", data, enc)
		}
		if h.EncodedSize() != len(data) || h.Hash() != types.Keccak256One(data) {
			t.Fatal("size or hash inconsistent with the encoding")
		}
	})
}

func FuzzDecodeBlock(f *testing.F) {
	for _, b := range hiveSeeds(f) {
		f.Add(b.AppendRLP(nil))
	}
	b := sampleBlock(f)
	f.Add(b.AppendRLP(nil))
	b.Withdrawals = nil
	f.Add(b.AppendRLP(nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		blk, err := types.DecodeBlock(data)
		if err != nil {
			return
		}
		if enc := blk.AppendRLP(nil); !bytes.Equal(enc, data) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", data, enc)
		}
		if blk.EncodedSize() != len(data) {
			t.Fatal("EncodedSize inconsistent with the encoding")
		}
		// The body decodes on its own, too.
		bodyEnc := blk.Body().AppendRLP(nil)
		body, err := types.DecodeBody(bodyEnc)
		if err != nil || !bytes.Equal(body.AppendRLP(nil), bodyEnc) {
			t.Fatalf("body round trip: %v", err)
		}
	})
}

func FuzzDecodeReceipt(f *testing.F) {
	for _, typ := range []uint8{0, 1, 2, 3, 4} {
		r := types.Receipt{Type: typ, Status: uint64(typ % 2), CumulativeGasUsed: uint64(typ) << 20, Logs: sampleLogs()[typ%3:]}
		r.Bloom = types.LogsBloom(r.Logs)
		f.Add(r.AppendConsensus(nil))
	}
	post := types.Receipt{PostState: make([]byte, 32)}
	f.Add(post.AppendConsensus(nil))
	f.Add([]byte{0x02, 0xc0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		r, err := types.DecodeReceipt(data)
		if err != nil {
			return
		}
		if enc := r.AppendConsensus(nil); !bytes.Equal(enc, data) {
			t.Fatalf("re-encoding differs:\n in  %x\n out %x", data, enc)
		}
		if r.ConsensusSize() != len(data) {
			t.Fatal("ConsensusSize inconsistent with the encoding")
		}
		_ = types.LogsBloom(r.Logs)
		_ = types.LogsHash(r.Logs)
	})
}

func FuzzDecodeWithdrawalAndLog(f *testing.F) {
	w := types.Withdrawal{Index: 1, Validator: 2, Address: types.Address{3}, Amount: 4}
	f.Add(w.AppendRLP(nil))
	for _, l := range sampleLogs() {
		f.Add(l.AppendRLP(nil))
	}
	f.Add(rlp.AppendListHeader(nil, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		if w, err := types.DecodeWithdrawal(data); err == nil && !bytes.Equal(w.AppendRLP(nil), data) {
			t.Fatal("withdrawal re-encoding differs")
		}
		if l, err := types.DecodeLog(data); err == nil && !bytes.Equal(l.AppendRLP(nil), data) {
			t.Fatal("log re-encoding differs")
		}
	})
}
