package exec

import (
	"errors"
	"fmt"
)

// Errors of header validation (header.go). Each check has its own sentinel;
// the wrapping message gives the header's value and the expected one.
var (
	// ErrInvalidNumber: the header's number is not its parent's plus one.
	ErrInvalidNumber = errors.New("exec: invalid block number")
	// ErrInvalidParentHash: the header's parent hash is not the hash of the
	// parent header.
	ErrInvalidParentHash = errors.New("exec: invalid parent hash")
	// ErrInvalidTimestamp: the header's timestamp is not after its parent's.
	ErrInvalidTimestamp = errors.New("exec: invalid timestamp")
	// ErrExtraDataTooLong: the header's extra data exceeds 32 bytes.
	ErrExtraDataTooLong = errors.New("exec: extra data too long")
	// ErrInvalidGasLimit: the gas limit is above 2^63-1, below 5000, or moves
	// by parent/1024 or more from the parent's.
	ErrInvalidGasLimit = errors.New("exec: invalid gas limit")
	// ErrInvalidGasUsed: the header's gas used exceeds its gas limit.
	ErrInvalidGasUsed = errors.New("exec: gas used exceeds gas limit")
	// ErrInvalidDifficulty: a post-merge header's difficulty is not zero.
	ErrInvalidDifficulty = errors.New("exec: invalid difficulty")
	// ErrInvalidNonce: a post-merge header's nonce is not zero.
	ErrInvalidNonce = errors.New("exec: invalid nonce")
	// ErrInvalidUncleHash: a post-merge header's uncle hash is not the hash
	// of the empty list, or a body's uncles do not hash to it.
	ErrInvalidUncleHash = errors.New("exec: invalid uncle hash")
	// ErrInvalidBaseFee: the base fee is not the EIP-1559 value computed
	// from the parent.
	ErrInvalidBaseFee = errors.New("exec: invalid base fee")
	// ErrBaseFeeOverflow: the EIP-1559 base fee computed from the parent
	// does not fit in 256 bits.
	ErrBaseFeeOverflow = errors.New("exec: base fee overflows 256 bits")
	// ErrMissingHeaderField: a field the fork requires (base fee,
	// withdrawals hash, blob gas fields, parent beacon root, requests hash,
	// block access list hash, slot number) is absent.
	ErrMissingHeaderField = errors.New("exec: header field missing")
	// ErrUnexpectedHeaderField: a field of a later fork is present.
	ErrUnexpectedHeaderField = errors.New("exec: header field not allowed by the fork")
	// ErrTooMuchBlobGas: the header's blob gas used exceeds the fork's
	// maximum blobs per block.
	ErrTooMuchBlobGas = errors.New("exec: blob gas used exceeds the maximum")
	// ErrInvalidBlobGasUsed: the header's blob gas used is not a multiple of
	// the blob gas per blob (2^17).
	ErrInvalidBlobGasUsed = errors.New("exec: blob gas used not a multiple of the blob size")
	// ErrInvalidExcessBlobGas: the excess blob gas is not the EIP-4844 /
	// EIP-7918 value computed from the parent.
	ErrInvalidExcessBlobGas = errors.New("exec: invalid excess blob gas")
)

// Errors of body validation (ValidateBody).
var (
	// ErrBlockTooLarge: from Osaka, the RLP-encoded block exceeds the
	// EIP-7934 cap (MaxBlockSize).
	ErrBlockTooLarge = errors.New("exec: block exceeds the RLP size cap")
	// ErrUnclesNotAllowed: a post-merge block carries uncles.
	ErrUnclesNotAllowed = errors.New("exec: uncles not allowed")
	// ErrTxRootMismatch: the transactions do not hash to the header's
	// transactions root.
	ErrTxRootMismatch = errors.New("exec: transactions root mismatch")
	// ErrMissingWithdrawals: the header has a withdrawals hash but the body
	// has no withdrawals list.
	ErrMissingWithdrawals = errors.New("exec: withdrawals missing from the body")
	// ErrUnexpectedWithdrawals: the body has a withdrawals list but the
	// header has no withdrawals hash.
	ErrUnexpectedWithdrawals = errors.New("exec: withdrawals not allowed")
	// ErrWithdrawalsRootMismatch: the withdrawals do not hash to the
	// header's withdrawals root.
	ErrWithdrawalsRootMismatch = errors.New("exec: withdrawals root mismatch")
	// ErrTooManyBlobs: the block's transactions carry more blobs than the
	// fork allows per block.
	ErrTooManyBlobs = errors.New("exec: too many blobs in block")
	// ErrBlobCountMismatch: the block's blob count disagrees with the
	// header's blob gas used.
	ErrBlobCountMismatch = errors.New("exec: blob count does not match blob gas used")
	// ErrUnexpectedBlobs: the block carries blobs before Cancun.
	ErrUnexpectedBlobs = errors.New("exec: blobs not allowed")
)

