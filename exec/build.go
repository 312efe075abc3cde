package exec

import (
	"context"
	"fmt"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
)

// BuildAttributes are what a block builder is told about the block to
// build on the chain's head, as the consensus layer's payload attributes
// give them (plus the gas limit, which a client chooses itself).
type BuildAttributes struct {
	// Timestamp must be after the parent's; it decides the fork.
	Timestamp    uint64
	FeeRecipient types.Address
	// PrevRandao is the header's mix digest.
	PrevRandao types.Hash
	// GasLimit is the block's gas limit; 0 keeps the parent's. A change
	// must stay within the parent's limit / 1024.
	GasLimit uint64
	// ParentBeaconRoot is used from Cancun (EIP-4788).
	ParentBeaconRoot types.Hash
	// Withdrawals are credited from Shanghai (nil is no withdrawals); they
	// must be absent before.
	Withdrawals []types.Withdrawal
	// SlotNumber is used from Amsterdam (EIP-7843).
	SlotNumber uint64
	// Extra is the header's extra data (at most 32 bytes).
	Extra []byte
}

// BuiltBlock is a block the builder sealed, with what executing it gave.
type BuiltBlock struct {
	// Block is the sealed block: every header field filled in, its body the
	// transactions and withdrawals given.
	Block *types.Block
	// AccessList is the block access list execution built (EIP-7928), and
	// AccessListRLP its encoding, the form InsertWithAccessList and the
	// engine API take; both nil before Amsterdam.
	AccessList    *bal.BlockAccessList
	AccessListRLP []byte
	// Result is the execution's result: receipts (with the sealed block's
	// hash in them and their logs), gas, requests, account updates.
	Result *Result
}

// BuildBlock builds the block of txs on the chain's head: it fills in the
// header's inputs from attrs and the parent (number, parent hash, base fee
// by CalcBaseFee, excess blob gas by CalcExcessBlobGas, transactions and
// withdrawals roots, which optional fields the fork at attrs.Timestamp
// has), executes the block on the head's state with the sequential
// processor, which builds the block access list from Amsterdam, and seals
// it: gas used, bloom, receipts root, blob gas used, requests hash, block
// access list hash, and the state root computed against the parent's.
//
// The transactions are included as given, in order: there is no selection.
// A transaction that cannot be included (bad signature or nonce, too little
// balance or gas, no room left in the block, a type the fork does not
// take) fails the build with an error wrapping ErrInvalidTransaction and
// naming its index. Attributes that make an invalid header fail with the
// header check's sentinel (ErrInvalidTimestamp, ErrInvalidGasLimit, ...).
//
// BuildBlock does not change the chain: the caller imports the block with
// InsertWithAccessList(ctx, built.Block, built.AccessListRLP) (or Insert),
// which accepts it. It reads the head's state through the chain's cache
// (which it warms). It uses the senders cached on the transactions (see
// types.Transaction.SetSender) and recovers the others. When ctx ends it
// stops with ctx.Err().
func (c *Chain) BuildBlock(ctx context.Context, attrs *BuildAttributes, txs []*types.Transaction) (*BuiltBlock, error) {
	parent := c.Head()
	block, err := c.newBlock(parent, attrs, txs)
	if err != nil {
		return nil, err
	}
	h := &block.Header
	pre, err := c.stateCache(parent)
	if err != nil {
		return nil, fmt.Errorf("build block %d: %w: parent state: %w", h.Number, ErrDatabase, err)
	}
	getHash, err := BlockHashes(parent, c.header)
	if err != nil {
		return nil, fmt.Errorf("build block %d: %w: BLOCKHASH history: %w", h.Number, ErrDatabase, err)
	}
	res, err := NewProcessor(c.cfg, nil).Process(ctx, block, pre, getHash)
	if err != nil {
		return nil, fmt.Errorf("build block %d: %w", h.Number, err)
	}
	// The nodes of the new state are dropped: the chain gets them when the
	// block is imported.
	root, _, err := trie.UpdateStateContext(ctx, parent.Root, c.db.Nodes(), res.Updates)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("build block %d: %w: state root: %w", h.Number, ErrState, err)
	}
	h.Root = root
	h.GasUsed = res.GasUsed
	h.Bloom = res.Bloom
	h.ReceiptHash = res.ReceiptsRoot
	if h.Has(types.FieldRequestsHash) {
		h.RequestsHash = types.CalcRequestsHash(res.Requests)
	}
	out := &BuiltBlock{Block: block, Result: res}
	if res.AccessList != nil {
		h.BlockAccessListHash = res.AccessList.Hash()
		out.AccessList = res.AccessList
		out.AccessListRLP = res.AccessList.EncodeRLP()
	}
	// The checks of an import, on the sealed block: they fail only when no
	// header could make the block valid (the access list over its size
	// rule, the block over its size cap).
	if err := Validate(h, res, root); err != nil {
		return nil, fmt.Errorf("build block %d: %w", h.Number, err)
	}
	if err := ValidateBody(c.cfg, block); err != nil {
		return nil, fmt.Errorf("build block %d: %w", h.Number, err)
	}
	hash := h.Hash()
	for _, r := range res.Receipts {
		r.BlockHash = hash
		for i := range r.Logs {
			r.Logs[i].BlockHash = hash
		}
	}
	return out, nil
}

