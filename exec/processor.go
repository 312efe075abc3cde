package exec

import (
	"fmt"
	"runtime"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// System contracts and limits of pre- and post-execution.
var (
	BeaconRootsAddress        = types.MustHexToAddress("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02")
	HistoryStorageAddress     = types.MustHexToAddress("0x0000F90827F1C53a10cb7A02335B175320002935")
	WithdrawalQueueAddress    = types.MustHexToAddress("0x00000961Ef480Eb55e80D19ad83579A64c007002")
	ConsolidationQueueAddress = types.MustHexToAddress("0x0000BBdDc7CE488642fb579F8B00f3a590007251")
	BuilderDepositAddress     = types.MustHexToAddress("0x0000BFF46984E3725691FA540A8C7589300D8282")
	BuilderExitAddress        = types.MustHexToAddress("0x000064D678505AD48F8CCB093BC65613800E8282")

	depositTopic = types.MustHexToHash("0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5")
)

// requestQueues are the request system contracts called after the
// withdrawals, in order: EIP-7002 and EIP-7251 from Prague, then the two
// EIP-8282 builder queues from Amsterdam.
var requestQueues = [4]struct {
	addr types.Address
	typ  byte
}{
	{WithdrawalQueueAddress, WithdrawalRequestType},
	{ConsolidationQueueAddress, ConsolidationRequestType},
	{BuilderDepositAddress, BuilderDepositRequestType},
	{BuilderExitAddress, BuilderExitRequestType},
}

// Request types of EIP-7685.
const (
	DepositRequestType        = 0x00
	WithdrawalRequestType     = 0x01
	ConsolidationRequestType  = 0x02
	BuilderDepositRequestType = 0x03 // EIP-8282
	BuilderExitRequestType    = 0x04 // EIP-8282
)

// Result is what executing a block produced.
type Result struct {
	Receipts []*types.Receipt
	// GasUsed is the block's gas used as the header must state it.
	GasUsed      uint64
	BlobGasUsed  uint64
	Bloom        types.Bloom
	ReceiptsRoot types.Hash
	// Requests are the EIP-7685 requests (nil before Prague).
	Requests [][]byte
	// Updates are the accounts the block changed, for the state root.
	Updates []state.AccountUpdate
	// AccessList is the block access list built from execution (EIP-7928;
	// nil before Amsterdam).
	AccessList *bal.BlockAccessList
}

// Processor executes blocks sequentially, one transaction after another on
// one journaled state, in go-ethereum's order: pre-execution system calls,
// the transactions, withdrawals, then the request system calls.
//
// A Processor belongs to one goroutine and is reused from block to block;
// the code analyses it is given may be shared.
type Processor struct {
	cfg      *Config
	analyses evm.AnalysisCache
	sdb      *state.StateDB
	bs       *state.BlockState

	// Block access list building (Amsterdam): the fragment of the current
	// step and the builder it is merged into.
	amsterdam bool
	recordBAL bool
	frag      bal.Fragment
	builder   bal.Builder
	// forceRecord records the access list before Amsterdam too (tests and
	// benchmarks measure its cost with it).
	forceRecord bool
}

// NewProcessor returns a processor for the chain cfg. analyses may be nil
// (each EVM then keeps a private cache) or shared between processors. From
// Cancun it loads the KZG trusted setup of the point-evaluation precompile
// now (once per process), so that no block pays for it.
func NewProcessor(cfg *Config, analyses evm.AnalysisCache) *Processor {
	if cfg.CancunTime != nil {
		// An error is a defective embedded setup; the precompile reports it
		// on every call, so it is not lost here.
		_ = precompile.Warm()
	}
	if analyses == nil {
		analyses = evm.NewSharedAnalysisCache(1 << 12)
	}
	return &Processor{cfg: cfg, analyses: analyses, sdb: state.New(nil), bs: state.NewBlockState(nil)}
}

// Process executes block on the pre-state pre (the state after its parent).
// getHash answers BLOCKHASH for the 256 ancestors. It checks the body against
// execution (transactions, system calls) but not the header's result fields;
// use Validate for those. The pre-state is not modified: the changes are in
// Result.Updates.
func (p *Processor) Process(block *types.Block, pre state.Reader, getHash func(uint64) types.Hash) (*Result, error) {
	h := &block.Header
	rules, err := p.cfg.Rules(h.Number, h.Time)
	if err != nil {
		return nil, err
	}
	chainID := uint256.NewInt(p.cfg.ChainID)
	senders, err := types.RecoverSenders(block.Transactions, chainID, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTransaction, err)
	}
	bctx := evm.BlockContext{
		Coinbase:   h.Coinbase,
		Number:     h.Number,
		Time:       h.Time,
		GasLimit:   h.GasLimit,
		BaseFee:    h.BaseFee,
		PrevRandao: h.MixDigest,
		SlotNumber: h.SlotNumber,
		GetHash:    getHash,
	}
	if rules.IsCancun {
		bc, ok := p.cfg.BlobConfig(h.Time)
		if ok {
			bctx.BlobBaseFee = BlobBaseFee(h.ExcessBlobGas, bc.UpdateFraction)
		}
	}
	vm, err := evm.NewEVM(bctx, rules, evm.Config{Analyses: p.analyses})
	if err != nil {
		return nil, err
	}
	p.bs.Reset(pre)
	p.amsterdam = p.cfg.IsAmsterdam(h.Time)
	p.recordBAL = p.amsterdam || p.forceRecord
	p.builder.Reset()
	res := &Result{Receipts: make([]*types.Receipt, 0, len(block.Transactions))}
	postIndex := uint32(len(block.Transactions) + 1)

	// Pre-execution system calls at block access index 0: EIP-4788, then
	// EIP-2935.
	if rules.IsCancun && h.Has(types.FieldParentBeaconRoot) {
		if _, err := p.systemCall(vm, 0, BeaconRootsAddress, h.ParentBeaconRoot[:]); err != nil {
			return nil, err
		}
	}
	if rules.IsPrague {
		if _, err := p.systemCall(vm, 0, HistoryStorageAddress, h.ParentHash[:]); err != nil {
			return nil, err
		}
	}

	// Transactions.
	gp := evm.NewGasPool(h.GasLimit)
	blockHash := h.Hash()
	var (
		logIndex   uint
		cumulative uint64
	)
	for i, tx := range block.Transactions {
		if err := checkTxType(&rules, tx.Type); err != nil {
			return nil, fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
		}
		msg := evm.NewMessage(tx, senders[i], &h.BaseFee)
		p.beginStep()
		vm.Reset(p.sdb)
		out, err := evm.ApplyMessage(vm, &msg, gp)
		if err != nil {
			return nil, fmt.Errorf("%w: tx %d (%s): %w", ErrInvalidTransaction, i, tx.Hash(), err)
		}
		if err := p.endStep(uint32(i + 1)); err != nil {
			return nil, fmt.Errorf("tx %d: %w", i, err)
		}
		cumulative += out.UsedGas
		r := &types.Receipt{
			Type:              tx.Type,
			CumulativeGasUsed: cumulative,
			TxHash:            tx.Hash(),
			GasUsed:           out.UsedGas,
			EffectiveGasPrice: msg.GasPrice,
			BlockHash:         blockHash,
			BlockNumber:       h.Number,
			TransactionIndex:  uint(i),
		}
		if out.Failed() {
			r.Status = types.ReceiptStatusFailed
		} else {
			r.Status = types.ReceiptStatusSuccessful
		}
		if tx.IsCreate {
			r.ContractAddress = out.ContractAddress
		}
		if tx.Type == types.BlobTxType {
			r.BlobGasUsed = tx.BlobGas()
			r.BlobGasPrice = bctx.BlobBaseFee
			res.BlobGasUsed += r.BlobGasUsed
		}
		if logs := p.sdb.Logs(); len(logs) > 0 {
			r.Logs = make([]types.Log, len(logs))
			copy(r.Logs, logs)
			for j := range r.Logs {
				l := &r.Logs[j]
				l.BlockNumber, l.BlockHash, l.TxHash, l.TxIndex, l.Index = h.Number, blockHash, r.TxHash, uint(i), logIndex
				logIndex++
			}
		}
		r.Bloom = types.LogsBloom(r.Logs)
		res.Bloom.Or(&r.Bloom)
		res.Receipts = append(res.Receipts, r)
	}
	// The header's gas used: the sum of receipt gas before Amsterdam, the
	// larger of the summed execution and state gas from Amsterdam (EIP-8037);
	// the pool keeps both.
	res.GasUsed = gp.Used()

	// Post-execution at block access index n+1: withdrawals, then the
	// requests (deposit logs, then the queue contracts).
	if rules.IsShanghai {
		p.beginStep()
		p.sdb.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
		var amount uint256.Int
		gwei := uint256.NewInt(1_000_000_000)
		for _, w := range block.Withdrawals {
			amount.SetUint64(w.Amount)
			amount.Mul(&amount, gwei)
			p.sdb.AddBalance(w.Address, &amount)
		}
		if err := p.endStep(postIndex); err != nil {
			return nil, err
		}
	}
	if rules.IsPrague {
		res.Requests = [][]byte{}
		if err := p.depositRequests(res); err != nil {
			return nil, err
		}
		queues := requestQueues[:2]
		if p.cfg.EIPs(h.Time).Has(EIP8282) {
			queues = requestQueues[:]
		}
		for _, q := range queues {
			if err := p.requestCall(vm, postIndex, q.addr, q.typ, res); err != nil {
				return nil, err
			}
		}
	}
	res.ReceiptsRoot = trie.OrderedRoot(len(res.Receipts), func(i int, dst []byte) []byte {
		return res.Receipts[i].AppendConsensus(dst)
	})
	res.Updates = p.bs.Updates()
	if p.recordBAL {
		res.AccessList = p.builder.Build()
	}
	return res, nil
}

