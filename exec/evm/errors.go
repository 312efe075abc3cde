package evm

import "errors"

// Execution errors of the EVM. They end a frame: ErrExecutionReverted
// returns the frame's unused gas to its caller, every other error consumes
// all of it. None of them invalidates a transaction; a transaction whose top
// frame fails is still included, with a failed receipt.
//
// They are returned unwrapped or wrapped with %w and context; match them with
// errors.Is. ErrExecutionReverted is always returned unwrapped, so that
// err == ErrExecutionReverted holds.
var (
	ErrOutOfGas                 = errors.New("evm: out of gas")
	ErrCodeStoreOutOfGas        = errors.New("evm: contract creation code storage out of gas")
	ErrDepth                    = errors.New("evm: max call depth exceeded")
	ErrInsufficientBalance      = errors.New("evm: insufficient balance for transfer")
	ErrContractAddressCollision = errors.New("evm: contract address collision")
	ErrExecutionReverted        = errors.New("evm: execution reverted")
	ErrMaxCodeSizeExceeded      = errors.New("evm: max code size exceeded")
	ErrMaxInitCodeSizeExceeded  = errors.New("evm: max initcode size exceeded")
	ErrInvalidJump              = errors.New("evm: invalid jump destination")
	ErrWriteProtection          = errors.New("evm: write protection")
	ErrReturnDataOutOfBounds    = errors.New("evm: return data out of bounds")
	ErrGasUintOverflow          = errors.New("evm: gas uint64 overflow")
	ErrInvalidCode              = errors.New("evm: invalid code: must not begin with 0xef")
	ErrNonceUintOverflow        = errors.New("evm: nonce uint64 overflow")
	ErrStackUnderflow           = errors.New("evm: stack underflow")
	ErrStackOverflow            = errors.New("evm: stack limit reached")
	ErrInvalidOpCode            = errors.New("evm: invalid opcode")
	// ErrCancelled: the EVM was cancelled with EVM.Cancel while running.
	// The transaction's result is meaningless and must be discarded.
	ErrCancelled = errors.New("evm: execution cancelled")
)

// Consensus errors of the state transition. A transaction that fails with one
// of them is invalid: it cannot be included in a block, and ApplyMessage
// leaves the state (and the gas pool) untouched. Each is wrapped with the
// sender address and the offending values.
var (
	ErrNonceTooLow                  = errors.New("evm: nonce too low")
	ErrNonceTooHigh                 = errors.New("evm: nonce too high")
	ErrNonceMax                     = errors.New("evm: nonce has max value")
	ErrGasLimitReached              = errors.New("evm: gas limit reached")
	ErrGasLimitTooHigh              = errors.New("evm: transaction gas limit too high")
	ErrInsufficientFunds            = errors.New("evm: insufficient funds for gas * price + value")
	ErrInsufficientFundsForTransfer = errors.New("evm: insufficient funds for transfer")
	ErrIntrinsicGas                 = errors.New("evm: intrinsic gas too low")
	ErrFloorDataGas                 = errors.New("evm: insufficient gas for floor data gas cost")
	ErrIntrinsicGasOverflow         = errors.New("evm: intrinsic gas overflows uint64")
	ErrTipAboveFeeCap               = errors.New("evm: max priority fee per gas higher than max fee per gas")
	ErrFeeCapTooLow                 = errors.New("evm: max fee per gas less than block base fee")
	ErrSenderNoEOA                  = errors.New("evm: sender not an eoa")
	ErrTxTypeNotSupported           = errors.New("evm: transaction type not supported")
	ErrBlobFeeCapTooLow             = errors.New("evm: max fee per blob gas less than block blob gas fee")
	ErrMissingBlobHashes            = errors.New("evm: blob transaction missing blob hashes")
	ErrTooManyBlobs                 = errors.New("evm: blob transaction has too many blobs")
	ErrBlobHashVersion              = errors.New("evm: blob hash has invalid version")
	ErrBlobTxCreate                 = errors.New("evm: blob transaction of type create")
	ErrSetCodeTxCreate              = errors.New("evm: set code transaction of type create")
	ErrEmptyAuthList                = errors.New("evm: set code transaction with empty auth list")
	// ErrStateGasAccounting: the transaction's state gas came out negative
	// or above its gas used (EIP-8037). Valid input cannot cause it; like
	// go-ethereum, the transaction is rejected.
	ErrStateGasAccounting = errors.New("evm: inconsistent state gas accounting")
)

// Reasons an EIP-7702 authorization is skipped. They never fail the
// transaction, and ApplyMessage does not report them; they name the cases
// in tests.
var (
	ErrAuthWrongChainID    = errors.New("evm: authorization chain id mismatch")
	ErrAuthNonceOverflow   = errors.New("evm: authorization nonce overflow")
	ErrAuthInvalidSig      = errors.New("evm: authorization has invalid signature")
	ErrAuthDestinationCode = errors.New("evm: authorization destination has code")
	ErrAuthNonceMismatch   = errors.New("evm: authorization nonce does not match")
)

// Errors of the package's other entry points.
var (
	// ErrInvalidRules reports an inconsistent Rules value (a fork active
	// without the forks before it, or no supported fork).
	ErrInvalidRules = errors.New("evm: invalid rules")
	// ErrAsm reports malformed assembly source given to Assemble.
	ErrAsm = errors.New("evm: assembly error")
)

// errAuthOutOfGas is the internal signal that the runtime charges of an
// EIP-7702 authorization (EIP-2780) ran out of gas; ApplyMessage turns it
// into the transaction's halt.
var errAuthOutOfGas = errors.New("evm: authorization out of gas")

// errStop is the internal signal of STOP, RETURN and SELFDESTRUCT: the frame
// ends successfully. It never escapes the interpreter loop.
var errStop = errors.New("evm: stop")
