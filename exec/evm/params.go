package evm

import "github.com/balexec/balexec/types"

// Protocol limits.
const (
	// MaxCallDepth is the deepest nesting of calls and creates (EIP-150's
	// 1024): a frame running at depth 1025 cannot call further.
	MaxCallDepth = 1024
	// StackLimit is the maximum number of stack items of one frame.
	StackLimit = 1024
	// MaxCodeSize is the largest deployable runtime code (EIP-170).
	MaxCodeSize = 24576
	// MaxInitCodeSize is the largest initcode of a creation (EIP-3860).
	MaxInitCodeSize = 2 * MaxCodeSize
	// MaxTxGas is the per-transaction gas limit cap of EIP-7825 (Osaka).
	MaxTxGas = 1 << 24
	// BlobGasPerBlob is the blob gas of one blob (EIP-4844).
	BlobGasPerBlob = 1 << 17
	// MaxBlobsPerTx is the largest number of blobs of one transaction from
	// Osaka (EIP-7594).
	MaxBlobsPerTx = 6
	// BlobHashVersionKZG is the required first byte of a versioned blob hash.
	BlobHashVersionKZG = 0x01
)

// Gas prices of the opcodes and of the intrinsic cost, as named by the EIPs.
const (
	gasQuick   = 2
	gasFastest = 3
	gasFast    = 5
	gasMid     = 8
	gasSlow    = 10
	gasExt     = 20

	gasJumpdest      = 1
	gasKeccak        = 30
	gasKeccakWord    = 6
	gasCopyWord      = 3
	gasMemoryWord    = 3
	gasQuadCoeffDiv  = 512
	gasExp           = 10
	gasExpByte       = 50 // EIP-160
	gasLog           = 375
	gasLogTopic      = 375
	gasLogData       = 8
	gasCreate        = 32000
	gasInitCodeWord  = 2 // EIP-3860
	gasCodeDeposit   = 200
	gasCallValue     = 9000
	gasCallNewAcct   = 25000
	gasCallStipend   = 2300
	gasSelfdestruct  = 5000
	gasSelfdestructN = 25000 // new-account surcharge of SELFDESTRUCT
	gasSelfBalance   = 5     // EIP-1884

	gasColdAccount = 2600 // EIP-2929
	gasColdSload   = 2100
	gasWarmRead    = 100

	gasSstoreSet        = 20000 // EIP-2200
	gasSstoreReset      = 5000
	gasSstoreSentry     = 2300
	gasSstoreClearsRfnd = 4800 // EIP-3529: SSTORE_RESET_GAS - COLD_SLOAD + ACCESS_LIST_STORAGE_KEY

	// Intrinsic gas of a transaction.
	TxGas                 = 21000
	TxGasContractCreation = 53000
	TxDataZeroGas         = 4
	TxDataNonZeroGas      = 16 // EIP-2028
	TxAccessListAddress   = 2400
	TxAccessListSlot      = 1900
	TxAuthTupleGas        = 12500 // EIP-7702 PER_AUTH_BASE_COST
	TxAuthNewAccountGas   = 25000 // EIP-7702 PER_EMPTY_ACCOUNT_COST
	TxCostFloorPerToken   = 10    // EIP-7623
	TxTokensPerNonZero    = 4     // EIP-7623
	RefundQuotient        = 5     // EIP-3529
)

// SystemAddress is the caller of system calls (EIP-4788 and later): calls
// from it move no value and skip the balance check. Read-only.
var SystemAddress = types.Address{
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
}

// delegationPrefix starts an EIP-7702 delegation designator.
var delegationPrefix = [3]byte{0xef, 0x01, 0x00}

// DelegationLen is the length of an EIP-7702 delegation designator.
const DelegationLen = 23

// ParseDelegation returns the target of an EIP-7702 delegation designator
// (0xef0100 || address) and whether code is one.
func ParseDelegation(code []byte) (types.Address, bool) {
	if len(code) != DelegationLen || code[0] != 0xef || code[1] != 0x01 || code[2] != 0x00 {
		return types.Address{}, false
	}
	return types.Address(code[3:]), true
}

// AppendDelegation appends the delegation designator for target to dst.
func AppendDelegation(dst []byte, target types.Address) []byte {
	dst = append(dst, delegationPrefix[:]...)
	return append(dst, target[:]...)
}