// beginStep starts a step of the block (a transaction, a system call, the
// withdrawals) on a fresh journaled state over the block state; under
// Amsterdam the step records its block access list fragment from its
// Prepare on.
func (p *Processor) beginStep() {
	p.sdb.Reset(p.bs)
	switch {
	case p.recordBAL && !p.amsterdam:
		p.frag.Reset()
		p.sdb.RecordInto(&p.frag)
	case p.recordBAL:
		p.frag.Reset()
		p.sdb.SetAmsterdam(&p.frag)
	}
}

// endStep finalises the current step, merges its changes into the block
// state and its fragment into the block access list under index.
func (p *Processor) endStep(index uint32) error {
	changes := p.sdb.Finalise()
	if err := p.sdb.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	if err := p.bs.Apply(changes); err != nil {
		return fmt.Errorf("%w: %w", ErrState, err)
	}
	if p.recordBAL {
		p.builder.Merge(index, &p.frag)
	}
	return nil
}

// systemCall runs a system call to addr as a step of its own at the given
// block access index.
func (p *Processor) systemCall(vm *evm.EVM, index uint32, addr types.Address, data []byte) ([]byte, error) {
	p.beginStep()
	vm.Reset(p.sdb)
	ret, callErr := vm.SystemCall(addr, data)
	if err := p.endStep(index); err != nil {
		return nil, err
	}
	return ret, callErr
}