// Errors of block processing. Each is wrapped with the transaction index or
// the values involved.
var (
	// ErrInvalidTransaction: a transaction cannot be applied (the cause, a
	// consensus error of exec/evm or types, is wrapped too).
	ErrInvalidTransaction = errors.New("exec: invalid transaction")
	// ErrTxTypeNotActive: a transaction's type is not accepted by the fork.
	ErrTxTypeNotActive = errors.New("exec: transaction type not active")
	// ErrSystemContract: a request system contract has no code or its call
	// failed; the block is invalid. ErrSystemContractEmpty and
	// ErrSystemContractFailed tell the two apart (each wraps it).
	ErrSystemContract       = errors.New("exec: system contract failed")
	ErrSystemContractEmpty  = fmt.Errorf("%w: empty system contract", ErrSystemContract)
	ErrSystemContractFailed = fmt.Errorf("%w: system call failed to execute", ErrSystemContract)
	// ErrDepositLog: a deposit contract log cannot be parsed.
	ErrDepositLog = errors.New("exec: invalid deposit log")
	// ErrState: the state reader failed during execution.
	ErrState = errors.New("exec: state read failed")
	// ErrGasUsedMismatch, ErrBloomMismatch, ErrReceiptsRootMismatch,
	// ErrRequestsHashMismatch and ErrStateRootMismatch: the block's header
	// disagrees with execution.
	ErrGasUsedMismatch      = errors.New("exec: gas used mismatch")
	ErrBloomMismatch        = errors.New("exec: logs bloom mismatch")
	ErrReceiptsRootMismatch = errors.New("exec: receipts root mismatch")
	ErrRequestsHashMismatch = errors.New("exec: requests hash mismatch")
	ErrStateRootMismatch    = errors.New("exec: state root mismatch")
	// ErrBALHashMismatch: the block access list built by execution does not
	// hash to the header's block access list hash (wrapped with both).
	ErrBALHashMismatch = errors.New("exec: block access list hash mismatch")
	// ErrInvalidBAL: a block access list (supplied with the block or built
	// by execution) breaks a rule of bal.Validate, or a supplied one does not
	// decode; the bal or rlp sentinel is wrapped too.
	ErrInvalidBAL = errors.New("exec: invalid block access list")
	// ErrBALBeforeAmsterdam: a block access list came with a block before
	// Amsterdam.
	ErrBALBeforeAmsterdam = errors.New("exec: block access list before Amsterdam")
	// ErrBadSidecar: the block access list supplied with a block (the
	// engine API's blockAccessList, a fixture's sidecar) is bad in itself,
	// before anything executes: it does not decode strictly or breaks a
	// rule of bal.Validate (also ErrInvalidBAL), it does not hash to the
	// header's block access list hash (also ErrBALHashMismatch), or it came
	// with a block before Amsterdam (also ErrBALBeforeAmsterdam). Execution
	// that disagrees with a list that passed these checks is ErrBALHashMismatch
	// (or ErrInvalidBAL for the built list's size) without ErrBadSidecar.
	ErrBadSidecar = errors.New("exec: bad block access list sidecar")
)

// Errors of the chain importer.
var (
	// ErrUnknownParent: a block's parent was never imported.
	ErrUnknownParent = errors.New("exec: unknown parent block")
	// ErrNilBlock: Insert, InsertWithAccessList or Executor.Execute was
	// given a nil block.
	ErrNilBlock = errors.New("exec: nil block")
	// ErrGenesisMismatch: the genesis allocation does not produce the genesis
	// header's state root, or a database that already holds blocks does not
	// hold the genesis block given.
	ErrGenesisMismatch = errors.New("exec: genesis mismatch")
	// ErrDatabase: the chain's database failed to read or to commit (the
	// database's own error is wrapped: for the store, store.ErrCorrupt,
	// store.ErrNotFound, store.ErrReorgTooDeep, an I/O error). A block whose
	// commit failed is not the head.
	ErrDatabase = errors.New("exec: database failed")
)
