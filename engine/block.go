package engine

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// Block builds the block of the request's payload, the way go-ethereum's
// engine.ExecutableDataToBlock does, and checks its hash; see
// [PayloadBlock]. The requests hash is set from version 4 on.
func Block(r *types.NewPayloadRequest) (*types.Block, error) {
	var requests [][]byte
	if r.Version >= 4 {
		requests = r.ExecutionRequests
		if requests == nil {
			requests = [][]byte{}
		}
	}
	return PayloadBlock(&r.Payload, r.VersionedHashes, r.ParentBeaconRoot, requests)
}

// PayloadBlock builds the block of payload p:
//
//   - the transactions are decoded strictly from their canonical encodings
//     and their blob hashes must equal versionedHashes, in order;
//   - the uncle hash is the empty list hash and the difficulty zero;
//   - the transactions root is the ordered-list root (trie.OrderedRoot) of
//     the transactions' canonical encodings, and the withdrawals root (when
//     withdrawals are non-nil) that of the withdrawals' RLP;
//   - the requests hash is set when requests is non-nil, the parent beacon
//     root when beaconRoot is non-nil, the blob gas fields and the slot
//     number when present, and the block access list hash, keccak256 of the
//     raw bytes, when the payload carries a non-empty access list.
//
// The block access list's bytes must be well-formed RLP; its structure is
// for the bal package to check (from p.BlockAccessList). Finally the block's
// hash must equal p.BlockHash: on a mismatch the built block is returned
// together with an error wrapping ErrBlockHashMismatch.
func PayloadBlock(p *types.ExecutionPayload, versionedHashes []types.Hash, beaconRoot *types.Hash, requests [][]byte) (*types.Block, error) {
	if len(p.ExtraData) > types.MaxExtraDataSize {
		return nil, fmt.Errorf("%w: extra data of %d bytes", types.ErrInvalidPayload, len(p.ExtraData))
	}
	var txs []*types.Transaction
	if n := len(p.Transactions); n > 0 {
		slab := make([]types.Transaction, n)
		txs = make([]*types.Transaction, n)
		for i, enc := range p.Transactions {
			if err := slab[i].DecodeCanonical(enc); err != nil {
				return nil, fmt.Errorf("%w: transaction %d: %w", types.ErrInvalidPayload, i, err)
			}
			txs[i] = &slab[i]
		}
	}
	k := 0
	for _, tx := range txs {
		for _, h := range tx.BlobHashes {
			if k >= len(versionedHashes) || versionedHashes[k] != h {
				return nil, fmt.Errorf("%w: blob hash %d is %s", ErrVersionedHashMismatch, k, h)
			}
			k++
		}
	}
	if k != len(versionedHashes) {
		return nil, fmt.Errorf("%w: %d blob hashes, %d versioned hashes", ErrVersionedHashMismatch, k, len(versionedHashes))
	}
	if p.BlockAccessList != nil {
		if len(p.BlockAccessList) == 0 {
			return nil, fmt.Errorf("%w: empty block access list", types.ErrInvalidPayload)
		}
		if err := rlp.Validate(p.BlockAccessList); err != nil {
			return nil, fmt.Errorf("%w: block access list: %w", types.ErrInvalidPayload, err)
		}
	}

	h := types.Header{
		ParentHash: p.ParentHash,
		UncleHash:  types.EmptyListHash,
		Coinbase:   p.FeeRecipient,
		Root:       p.StateRoot,
		TxHash: trie.OrderedRoot(len(p.Transactions), func(i int, dst []byte) []byte {
			return append(dst, p.Transactions[i]...)
		}),
		ReceiptHash: p.ReceiptsRoot,
		Bloom:       p.LogsBloom,
		Number:      p.BlockNumber,
		GasLimit:    p.GasLimit,
		GasUsed:     p.GasUsed,
		Time:        p.Timestamp,
		Extra:       p.ExtraData,
		MixDigest:   p.PrevRandao,
		BaseFee:     p.BaseFeePerGas,
		Optional:    types.FieldBaseFee,
	}
	if p.Withdrawals != nil {
		h.WithdrawalsHash = trie.OrderedRoot(len(p.Withdrawals), func(i int, dst []byte) []byte {
			return p.Withdrawals[i].AppendRLP(dst)
		})
		h.Optional |= types.FieldWithdrawalsHash
	}
	if p.BlobGasUsed != nil {
		h.BlobGasUsed = *p.BlobGasUsed
		h.Optional |= types.FieldBlobGasUsed
	}
	if p.ExcessBlobGas != nil {
		h.ExcessBlobGas = *p.ExcessBlobGas
		h.Optional |= types.FieldExcessBlobGas
	}
	if beaconRoot != nil {
		h.ParentBeaconRoot = *beaconRoot
		h.Optional |= types.FieldParentBeaconRoot
	}
	if requests != nil {
		h.RequestsHash = types.CalcRequestsHash(requests)
		h.Optional |= types.FieldRequestsHash
	}
	if len(p.BlockAccessList) > 0 {
		h.BlockAccessListHash = types.Keccak256One(p.BlockAccessList)
		h.Optional |= types.FieldBlockAccessListHash
	}
	if p.SlotNumber != nil {
		h.SlotNumber = *p.SlotNumber
		h.Optional |= types.FieldSlotNumber
	}
	blk := &types.Block{Header: h, Transactions: txs, Withdrawals: p.Withdrawals}
	if got := blk.Hash(); got != p.BlockHash {
		return blk, fmt.Errorf("%w: block %d: payload says %s, built %s", ErrBlockHashMismatch, p.BlockNumber, p.BlockHash, got)
	}
	return blk, nil
}