// requestCall runs an EIP-7002/7251 queue contract and appends its request.
// A contract without code or a failing call makes the block invalid.
func (p *Processor) requestCall(vm *evm.EVM, index uint32, addr types.Address, typ byte, res *Result) error {
	p.sdb.Reset(p.bs)
	if p.sdb.GetCodeSize(addr) == 0 {
		return fmt.Errorf("%w: empty system contract: no code at %s", ErrSystemContract, addr)
	}
	ret, err := p.systemCall(vm, index, addr, nil)
	if err != nil {
		return fmt.Errorf("%w: system call to %s failed to execute: %w", ErrSystemContract, addr, err)
	}
	if len(ret) > 0 {
		req := make([]byte, 1+len(ret))
		req[0] = typ
		copy(req[1:], ret)
		res.Requests = append(res.Requests, req)
	}
	return nil
}

// depositRequests parses EIP-6110 deposit events of the deposit contract
// into one deposit request.
func (p *Processor) depositRequests(res *Result) error {
	req := []byte{DepositRequestType}
	for _, r := range res.Receipts {
		for i := range r.Logs {
			l := &r.Logs[i]
			if l.Address != p.cfg.DepositContractAddress || len(l.Topics) == 0 || l.Topics[0] != depositTopic {
				continue
			}
			var err error
			if req, err = appendDepositRequest(req, l.Data); err != nil {
				return err
			}
		}
	}
	if len(req) > 1 {
		res.Requests = append(res.Requests, req)
	}
	return nil
}

