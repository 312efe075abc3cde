package exec

import (
	"fmt"
	"time"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec/evm"
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
	// Root is the post-state root and Nodes the trie nodes it needs that the
	// parent state lacks, when the processor merkleized the updates
	// (ParallelProcessor.Process, Chain); zero after Processor.Process.
	Root  types.Hash
	Nodes trie.NodeSet

	// Timings says where the block's time went.
	Timings Timings

	logCount uint // logs so far, for block-wide log indices
}

// Timings break a block's processing time down. Durations are wall-clock
// time. On the parallel path the steps run on Workers goroutines: Steps
// holds each step's own duration in block access index order (index 0, the
// transactions, n+1), StepsTotal their sum, so StepsTotal/Execution is the
// parallelism achieved and LongestStep bounds how fast the block can run;
// Senders is the part of StepsTotal spent recovering senders the
// transactions did not carry. Gather is the in-order gather's own work
// (overlapping the steps), Finish the serial part after the last step
// (requests, the list comparison, waiting for the root: RootWait), Root the
// root goroutine's own time. On the sequential path Execution covers the
// steps (sender recovery overlaps them on other goroutines) and Root the
// merkleization after them, when the caller merkleized.
type Timings struct {
	ListCheck   time.Duration // decoding, hashing and validating a supplied list (Chain)
	Execution   time.Duration // running the steps, up to the last one gathered
	Steps       []time.Duration
	StepsTotal  time.Duration // sum of the steps' durations
	LongestStep time.Duration // the slowest step (transaction or system group)
	Senders     time.Duration // of StepsTotal, sender recovery
	Gather      time.Duration
	Finish      time.Duration
	Root        time.Duration // the state root: its own goroutine (parallel), after execution (sequential)
	RootWait    time.Duration // of Finish, waiting for the root
	Workers     int           // goroutines that ran the steps (1 on the sequential path)
	Total       time.Duration
}

// blockEnv is what every step of one block shares, read-only: the rules,
// the EVM's block context, the request queues of the fork.
type blockEnv struct {
	cfg       *chainspec.Config
	block     *types.Block
	rules     evm.Rules
	ctx       evm.BlockContext
	blockHash types.Hash
	amsterdam bool
	queues    []struct {
		addr types.Address
		typ  byte
	}
}

// newBlockEnv checks the fork and builds the block context.
func newBlockEnv(cfg *chainspec.Config, block *types.Block, getHash func(uint64) types.Hash) (*blockEnv, error) {
	h := &block.Header
	rules, err := cfg.Rules(h.Number, h.Time)
	if err != nil {
		return nil, err
	}
	env := &blockEnv{
		cfg: cfg, block: block, rules: rules, blockHash: h.Hash(),
		amsterdam: cfg.IsAmsterdam(h.Time),
		ctx: evm.BlockContext{
			Coinbase:   h.Coinbase,
			Number:     h.Number,
			Time:       h.Time,
			GasLimit:   h.GasLimit,
			BaseFee:    h.BaseFee,
			PrevRandao: h.MixDigest,
			SlotNumber: h.SlotNumber,
			GetHash:    getHash,
		},
	}
	if rules.IsCancun {
		if bc, ok := cfg.BlobConfig(h.Time); ok {
			env.ctx.BlobBaseFee = BlobBaseFee(h.ExcessBlobGas, bc.UpdateFraction)
		}
	}
	if rules.IsPrague {
		env.queues = requestQueues[:2]
		if cfg.EIPs(h.Time).Has(chainspec.EIP8282) {
			env.queues = requestQueues[:]
		}
	}
	return env, nil
}

// postIndex is the block access index of post-execution.
func (env *blockEnv) postIndex() uint32 { return uint32(len(env.block.Transactions) + 1) }