// newBlock returns the unsealed block of txs on parent with the
// attributes: every header field but the results of execution, checked as
// an import checks a header (ValidateHeader).
func (c *Chain) newBlock(parent *types.Header, attrs *BuildAttributes, txs []*types.Transaction) (*types.Block, error) {
	cfg, t := c.cfg, attrs.Timestamp
	b := &types.Block{Transactions: txs}
	h := &b.Header
	*h = types.Header{
		ParentHash:  parent.Hash(),
		UncleHash:   types.EmptyListHash,
		Coinbase:    attrs.FeeRecipient,
		TxHash:      trie.OrderedRoot(len(txs), func(i int, dst []byte) []byte { return txs[i].AppendCanonical(dst) }),
		ReceiptHash: types.EmptyRootHash,
		Number:      parent.Number + 1,
		GasLimit:    attrs.GasLimit,
		Time:        t,
		Extra:       attrs.Extra,
		MixDigest:   attrs.PrevRandao,
	}
	if h.GasLimit == 0 {
		h.GasLimit = parent.GasLimit
	}
	if cfg.IsLondon(h.Number) {
		fee, err := CalcBaseFee(cfg, parent)
		if err != nil {
			return nil, fmt.Errorf("build block %d: %w", h.Number, err)
		}
		h.BaseFee = fee
		h.Optional |= types.FieldBaseFee
	}
	switch {
	case cfg.IsShanghai(t):
		b.Withdrawals = attrs.Withdrawals
		if b.Withdrawals == nil {
			b.Withdrawals = []types.Withdrawal{}
		}
		ws := b.Withdrawals
		h.WithdrawalsHash = trie.OrderedRoot(len(ws), func(i int, dst []byte) []byte { return ws[i].AppendRLP(dst) })
		h.Optional |= types.FieldWithdrawalsHash
	case attrs.Withdrawals != nil:
		return nil, fmt.Errorf("build block %d: %w: %d before Shanghai", h.Number, ErrUnexpectedWithdrawals, len(attrs.Withdrawals))
	}
	if cfg.IsCancun(t) {
		excess, err := CalcExcessBlobGas(cfg, parent, t)
		if err != nil {
			return nil, fmt.Errorf("build block %d: %w", h.Number, err)
		}
		h.ExcessBlobGas = excess
		for _, tx := range txs {
			h.BlobGasUsed += tx.BlobGas()
		}
		h.ParentBeaconRoot = attrs.ParentBeaconRoot
		h.Optional |= types.FieldBlobGasUsed | types.FieldExcessBlobGas | types.FieldParentBeaconRoot
	}
	if cfg.IsPrague(t) {
		h.Optional |= types.FieldRequestsHash
	}
	if cfg.IsAmsterdam(t) {
		h.SlotNumber = attrs.SlotNumber
		h.Optional |= types.FieldBlockAccessListHash | types.FieldSlotNumber
	}
	if err := ValidateHeader(cfg, parent, h); err != nil {
		return nil, fmt.Errorf("build block %d: %w", h.Number, err)
	}
	return b, nil
}