// appendDepositRequest appends the 192-byte request encoded in the ABI data
// of a DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount,
// bytes signature, bytes index): pubkey (48), credentials (32), amount (8),
// signature (96), index (8).
func appendDepositRequest(dst, data []byte) ([]byte, error) {
	if len(data) != 576 {
		return dst, fmt.Errorf("%w: deposit wrong length: want 576, have %d", ErrDepositLog, len(data))
	}
	// Five offset words, then each value preceded by its length word and
	// padded to 32 bytes.
	const (
		pubkey = 32*5 + 32
		creds  = pubkey + 64 + 32
		amount = creds + 32 + 32
		sig    = amount + 32 + 32
		index  = sig + 96 + 32
	)
	dst = append(dst, data[pubkey:pubkey+48]...)
	dst = append(dst, data[creds:creds+32]...)
	dst = append(dst, data[amount:amount+8]...)
	dst = append(dst, data[sig:sig+96]...)
	return append(dst, data[index:index+8]...), nil
}

// checkTxType rejects transaction types the fork does not accept.
func checkTxType(rules *evm.Rules, typ uint8) error {
	switch typ {
	case types.LegacyTxType, types.AccessListTxType, types.DynamicFeeTxType:
		return nil
	case types.BlobTxType:
		if rules.IsCancun {
			return nil
		}
	case types.SetCodeTxType:
		if rules.IsPrague {
			return nil
		}
	}
	return fmt.Errorf("%w: type %d", ErrTxTypeNotActive, typ)
}

// Validate compares a block's header with the result of executing it, in
// go-ethereum's order: gas used, bloom, receipts root, requests hash, the
// block access list built by execution (its hash against the header's, then
// the size rule), and the state root (computed by the caller from
// Result.Updates).
func Validate(h *types.Header, res *Result, stateRoot types.Hash) error {
	if h.GasUsed != res.GasUsed {
		return fmt.Errorf("%w: header %d, execution %d", ErrGasUsedMismatch, h.GasUsed, res.GasUsed)
	}
	if h.Bloom != res.Bloom {
		return fmt.Errorf("%w: header %x, execution %x", ErrBloomMismatch, h.Bloom[:], res.Bloom[:])
	}
	if h.ReceiptHash != res.ReceiptsRoot {
		return fmt.Errorf("%w: header %s, execution %s", ErrReceiptsRootMismatch, h.ReceiptHash, res.ReceiptsRoot)
	}
	if res.Requests != nil {
		want := types.CalcRequestsHash(res.Requests)
		if !h.Has(types.FieldRequestsHash) || h.RequestsHash != want {
			return fmt.Errorf("%w: header %s, execution %s", ErrRequestsHashMismatch, h.RequestsHash, want)
		}
	}
	if res.AccessList != nil {
		if !h.Has(types.FieldBlockAccessListHash) {
			return fmt.Errorf("%w: header has no block access list hash", ErrBALHashMismatch)
		}
		if got := res.AccessList.Hash(); got != h.BlockAccessListHash {
			return fmt.Errorf("%w: local %s, remote %s", ErrBALHashMismatch, got, h.BlockAccessListHash)
		}
		// The size rule holds for the list execution built, too.
		if err := res.AccessList.Validate(h.GasLimit, len(res.Receipts)); err != nil {
			return fmt.Errorf("%w: built list: %w", ErrInvalidBAL, err)
		}
	}
	if h.Root != stateRoot {
		return fmt.Errorf("%w: header %s, execution %s", ErrStateRootMismatch, h.Root, stateRoot)
	}
	return nil
}
