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
	// MaxCodeSizeAmsterdam and MaxInitCodeSizeAmsterdam are the limits of
	// EIP-7954 (Amsterdam).
	MaxCodeSizeAmsterdam     = 65536
	MaxInitCodeSizeAmsterdam = 2 * MaxCodeSizeAmsterdam
	// MaxCodeSizeBalV570 and MaxInitCodeSizeBalV570 are the limits of
	// EIP-7954 as tests-bal@v5.7.0 has it (the EIP before its raise to 64
	// KiB).
	MaxCodeSizeBalV570     = 32768
	MaxInitCodeSizeBalV570 = 2 * MaxCodeSizeBalV570
	// MaxTxGas is the per-transaction gas limit cap of EIP-7825 (Osaka).
	// From Amsterdam (EIP-7825 as amended by EIP-8037) it caps the
	// execution gas only.
	MaxTxGas = 1 << 24
	// MaxTxTotalGas is the largest gas limit of a transaction from Amsterdam
	// (EIP-8037); the part above MaxTxGas fills the state-gas reservoir.
	MaxTxTotalGas = 1<<32 - 1
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

	// Intrinsic gas from Amsterdam (EIP-2780, EIP-7976, EIP-7981).
	TxBaseGas2780           = 12000 // TX_BASE_COST
	TxValueGas2780          = 6000  // TX_VALUE_COST: the recipient's balance write
	TxAuthBaseGas2780       = 7816  // PER_AUTH_BASE_COST, state-independent part
	TxCostFloorPerToken7976 = 16    // EIP-7976: every byte is 4 tokens, 64 gas

	// SystemMaxSStoresPerCall bounds the new slots one system call writes;
	// from Amsterdam it sizes the system calls' state-gas reservoir.
	SystemMaxSStoresPerCall = 16
)

// Gas prices of EIP-8038 (state-access repricing, Amsterdam).
const (
	gasColdAccount8038           = 3000  // COLD_ACCOUNT_ACCESS
	gasWarmAccess8038            = 100   // WARM_ACCESS
	gasAccountWrite8038          = 9000  // ACCOUNT_WRITE
	gasCallValue8038             = 11300 // CALL_VALUE = ACCOUNT_WRITE + call stipend
	gasColdSlot8038              = 2100  // COLD_STORAGE_ACCESS
	gasWarmSlot8038              = 100   // WARM_STORAGE_ACCESS
	gasStorageWrite8038          = 10000 // STORAGE_WRITE
	gasStorageClear8038          = 11616 // STORAGE_CLEAR_REFUND
	gasCreateAccess8038          = 12000 // CREATE_ACCESS = ACCOUNT_WRITE + COLD_ACCOUNT_ACCESS
	TxAccessListAddressAmsterdam = 2900  // EIP-8038 ACCESS_LIST_ADDRESS_COST
	TxAccessListSlotAmsterdam    = 2000  // EIP-8038 ACCESS_LIST_STORAGE_KEY_COST
)

// State gas of EIP-8037: bytes of state growth times CostPerStateByte.
// go-ethereum v1.17.10 fixes the price per byte (some revisions of the EIP
// derive it from the block gas limit).
const (
	CostPerStateByte          = 1530
	AccountCreationSize       = 120 // a new account
	StorageCreationSize       = 64  // a new storage slot
	AuthorizationCreationSize = 23  // an EIP-7702 delegation indicator

	// StateGasNewAccount is the state gas of a new account (183,600).
	StateGasNewAccount = AccountCreationSize * CostPerStateByte
	// StateGasNewSlot is the state gas of a new storage slot (97,920).
	StateGasNewSlot = StorageCreationSize * CostPerStateByte
	// StateGasDelegation is the state gas of a new delegation indicator
	// (35,190).
	StateGasDelegation = AuthorizationCreationSize * CostPerStateByte
	// SystemCallStateGas is the state-gas reservoir of a system call from
	// Amsterdam (1,566,720).
	SystemCallStateGas = SystemMaxSStoresPerCall * StateGasNewSlot
)

// EIP-8037 as tests-bal@v5.7.0 has it (the EIP of 2026-04-20): state sizes
// in bytes, priced by StateBytePrice, and the execution gas that goes with
// them.
const (
	AccountCreationSizeBalV570 = 112 // a new account
	StorageCreationSizeBalV570 = 32  // a new storage slot
	// TxAuthBaseGasBalV570 is PER_AUTH_BASE_COST's execution part.
	TxAuthBaseGasBalV570 = 7500
	// gasCreateBalV570 is GAS_CREATE's execution part (CREATE, CREATE2 and
	// a creation transaction).
	gasCreateBalV570 = 9000
)

// TransferLogTopic is the first topic of an EIP-7708 transfer log:
// keccak256("Transfer(address,address,uint256)").
var TransferLogTopic = types.Hash{
	0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa,
	0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef,
}

// BurnLogTopic is the first topic of an EIP-7708 burn log (its
// tests-bal@v5.7.0 revision): keccak256("Burn(address,uint256)").
var BurnLogTopic = types.Hash{
	0xcc, 0x16, 0xf5, 0xdb, 0xb4, 0x87, 0x32, 0x80, 0x81, 0x5c, 0x1e, 0xe0, 0x9d, 0xbd, 0x06, 0x73,
	0x6c, 0xff, 0xcc, 0x18, 0x44, 0x12, 0xcf, 0x7a, 0x71, 0xa0, 0xfd, 0xb7, 0x5d, 0x39, 0x7c, 0xa5,
}

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
