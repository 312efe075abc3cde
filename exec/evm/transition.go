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

// Revert returns the revert data when the execution reverted, else nil.
func (r *ExecutionResult) Revert() []byte {
	if r.Err != ErrExecutionReverted {
		return nil
	}
	return r.ReturnData
}

// GasPool is the gas left in a block for transactions. A transaction
// reserves its gas limit before it runs and returns the unused gas
// afterwards.
type GasPool struct {
	remaining uint64
	used      uint64
}

// NewGasPool returns a pool holding the block's gas limit.
func NewGasPool(gasLimit uint64) *GasPool { return &GasPool{remaining: gasLimit} }

// Remaining returns the gas left for further transactions.
func (gp *GasPool) Remaining() uint64 { return gp.remaining }

// Used returns the total gas used by the transactions applied so far (the
// sum of their receipts' gas used).
func (gp *GasPool) Used() uint64 { return gp.used }

// IntrinsicGas returns the gas a transaction pays before execution: the base
// cost, the calldata (4 per zero byte, 16 per other byte), for creations
// 2 per initcode word (EIP-3860), the access list (2400 per address, 1900
// per slot) and 25000 per EIP-7702 authorization.
func IntrinsicGas(data []byte, accessList types.AccessList, authCount int, isCreate bool) (uint64, error) {
	gas := uint64(TxGas)
	if isCreate {
		gas = TxGasContractCreation
	}
	var overflow bool
	if gas, overflow = addMul(gas, uint64(authCount), TxAuthNewAccountGas); overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	if n := uint64(len(data)); n > 0 {
		z := uint64(bytes.Count(data, zeroByte[:]))
		if gas, overflow = addMul(gas, n-z, TxDataNonZeroGas); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		if gas, overflow = addMul(gas, z, TxDataZeroGas); overflow {
			return 0, ErrIntrinsicGasOverflow
		}
		if isCreate {
			if gas, overflow = addMul(gas, toWords(n), gasInitCodeWord); overflow {
				return 0, ErrIntrinsicGasOverflow
			}
		}
	}
	if gas, overflow = addMul(gas, uint64(len(accessList)), TxAccessListAddress); overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	if gas, overflow = addMul(gas, uint64(accessList.StorageKeys()), TxAccessListSlot); overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	return gas, nil
}

var zeroByte = [1]byte{0}

// addMul returns a + b*c and whether it overflows.
func addMul(a, b, c uint64) (uint64, bool) {
	p, overflow := mul64(b, c)
	if overflow {
		return 0, true
	}
	return add64(a, p)
}

// FloorDataGas returns the EIP-7623 minimum gas of a transaction with data:
// 21000 plus 10 per token, a zero byte being one token and any other byte
// four.
func FloorDataGas(data []byte) (uint64, error) {
	z := uint64(bytes.Count(data, zeroByte[:]))
	tokens, overflow := addMul(z, uint64(len(data))-z, TxTokensPerNonZero)
	if overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	gas, overflow := addMul(TxGas, tokens, TxCostFloorPerToken)
	if overflow {
		return 0, ErrIntrinsicGasOverflow
	}
	return gas, nil
}