// stepper runs the steps of a block (transactions, system calls,
// withdrawals) one after another, each on a fresh journaled state over a
// block state that accumulates their changes. When frag is set each step
// records its block access list fragment into it.
type stepper struct {
	sdb       *state.StateDB
	bs        *state.BlockState
	frag      *bal.Fragment // nil: no recording
	amsterdam bool          // Amsterdam rules (else recording only, for measurements)
}

func newStepper() stepper {
	return stepper{sdb: state.New(nil), bs: state.NewBlockState(nil)}
}

// begin starts a step. The fragment is not reset: the caller decides
// whether a step has a fragment of its own or shares one with the other
// steps of its index.
func (s *stepper) begin() {
	s.sdb.Reset(s.bs)
	switch {
	case s.amsterdam:
		s.sdb.SetAmsterdam(s.frag)
	case s.frag != nil:
		s.sdb.RecordInto(s.frag)
	}
}

// end finalises the step and merges its changes into the block state. It
// returns the step's changes (owned by the state, valid until the next step).
func (s *stepper) end() (*state.Changes, error) {
	changes := s.sdb.Finalise()
	if err := s.sdb.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	if err := s.bs.Apply(changes); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	return changes, nil
}

// systemCall runs a system call to addr as a step of its own.
func (s *stepper) systemCall(vm *evm.EVM, addr types.Address, data []byte) ([]byte, error) {
	s.begin()
	vm.Reset(s.sdb)
	ret, callErr := vm.SystemCall(addr, data)
	if _, err := s.end(); err != nil {
		return nil, err
	}
	return ret, callErr
}

// preExecution runs the system calls before the transactions (block access
// index 0): EIP-4788, then EIP-2935.
func (s *stepper) preExecution(env *blockEnv, vm *evm.EVM) error {
	h := &env.block.Header
	if env.rules.IsCancun && h.Has(types.FieldParentBeaconRoot) {
		if _, err := s.systemCall(vm, BeaconRootsAddress, h.ParentBeaconRoot[:]); err != nil {
			return err
		}
	}
	if env.rules.IsPrague {
		if _, err := s.systemCall(vm, HistoryStorageAddress, h.ParentHash[:]); err != nil {
			return err
		}
	}
	return nil
}

// withdrawals credits the block's withdrawals as one step.
func (s *stepper) withdrawals(ws []types.Withdrawal) error {
	s.begin()
	s.sdb.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	var amount uint256.Int
	gwei := uint256.NewInt(1_000_000_000)
	for _, w := range ws {
		amount.SetUint64(w.Amount)
		amount.Mul(&amount, gwei)
		s.sdb.AddBalance(w.Address, &amount)
	}
	_, err := s.end()
	return err
}

// queueRequests runs the request system contracts (EIP-7002, EIP-7251 and
// from Amsterdam EIP-8282) as steps and returns their requests, type byte
// first. A contract without code or a failing call makes the block invalid.
func (s *stepper) queueRequests(env *blockEnv, vm *evm.EVM) ([][]byte, error) {
	var reqs [][]byte
	for _, q := range env.queues {
		s.sdb.Reset(s.bs)
		if s.sdb.GetCodeSize(q.addr) == 0 {
			return nil, fmt.Errorf("%w: no code at %s", ErrSystemContractEmpty, q.addr)
		}
		ret, err := s.systemCall(vm, q.addr, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: call to %s: %w", ErrSystemContractFailed, q.addr, err)
		}
		if len(ret) > 0 {
			req := make([]byte, 1+len(ret))
			req[0] = q.typ
			copy(req[1:], ret)
			reqs = append(reqs, req)
		}
	}
	return reqs, nil
}

// postExecution runs the steps after the transactions (block access index
// n+1): the withdrawals, then the request system contracts.
func (s *stepper) postExecution(env *blockEnv, vm *evm.EVM) ([][]byte, error) {
	if env.rules.IsShanghai {
		if err := s.withdrawals(env.block.Withdrawals); err != nil {
			return nil, err
		}
	}
	return s.queueRequests(env, vm)
}

