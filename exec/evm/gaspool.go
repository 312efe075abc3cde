package evm

import "fmt"

// GasPool is a block's gas limit and what its transactions used of it.
//
// Before Amsterdam it is a single budget: a transaction reserves its gas
// limit before it runs (ApplyMessage checks Remaining) and returns the unused
// part afterwards. From Amsterdam (EIP-8037) it has two dimensions, execution
// and state, each as large as the gas limit: before a transaction the
// worst case of each must fit (CheckGasAmsterdam), after it the transaction's
// execution and state gas are charged (ChargeGasAmsterdam); the block's gas
// used is the larger of the two sums. In both eras it also sums the
// receipts' gas used (CumulativeUsed), which from Amsterdam differs from the
// block's gas used.
//
// ApplyMessage charges the pool it is given. A parallel executor runs each
// transaction with a pool of its own (NewGasPool(gas limit)) and then, in
// block order, checks and charges the block's pool from the results'
// ExecutionGas, StateGas and UsedGas.
//
// A GasPool is owned by one goroutine.
type GasPool struct {
	limit     uint64
	remaining uint64 // before Amsterdam: the gas left to reserve

	cumulativeUsed  uint64 // the sum of the receipts' gas used
	cumulativeExec  uint64 // from Amsterdam: the execution dimension
	cumulativeState uint64 // from Amsterdam: the state dimension
}

// NewGasPool returns a pool holding the block's gas limit.
func NewGasPool(gasLimit uint64) *GasPool {
	return &GasPool{limit: gasLimit, remaining: gasLimit}
}

// Remaining returns the gas left for further transactions to reserve before
// Amsterdam. From Amsterdam nothing is reserved and it stays at the limit;
// see CheckGasAmsterdam.
func (gp *GasPool) Remaining() uint64 { return gp.remaining }

// Used returns the block's gas used (the header's gasUsed): before Amsterdam
// the sum of the receipts' gas used, from Amsterdam the larger of the summed
// execution and state gas.
func (gp *GasPool) Used() uint64 {
	if gp.cumulativeExec > 0 || gp.cumulativeState > 0 {
		return max(gp.cumulativeExec, gp.cumulativeState)
	}
	return gp.limit - gp.remaining
}

// CumulativeUsed returns the sum of the receipts' gas used so far: the
// receipt's CumulativeGasUsed after the last transaction.
func (gp *GasPool) CumulativeUsed() uint64 { return gp.cumulativeUsed }

// CumulativeExecution returns the summed execution gas of the transactions
// charged with ChargeGasAmsterdam.
func (gp *GasPool) CumulativeExecution() uint64 { return gp.cumulativeExec }

// CumulativeState returns the summed state gas of the transactions charged
// with ChargeGasAmsterdam.
func (gp *GasPool) CumulativeState() uint64 { return gp.cumulativeState }

// CheckGasAmsterdam is the inclusion check of a transaction from Amsterdam:
// its worst-case execution gas (its gas limit capped at MaxTxGas) must fit
// in the execution dimension and its gas limit in the state dimension. It
// changes nothing and fails with ErrGasLimitReached.
func (gp *GasPool) CheckGasAmsterdam(execReservation, stateReservation uint64) error {
	if gp.limit-gp.cumulativeExec < execReservation {
		return fmt.Errorf("%w: execution: used %d of %d, want %d", ErrGasLimitReached, gp.cumulativeExec, gp.limit, execReservation)
	}
	if gp.limit-gp.cumulativeState < stateReservation {
		return fmt.Errorf("%w: state: used %d of %d, want %d", ErrGasLimitReached, gp.cumulativeState, gp.limit, stateReservation)
	}
	return nil
}

// ChargeGasAmsterdam charges a transaction that ran from Amsterdam: its
// execution gas and state gas (ExecutionResult.ExecutionGas and StateGas) to
// the two dimensions and its receipt gas to the receipts' sum. It fails with
// ErrGasLimitReached, changing nothing, when the larger of the two sums
// would exceed the limit.
func (gp *GasPool) ChargeGasAmsterdam(execGas, stateGas, receiptGas uint64) error {
	e, overflowE := add64(gp.cumulativeExec, execGas)
	s, overflowS := add64(gp.cumulativeState, stateGas)
	if overflowE || overflowS || max(e, s) > gp.limit {
		return fmt.Errorf("%w: block gas overflow: limit %d, execution %d+%d, state %d+%d",
			ErrGasLimitReached, gp.limit, gp.cumulativeExec, execGas, gp.cumulativeState, stateGas)
	}
	gp.cumulativeExec, gp.cumulativeState = e, s
	gp.cumulativeUsed += receiptGas
	return nil
}

// reserve takes a transaction's gas limit from the pool before Amsterdam.
// REQUIRES: gas <= gp.remaining.
func (gp *GasPool) reserve(gas uint64) { gp.remaining -= gas }

// settleLegacy returns a transaction's unused gas to the pool and adds its
// receipt gas, before Amsterdam. returned is at most what was reserved.
func (gp *GasPool) settleLegacy(returned, receiptGas uint64) {
	gp.remaining += returned
	gp.cumulativeUsed += receiptGas
}