// ApplyMessage executes msg on the EVM's state (set with EVM.Reset) and
// charges its gas to gp.
//
// A consensus error (ErrNonceTooLow, ErrInsufficientFunds, ...; wrapped with
// the sender and the values involved) means the transaction is invalid and
// cannot be in a block; the state and gp are then left untouched. Otherwise
// the transaction is applied, whether its execution succeeded or not, and
// the result describes it.
//
// The checks run in go-ethereum v1.17.10's order, so that an invalid
// transaction reports the same error: nonce, gas limit cap (Osaka), sender
// is an EOA, fee caps, blob and set-code shape, initcode size, block gas,
// balance, intrinsic gas, calldata floor (Prague), value.
//
// Once the transaction is valid, ApplyMessage starts it on the state (see
// Preparer: the access list starts with the sender, recipient,
// precompiles, the transaction's access list and the coinbase). It does not
// finalise the state: the caller does that afterwards (self-destructs,
// EIP-161 empty-account deletion). The refund counter and logs must be
// empty when it starts.
func ApplyMessage(evm *EVM, msg *Message, gp *GasPool) (ExecutionResult, error) {
	evm.Tx = TxContext{Origin: msg.From, GasPrice: msg.GasPrice, BlobHashes: msg.BlobHashes}
	evm.depth = 0
	evm.readOnly = false
	evm.returnData = nil

	cost, err := evm.preCheck(msg, gp)
	if err != nil {
		return ExecutionResult{}, err
	}
	intrinsic, err := IntrinsicGas(msg.Data, msg.AccessList, len(msg.AuthList), msg.IsCreate)
	if err != nil {
		return ExecutionResult{}, fmt.Errorf("%w: address %v", err, msg.From)
	}
	if msg.GasLimit < intrinsic {
		return ExecutionResult{}, fmt.Errorf("%w: address %v, have %d, want %d", ErrIntrinsicGas, msg.From, msg.GasLimit, intrinsic)
	}
	var floor uint64
	if evm.rules.IsPrague {
		if floor, err = FloorDataGas(msg.Data); err != nil {
			return ExecutionResult{}, fmt.Errorf("%w: address %v", err, msg.From)
		}
		if msg.GasLimit < floor {
			return ExecutionResult{}, fmt.Errorf("%w: address %v, have %d, want %d", ErrFloorDataGas, msg.From, msg.GasLimit, floor)
		}
	}
	// The value must be affordable from what is left after buying gas.
	if !msg.Value.IsZero() {
		bal := evm.state.GetBalance(msg.From)
		if _, underflow := bal.SubOverflow(&bal, &cost); underflow || bal.Lt(&msg.Value) {
			return ExecutionResult{}, fmt.Errorf("%w: address %v", ErrInsufficientFundsForTransfer, msg.From)
		}
	}

	// The transaction is valid: from here on it is applied.
	gp.remaining -= msg.GasLimit
	st := evm.state
	st.SubBalance(msg.From, &cost)
	evm.prepare(msg)

	remaining := NewGas(msg.GasLimit-intrinsic, 0)
	var (
		ret    []byte
		vmerr  error
		left   Gas
		result = ExecutionResult{FloorDataGas: floor}
	)
	if msg.IsCreate {
		result.ContractAddress = types.CreateAddress(msg.From, msg.Nonce)
		ret, _, left, vmerr = evm.Create(msg.From, msg.Data, remaining.Forward(remaining.Exec), &msg.Value)
	} else {
		st.SetNonce(msg.From, st.GetNonce(msg.From)+1)
		if evm.rules.IsPrague {
			evm.applyAuthorizations(msg)
		}
		// Warm the recipient's delegation target, now that the
		// authorizations have settled it.
		if target, ok := ParseDelegation(st.GetCode(msg.To)); ok {
			st.AddAddressToAccessList(target)
		}
		ret, left, vmerr = evm.Call(msg.From, msg.To, msg.Data, remaining.Forward(remaining.Exec), &msg.Value)
	}
	remaining.Absorb(left)

	// Settle: refund, floor, block gas, the sender's change and the tip.
	gasLeft := remaining.Total()
	usedBeforeRefund := msg.GasLimit - gasLeft
	refund := min(usedBeforeRefund/RefundQuotient, st.GetRefund())
	gasLeft += refund
	used := usedBeforeRefund - refund
	peak := usedBeforeRefund
	if evm.rules.IsPrague && used < floor {
		gasLeft -= floor - used
		used = floor
		peak = max(peak, floor)
	}
	gp.remaining += gasLeft // cannot overflow: at most what was reserved
	gp.used += used
	if gasLeft > 0 {
		var change uint256.Int
		change.SetUint64(gasLeft)
		change.Mul(&change, &msg.GasPrice)
		st.AddBalance(msg.From, &change)
	}
	var tip, fee uint256.Int
	tip.Sub(&msg.GasPrice, &evm.Block.BaseFee)
	fee.SetUint64(used)
	fee.Mul(&fee, &tip)
	st.AddBalance(evm.Block.Coinbase, &fee)

	result.UsedGas = used
	result.MaxUsedGas = peak
	result.RefundedGas = refund
	result.Err = vmerr
	if len(ret) > 0 {
		result.ReturnData = bytes.Clone(ret)
	}
	return result, nil
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
	if rules.IsOsaka && msg.GasLimit > MaxTxGas {
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
	if msg.IsCreate && len(msg.Data) > MaxInitCodeSize {
		return uint256.Int{}, fmt.Errorf("%w: address %v, code size %d, limit %d", ErrMaxInitCodeSizeExceeded, from, len(msg.Data), MaxInitCodeSize)
	}
	if gp.remaining < msg.GasLimit {
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
		return cost, fmt.Errorf("%w: address %v have %v want %v", ErrInsufficientFunds, msg.From, &have, &worst)
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

// applyAuthorizations applies the EIP-7702 authorizations of msg in order,
// skipping invalid ones.
func (evm *EVM) applyAuthorizations(msg *Message) {
	for i := range msg.AuthList {
		evm.applyAuthorization(&msg.AuthList[i])
	}
}

// applyAuthorization validates one authorization and, if it is valid, bumps
// the authority's nonce and installs (or clears) its delegation. It returns
// why an authorization was skipped, or nil.
func (evm *EVM) applyAuthorization(auth *types.Authorization) error {
	st := evm.state
	if !auth.ChainID.IsZero() && !auth.ChainID.Eq(&evm.rules.ChainID) {
		return ErrAuthWrongChainID
	}
	if auth.Nonce+1 < auth.Nonce {
		return ErrAuthNonceOverflow
	}
	authority, err := auth.Authority()
	if err != nil {
		return ErrAuthInvalidSig
	}
	// The authority is warm even if the authorization turns out invalid.
	st.AddAddressToAccessList(authority)
	if code := st.GetCode(authority); len(code) != 0 {
		if _, ok := ParseDelegation(code); !ok {
			return ErrAuthDestinationCode
		}
	}
	if st.GetNonce(authority) != auth.Nonce {
		return ErrAuthNonceMismatch
	}
	old, delegated := ParseDelegation(st.GetCode(authority))
	if st.Exist(authority) {
		st.AddRefund(TxAuthNewAccountGas - TxAuthTupleGas)
	}
	st.SetNonce(authority, auth.Nonce+1)
	switch {
	case auth.Address == (types.Address{}):
		if delegated {
			st.SetCode(authority, nil)
		}
	case !delegated || old != auth.Address:
		st.SetCode(authority, AppendDelegation(make([]byte, 0, DelegationLen), auth.Address))
	}
	return nil
}