// makeReceipt builds transaction i's receipt from its execution, except
// what depends on the transactions before it (cumulative gas, log indices)
// and its bloom, which types.SetBlooms sets for many receipts at once. The
// logs are copied out of the state.
func (env *blockEnv) makeReceipt(i int, msg *evm.Message, out *evm.ExecutionResult, logs []types.Log) *types.Receipt {
	tx := env.block.Transactions[i]
	r := &types.Receipt{
		Type:              tx.Type,
		TxHash:            tx.Hash(),
		GasUsed:           out.UsedGas,
		EffectiveGasPrice: msg.GasPrice,
		BlockHash:         env.blockHash,
		BlockNumber:       env.ctx.Number,
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
		r.BlobGasPrice = env.ctx.BlobBaseFee
	}
	if len(logs) > 0 {
		r.Logs = make([]types.Log, len(logs))
		copy(r.Logs, logs)
		for j := range r.Logs {
			l := &r.Logs[j]
			l.BlockNumber, l.BlockHash, l.TxHash, l.TxIndex = env.ctx.Number, env.blockHash, r.TxHash, uint(i)
		}
	}
	return r
}

// addReceipt appends a receipt in block order: it sets the cumulative gas
// and the block-wide log indices. The receipt's bloom is set and folded into
// the block's apart: by setBlooms on the sequential path, by the gather on
// the parallel one.
func (res *Result) addReceipt(r *types.Receipt) {
	r.CumulativeGasUsed = r.GasUsed
	if n := len(res.Receipts); n > 0 {
		r.CumulativeGasUsed += res.Receipts[n-1].CumulativeGasUsed
	}
	for j := range r.Logs {
		r.Logs[j].Index = res.logCount
		res.logCount++
	}
	res.BlobGasUsed += r.BlobGasUsed
	res.Receipts = append(res.Receipts, r)
}

// setBlooms sets the bloom of every receipt and folds them into the
// block's.
func (res *Result) setBlooms() {
	types.SetBlooms(res.Receipts)
	for _, r := range res.Receipts {
		res.Bloom.Or(&r.Bloom)
	}
}

// finishRequests completes a result's requests once all receipts are in:
// the deposit logs first, then the queue contracts' requests.
func (res *Result) finishRequests(env *blockEnv, queueReqs [][]byte) error {
	if env.rules.IsPrague {
		res.Requests = [][]byte{}
		if err := res.depositRequests(env.cfg.DepositContractAddress); err != nil {
			return err
		}
		res.Requests = append(res.Requests, queueReqs...)
	}
	return nil
}

// receiptsRoot computes the receipts root from all receipts.
func (res *Result) receiptsRoot() {
	res.ReceiptsRoot = trie.OrderedRoot(len(res.Receipts), func(i int, dst []byte) []byte {
		return res.Receipts[i].AppendConsensus(dst)
	})
}

// depositRequests parses the EIP-6110 deposit events of the deposit contract
// into one deposit request.
func (res *Result) depositRequests(contract types.Address) error {
	req := []byte{DepositRequestType}
	for _, r := range res.Receipts {
		for i := range r.Logs {
			l := &r.Logs[i]
			if l.Address != contract || len(l.Topics) == 0 || l.Topics[0] != depositTopic {
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
// signature (96), index (8). Like go-ethereum v1.17.10 it checks the
// length only: a log of that length with another layout (the specification
// checks the ABI offsets and sizes) is read at the fixed positions.
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
	return validate(h, res, stateRoot, nil)
}

// validate is Validate, told the supplied list when it was checked against
// the header before execution (its hash, and bal.Validate for the block):
// a built list equal to it, entry for entry, then has the header's hash and
// keeps the size rule, without being encoded and hashed again (a millisecond
// for a block of 2,700 transfers).
func validate(h *types.Header, res *Result, stateRoot types.Hash, checked *bal.BlockAccessList) error {
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
	if res.AccessList != nil && (checked == nil || !bal.Equal(res.AccessList, checked)) {
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
