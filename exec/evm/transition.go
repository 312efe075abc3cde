package evm

import (
	"bytes"
	"fmt"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Message is a transaction as the state transition sees it: sender
// recovered, fees resolved against the block's base fee.
type Message struct {
	// Type is the transaction type (types.LegacyTxType ..
	// types.SetCodeTxType). It decides which of the blob and set-code checks
	// apply; a message with blob hashes or authorizations is checked as a
	// blob or set-code transaction whatever its Type.
	Type     uint8
	From     types.Address
	To       types.Address // ignored when IsCreate
	IsCreate bool
	Nonce    uint64
	Value    uint256.Int
	GasLimit uint64
	// GasPrice is the effective price per gas: min(GasFeeCap, base fee +
	// GasTipCap), or the gas price of a legacy or access-list transaction.
	GasPrice uint256.Int
	// GasFeeCap and GasTipCap are the EIP-1559 caps; for legacy and
	// access-list transactions both equal the gas price.
	GasFeeCap  uint256.Int
	GasTipCap  uint256.Int
	Data       []byte
	AccessList types.AccessList
	BlobHashes []types.Hash
	BlobFeeCap uint256.Int
	AuthList   []types.Authorization
}

// NewMessage returns the message of tx sent by from, in a block with
// baseFee. The message aliases tx's slices.
func NewMessage(tx *types.Transaction, from types.Address, baseFee *uint256.Int) Message {
	return Message{
		Type:       tx.Type,
		From:       from,
		To:         tx.To,
		IsCreate:   tx.IsCreate,
		Nonce:      tx.Nonce,
		Value:      tx.Value,
		GasLimit:   tx.Gas,
		GasPrice:   tx.EffectiveGasPrice(baseFee),
		GasFeeCap:  tx.FeeCap(),
		GasTipCap:  tx.TipCap(),
		Data:       tx.Data,
		AccessList: tx.AccessList,
		BlobHashes: tx.BlobHashes,
		BlobFeeCap: tx.BlobFeeCap,
		AuthList:   tx.AuthList,
	}
}

func (m *Message) isBlob() bool    { return m.Type == types.BlobTxType || len(m.BlobHashes) > 0 }
func (m *Message) isSetCode() bool { return m.Type == types.SetCodeTxType || len(m.AuthList) > 0 }

// blobGas returns the blob gas of the message.
func (m *Message) blobGas() uint64 { return uint64(len(m.BlobHashes)) * BlobGasPerBlob }

// ExecutionResult is the outcome of a transaction that was valid and thus
// executed, whether or not its execution succeeded.
type ExecutionResult struct {
	// UsedGas is the gas the transaction is charged: after the refund and
	// raised to the EIP-7623 floor. It is the receipt's gas used.
	UsedGas uint64
	// MaxUsedGas is the gas used before the refund, or the floor if that
	// is higher.
	MaxUsedGas uint64
	// RefundedGas is the refund applied (EIP-3529: at most a fifth of the
	// gas used).
	RefundedGas uint64
	// FloorDataGas is the EIP-7623 calldata floor (zero before Prague).
	FloorDataGas uint64
	// ExecutionGas and StateGas are what the transaction adds to the two
	// dimensions of the block's gas (EIP-8037), the amounts
	// GasPool.ChargeGasAmsterdam takes: StateGas is the state gas of the
	// transaction's surviving state growth (with its intrinsic state gas in
	// full under the tests-bal@v5.7.0 revision), ExecutionGas the rest of the
	// gas used before the refund, raised to the calldata floor. Before
	// Amsterdam StateGas is zero and ExecutionGas is MaxUsedGas.
	ExecutionGas uint64
	StateGas     uint64
	// Err is the error that ended the top frame, nil on success. It is one
	// of the execution errors (ErrOutOfGas, ErrExecutionReverted, ...).
	Err error
	// ReturnData is the output of the top frame (revert data when Err is
	// ErrExecutionReverted), owned by the caller.
	ReturnData []byte
	// ContractAddress is the address a creation deploys to (set even when
	// the creation fails); zero for calls.
	ContractAddress types.Address
}

// Failed reports whether the execution failed (the receipt's status 0).
func (r *ExecutionResult) Failed() bool { return r.Err != nil }

// ApplyMessage executes msg on the EVM's state (set with EVM.Reset) and
// charges its gas to gp.
//
// A consensus error (ErrNonceTooLow, ErrInsufficientFunds, ...; wrapped with
// the sender and the values involved) means the transaction is invalid and
// cannot be in a block. The errors of the checks before execution leave the
// state and gp untouched; from Amsterdam two can come after execution, when
// the state has been changed and must be discarded: ErrGasLimitReached from
// charging the block's two dimensions, and ErrStateGasAccounting (which
// valid input never produces). Otherwise the transaction is applied,
// whether its execution succeeded or not, and the result describes it.
//
// The checks run in go-ethereum v1.17.10's order, so that an invalid
// transaction reports the same error: nonce, gas limit cap (Osaka; from
// Amsterdam the total cap), sender is an EOA, fee caps, blob and set-code
// shape, initcode size, block gas, balance, intrinsic gas, calldata floor
// (Prague), from Amsterdam the cap on the larger of the two, value.
//
// Once the transaction is valid, ApplyMessage starts it on the state (see
// Preparer: the access list starts with the sender, recipient,
// precompiles, the transaction's access list and the coinbase; from
// Amsterdam the block access list records from here). It does not finalise
// the state: the caller does that afterwards (self-destructs, EIP-161
// empty-account deletion, EIP-8246 survivors); from Amsterdam without
// EIP-8246 it burns itself what self-destructed accounts hold once the fees
// are paid, so that none survives. The refund counter and logs must be
// empty when it starts.
func ApplyMessage(evm *EVM, msg *Message, gp *GasPool) (ExecutionResult, error) {
	evm.Tx = TxContext{Origin: msg.From, GasPrice: msg.GasPrice, BlobHashes: msg.BlobHashes}
	evm.depth = 0
	evm.readOnly = false
	evm.returnData = nil
	rules := &evm.rules

	cost, err := evm.preCheck(msg, gp)
	if err != nil {
		return ExecutionResult{}, err
	}
	// The intrinsic gas: its state part is zero except under the
	// tests-bal@v5.7.0 EIP-8037, which charges a creation's account and the
	// authorizations' accounts and delegations up front.
	intrinsic, err := rules.IntrinsicGas(msg)
	if err != nil {
		return ExecutionResult{}, fmt.Errorf("%w: address %v", err, msg.From)
	}
	intrinsicState, err := evm.intrinsicStateGas(msg)
	if err != nil {
		return ExecutionResult{}, fmt.Errorf("%w: address %v", err, msg.From)
	}
	if total, overflow := add64(intrinsic, intrinsicState); overflow || msg.GasLimit < total {
		return ExecutionResult{}, fmt.Errorf("%w: address %v, have %d, want %d", ErrIntrinsicGas, msg.From, msg.GasLimit, total)
	}
	var floor uint64
	if rules.IsPrague {
		if floor, err = rules.FloorDataGas(msg); err != nil {
			return ExecutionResult{}, fmt.Errorf("%w: address %v", err, msg.From)
		}
		if msg.GasLimit < floor {
			return ExecutionResult{}, fmt.Errorf("%w: address %v, have %d, want %d", ErrFloorDataGas, msg.From, msg.GasLimit, floor)
		}
	}
	// From Amsterdam the gas limit may exceed MaxTxGas, but what the
	// transaction pays before execution in execution gas may not.
	if rules.EIP7825Amended && max(intrinsic, floor) > MaxTxGas {
		return ExecutionResult{}, fmt.Errorf("%w: address %v, intrinsic %d, floor %d, cap %d", ErrFloorDataGas, msg.From, intrinsic, floor, MaxTxGas)
	}
	// The value must be affordable from what is left after buying gas.
	if !msg.Value.IsZero() {
		bal := evm.state.GetBalance(msg.From)
		if _, underflow := bal.SubOverflow(&bal, &cost); underflow || bal.Lt(&msg.Value) {
			return ExecutionResult{}, fmt.Errorf("%w: address %v", ErrInsufficientFundsForTransfer, msg.From)
		}
	}

	// The transaction is valid: from here on it is applied.
	if !rules.EIP8037 {
		gp.reserve(msg.GasLimit)
	}
	st := evm.state
	evm.amount = cost
	st.SubBalance(msg.From, &evm.amount)
	evm.prepare(msg)

	budget := evm.txBudget(msg.GasLimit, intrinsic, intrinsicState)
	evm.authCredit = 0
	evm.destructs = evm.destructs[:0]
	result := ExecutionResult{FloorDataGas: floor}
	var (
		ret   []byte
		vmerr error
	)
	if msg.IsCreate {
		result.ContractAddress = types.CreateAddress(msg.From, msg.Nonce)
		ret, vmerr = evm.executeCreate(msg, &budget)
	} else {
		ret, vmerr = evm.executeCall(msg, &budget)
	}
	if rules.stateGasBalV570() {
		evm.refundDestructed(&budget)
	}

	// Settle: the two dimensions (EIP-8037), refund, floor, block gas, the
	// sender's change and the tip. The state dimension counts the intrinsic
	// state gas in full, even what an existing authority credited back to
	// the reservoir (authCredit), which the execution dimension therefore
	// does not count as used.
	stateUsed := int64(intrinsicState) + budget.UsedState
	if stateUsed < 0 {
		return ExecutionResult{}, fmt.Errorf("%w: address %v, state gas %d", ErrStateGasAccounting, msg.From, stateUsed)
	}
	stateGas := uint64(stateUsed)
	gasLeft := budget.Total()
	usedBeforeRefund := msg.GasLimit - gasLeft
	if usedBeforeRefund+evm.authCredit < stateGas {
		return ExecutionResult{}, fmt.Errorf("%w: address %v, gas used %d, state gas %d", ErrStateGasAccounting, msg.From, usedBeforeRefund, stateGas)
	}
	execGas := max(usedBeforeRefund+evm.authCredit-stateGas, floor)
	refund := min(usedBeforeRefund/RefundQuotient, st.GetRefund())
	gasLeft += refund
	used := usedBeforeRefund - refund
	peak := usedBeforeRefund
	if rules.IsPrague && used < floor {
		gasLeft -= floor - used
		used = floor
		peak = max(peak, floor)
	}
	if rules.EIP8037 {
		if err := gp.ChargeGasAmsterdam(execGas, stateGas, used); err != nil {
			return ExecutionResult{}, fmt.Errorf("%w: address %v", err, msg.From)
		}
	} else {
		gp.settleLegacy(gasLeft, used) // gasLeft is at most what was reserved
	}
	if gasLeft > 0 {
		change := &evm.amount
		change.SetUint64(gasLeft)
		change.Mul(change, &msg.GasPrice)
		st.AddBalance(msg.From, change)
	}
	var tip uint256.Int
	tip.Sub(&msg.GasPrice, &evm.Block.BaseFee)
	fee := &evm.amount
	fee.SetUint64(used)
	fee.Mul(fee, &tip)
	st.AddBalance(evm.Block.Coinbase, fee)
	if rules.burnsDestructed() {
		evm.burnDestructed()
	}

	result.UsedGas = used
	result.MaxUsedGas = peak
	result.RefundedGas = refund
	result.ExecutionGas = execGas
	result.StateGas = stateGas
	result.Err = vmerr
	if len(ret) > 0 {
		result.ReturnData = bytes.Clone(ret)
	}
	return result, nil
}

// txBudget returns the gas a transaction with gasLimit and the given
// intrinsic gas (execution and state parts) starts execution with. From
// Amsterdam (EIP-7825 as amended by EIP-8037) the execution gas is capped
// so that the execution part of the intrinsic gas plus the execution gas
// stay within MaxTxGas, and the rest of the gas limit is the state-gas
// reservoir. REQUIRES: intrinsic+intrinsicState <= gasLimit and, with the
// cap, intrinsic <= MaxTxGas.
func (evm *EVM) txBudget(gasLimit, intrinsic, intrinsicState uint64) Gas {
	evmGas := gasLimit - intrinsic - intrinsicState
	execGas := evmGas
	if evm.rules.EIP7825Amended {
		execGas = min(MaxTxGas-intrinsic, evmGas)
	}
	return evm.newGas(execGas, evmGas-execGas)
}

// executeCall runs the top frame of a message call on budget and returns
// its output and error. The sender's nonce is bumped first (it persists
// whatever happens). From Amsterdam (EIP-2780) the authorizations and the
// recipient's runtime charges come before the frame, under a snapshot: if
// any runs out of gas, their changes are undone and the transaction halts
// without entering the frame (execution gas burnt, reservoir kept). A failed
// frame refills the recipient's new-account state gas while the recipient
// stays empty, and a halted one burns the execution gas that refill may have
// repaid.
func (evm *EVM) executeCall(msg *Message, budget *Gas) ([]byte, error) {
	st := evm.state
	st.SetNonce(msg.From, st.GetNonce(msg.From)+1)
	if evm.rules.EIP2780 {
		snapshot := st.Snapshot()
		if !evm.applyAuthorizations(msg, budget) || !evm.chargeRecipient(msg, budget) {
			st.RevertToSnapshot(snapshot)
			*budget = budget.exitHalt()
			return nil, ErrOutOfGas
		}
	} else {
		if evm.rules.IsPrague {
			evm.applyAuthorizations(msg, nil)
			// An existing authority's account was paid for in the
			// intrinsic state gas (the tests-bal@v5.7.0 EIP-8037): it goes
			// back to the reservoir.
			budget.State += evm.authCredit
		}
		// Warm the recipient's delegation target, now that the
		// authorizations have settled it.
		if target, ok := ParseDelegation(st.GetCode(msg.To)); ok {
			st.AddAddressToAccessList(target)
		}
	}
	ret, left, err := evm.Call(msg.From, msg.To, msg.Data, budget.Forward(budget.Exec), &msg.Value)
	budget.Absorb(left)
	if evm.rules.EIP2780 && err != nil && !msg.Value.IsZero() && st.Empty(msg.To) {
		budget.RefundState(evm.costs.newAccount)
	}
	if evm.rules.EIP8037 && err != nil && err != ErrExecutionReverted {
		budget.drainExec()
	}
	return ret, err
}

// chargeRecipient makes the EIP-2780 runtime charges of a call's recipient,
// each before the state access it prices: a new account's state gas for
// value sent to an empty recipient; for a recipient delegated under
// EIP-7702, the target's access (3000 cold, 100 warm), after which the
// target is warmed and loaded. It reports false when the budget cannot pay.
func (evm *EVM) chargeRecipient(msg *Message, budget *Gas) bool {
	st := evm.state
	if !msg.Value.IsZero() && st.Empty(msg.To) {
		if !budget.Charge(GasCost{State: evm.costs.newAccount}) {
			return false
		}
	}
	if target, ok := ParseDelegation(st.GetCode(msg.To)); ok {
		c := evm.costs.coldAccount
		if st.AddressInAccessList(target) {
			c = evm.costs.warmAccess
		}
		if !budget.ChargeExec(c) {
			return false
		}
		st.AddAddressToAccessList(target)
		st.GetCode(target)
	}
	return true
}

// executeCreate runs the top frame of a creation on budget and returns its
// output and error. Under go-ethereum's EIP-8037 a creation onto an empty
// address first pays the new account's state gas; if it cannot, the
// sender's nonce is still bumped and the transaction halts. A failed
// creation refills that charge, and a halted one burns the execution gas the
// refill may have repaid. (The tests-bal@v5.7.0 EIP-8037 charges the new
// account in the intrinsic gas, which a failure does not give back.)
func (evm *EVM) executeCreate(msg *Message, budget *Gas) ([]byte, error) {
	st := evm.state
	charged := false
	if evm.rules.stateGasGeth() {
		addr := types.CreateAddress(msg.From, st.GetNonce(msg.From))
		if st.Empty(addr) {
			if !budget.Charge(GasCost{State: evm.costs.newAccount}) {
				st.SetNonce(msg.From, st.GetNonce(msg.From)+1)
				*budget = budget.exitHalt()
				return nil, ErrOutOfGas
			}
			charged = true
		}
	}
	ret, _, left, err := evm.Create(msg.From, msg.Data, budget.Forward(budget.Exec), &msg.Value)
	budget.Absorb(left)
	if charged && err != nil {
		budget.RefundState(evm.costs.newAccount)
	}
	if evm.rules.EIP8037 && err != nil && err != ErrExecutionReverted {
		budget.drainExec()
	}
	return ret, err
}

// preCheck validates msg against the state and the block and returns what
// buying its gas costs (gas limit times gas price, plus the blob fee). It
// changes nothing.
func (evm *EVM) preCheck(msg *Message, gp *GasPool) (uint256.Int, error) {
	var (
		st    = evm.state
		rules = &evm.rules
		from  = msg.From
	)
	switch nonce := st.GetNonce(from); {
	case nonce < msg.Nonce:
		return uint256.Int{}, fmt.Errorf("%w: address %v, tx: %d state: %d", ErrNonceTooHigh, from, msg.Nonce, nonce)
	case nonce > msg.Nonce:
		return uint256.Int{}, fmt.Errorf("%w: address %v, tx: %d state: %d", ErrNonceTooLow, from, msg.Nonce, nonce)
	case nonce+1 < nonce:
		return uint256.Int{}, fmt.Errorf("%w: address %v, nonce: %d", ErrNonceMax, from, nonce)
	}
	switch {
	case rules.EIP7825Amended && msg.GasLimit > MaxTxTotalGas:
		return uint256.Int{}, fmt.Errorf("%w: address %v, cap: %d, tx: %d", ErrGasLimitTooHigh, from, uint64(MaxTxTotalGas), msg.GasLimit)
	case !rules.EIP7825Amended && rules.IsOsaka && msg.GasLimit > MaxTxGas:
		return uint256.Int{}, fmt.Errorf("%w: address %v, cap: %d, tx: %d", ErrGasLimitTooHigh, from, MaxTxGas, msg.GasLimit)
	}
	if code := st.GetCode(from); len(code) > 0 {
		if _, delegated := ParseDelegation(code); !delegated {
			return uint256.Int{}, fmt.Errorf("%w: address %v, len(code): %d", ErrSenderNoEOA, from, len(code))
		}
	}
	if msg.GasFeeCap.Lt(&msg.GasTipCap) {
		return uint256.Int{}, fmt.Errorf("%w: address %v, maxPriorityFeePerGas: %v, maxFeePerGas: %v", ErrTipAboveFeeCap, from, &msg.GasTipCap, &msg.GasFeeCap)
	}
	if msg.GasFeeCap.Lt(&evm.Block.BaseFee) {
		return uint256.Int{}, fmt.Errorf("%w: address %v, maxFeePerGas: %v, baseFee: %v", ErrFeeCapTooLow, from, &msg.GasFeeCap, &evm.Block.BaseFee)
	}
	if msg.isBlob() {
		if !rules.IsCancun {
			return uint256.Int{}, fmt.Errorf("%w: blob tx, address %v", ErrTxTypeNotSupported, from)
		}
		if msg.IsCreate {
			return uint256.Int{}, fmt.Errorf("%w: address %v", ErrBlobTxCreate, from)
		}
		if len(msg.BlobHashes) == 0 {
			return uint256.Int{}, fmt.Errorf("%w: address %v", ErrMissingBlobHashes, from)
		}
		if rules.IsOsaka && len(msg.BlobHashes) > MaxBlobsPerTx {
			return uint256.Int{}, fmt.Errorf("%w: address %v, have %d, max %d", ErrTooManyBlobs, from, len(msg.BlobHashes), MaxBlobsPerTx)
		}
		for i, h := range msg.BlobHashes {
			if h[0] != BlobHashVersionKZG {
				return uint256.Int{}, fmt.Errorf("%w: address %v, blob %d, version %#x", ErrBlobHashVersion, from, i, h[0])
			}
		}
	}
	if rules.IsCancun && msg.blobGas() > 0 && msg.BlobFeeCap.Lt(&evm.Block.BlobBaseFee) {
		return uint256.Int{}, fmt.Errorf("%w: address %v, maxFeePerBlobGas: %v, blobBaseFee: %v", ErrBlobFeeCapTooLow, from, &msg.BlobFeeCap, &evm.Block.BlobBaseFee)
	}
	if msg.isSetCode() {
		if !rules.IsPrague {
			return uint256.Int{}, fmt.Errorf("%w: set code tx, address %v", ErrTxTypeNotSupported, from)
		}
		if msg.IsCreate {
			return uint256.Int{}, fmt.Errorf("%w: address %v", ErrSetCodeTxCreate, from)
		}
		if len(msg.AuthList) == 0 {
			return uint256.Int{}, fmt.Errorf("%w: address %v", ErrEmptyAuthList, from)
		}
	}
	if limit := rules.MaxInitCodeSize(); msg.IsCreate && len(msg.Data) > limit {
		return uint256.Int{}, fmt.Errorf("%w: address %v, code size %d, limit %d", ErrMaxInitCodeSizeExceeded, from, len(msg.Data), limit)
	}
	if rules.EIP8037 {
		execReservation := msg.GasLimit
		if rules.EIP7825Amended {
			execReservation = min(execReservation, MaxTxGas)
		}
		if err := gp.CheckGasAmsterdam(execReservation, msg.GasLimit); err != nil {
			return uint256.Int{}, fmt.Errorf("%w: address %v", err, from)
		}
	} else if gp.remaining < msg.GasLimit {
		return uint256.Int{}, fmt.Errorf("%w: address %v, have %d, want %d", ErrGasLimitReached, from, gp.remaining, msg.GasLimit)
	}
	return evm.gasCost(msg)
}

// gasCost checks that the sender can pay the worst case of msg (gas limit
// times fee cap, plus value, plus blob gas times blob fee cap) and returns
// what it actually pays up front (gas limit times gas price, plus blob gas
// times blob base fee).
func (evm *EVM) gasCost(msg *Message) (uint256.Int, error) {
	var cost, worst, gas uint256.Int
	gas.SetUint64(msg.GasLimit)
	if _, overflow := cost.MulOverflow(&gas, &msg.GasPrice); overflow {
		return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
	}
	if _, overflow := worst.MulOverflow(&gas, &msg.GasFeeCap); overflow {
		return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
	}
	if _, overflow := worst.AddOverflow(&worst, &msg.Value); overflow {
		return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
	}
	if blobGas := msg.blobGas(); evm.rules.IsCancun && blobGas > 0 {
		var bg, x uint256.Int
		bg.SetUint64(blobGas)
		if _, overflow := x.MulOverflow(&bg, &msg.BlobFeeCap); overflow {
			return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
		}
		if _, overflow := worst.AddOverflow(&worst, &x); overflow {
			return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
		}
		if _, overflow := x.MulOverflow(&bg, &evm.Block.BlobBaseFee); overflow {
			return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
		}
		if _, overflow := cost.AddOverflow(&cost, &x); overflow {
			return cost, fmt.Errorf("%w: address %v required balance exceeds 256 bits", ErrInsufficientFunds, msg.From)
		}
	}
	if have := evm.state.GetBalance(msg.From); have.Lt(&worst) || have.Lt(&cost) {
		return cost, fmt.Errorf("%w: address %v have %s want %s", ErrInsufficientFunds, msg.From, have.Dec(), worst.Dec())
	}
	return cost, nil
}

// Preparer is implemented by a StateDB that wants to be told when a
// transaction (or system call) starts executing, after its validation: it
// then resets its per-transaction state (access list, transient storage),
// warms the given addresses and slots (the sender, the destination unless
// nil, the precompiles, the access list and the coinbase), and may start
// recording (the block access list from Amsterdam). go-ethereum's
// StateDB.Prepare, without the rules argument.
//
// For a StateDB without it, ApplyMessage warms the same addresses and slots
// through AddAddressToAccessList and AddSlotToAccessList, and the StateDB
// must be fresh for the transaction.
type Preparer interface {
	Prepare(sender, coinbase types.Address, dst *types.Address, precompiles []types.Address, list types.AccessList)
}

// prepare starts the execution of msg on the state: see Preparer.
func (evm *EVM) prepare(msg *Message) {
	if p, ok := evm.state.(Preparer); ok {
		var dst *types.Address
		if !msg.IsCreate {
			dst = &msg.To
		}
		p.Prepare(msg.From, evm.Block.Coinbase, dst, evm.precompileAddrs(), msg.AccessList)
		return
	}
	evm.warm(msg)
}

// warm adds the addresses and slots every transaction starts with to the
// access list (EIP-2929, EIP-2930, EIP-3651).
func (evm *EVM) warm(msg *Message) {
	st := evm.state
	st.AddAddressToAccessList(msg.From)
	if !msg.IsCreate {
		st.AddAddressToAccessList(msg.To)
	}
	for _, a := range evm.precompileAddrs() {
		st.AddAddressToAccessList(a)
	}
	for i := range msg.AccessList {
		t := &msg.AccessList[i]
		st.AddAddressToAccessList(t.Address)
		for _, k := range t.StorageKeys {
			var slot uint256.Int
			slot.SetBytes32(k[:])
			st.AddSlotToAccessList(t.Address, slot)
		}
	}
	st.AddAddressToAccessList(evm.Block.Coinbase)
}
