package evm

import "math/bits"

// gasSchedule holds the prices that differ between forks (and, from
// Amsterdam, between the revisions of its EIPs): every gas function exists
// once and reads its prices from the schedule of the rules in force, so
// that a fix to a function applies to every fork.
//
// The schedules are package-level values, built once and never modified;
// an EVM keeps a copy of its rules' schedule with the state-gas prices of
// its block worked out (gasCosts).
type gasSchedule struct {
	name string

	// Account access (EIP-2929). coldAccount is the whole price of a cold
	// account access, warmAccess that of a warm one (the constant part of
	// BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH and the call family,
	// and a delegation target's warm access). codeRead is the second read
	// of EXTCODESIZE and EXTCODECOPY (the code itself, EIP-8038).
	coldAccount uint64
	warmAccess  uint64
	codeRead    uint64

	// The call family and SELFDESTRUCT. callValue is the value transfer of
	// CALL and CALLCODE; callNewAccount and selfdestructNewAccount the
	// execution gas of sending value to an empty account (a new account's
	// state gas, when the schedule has state gas, comes on top).
	callValue              uint64
	callNewAccount         uint64
	selfdestructNewAccount uint64

	// create is the constant gas of CREATE and CREATE2.
	create uint64

	// SSTORE (EIP-2200 as amended by EIP-2929 and EIP-3529, or EIP-8038).
	// A slot costs slotCold when cold and slotWarm when warm (its access);
	// then a no-op or a write to a slot changed earlier in the transaction
	// adds sstoreNoop, the first change of a zero slot sstoreSet, the first
	// change of a non-zero slot sstoreReset. Clearing a slot refunds
	// sstoreClearRefund; restoring a slot's original value refunds the
	// first-change price minus sstoreNoop.
	slotCold          uint64
	slotWarm          uint64
	sstoreNoop        uint64
	sstoreSet         uint64
	sstoreReset       uint64
	sstoreClearRefund uint64

	// State gas (EIP-8037): the bytes of state growth a new account, a new
	// storage slot and a delegation indicator count, and the price of a
	// byte. All zero before Amsterdam. systemCallSlots sizes the state-gas
	// reservoir of a system call in new slots.
	accountBytes    uint64
	slotBytes       uint64
	delegationBytes uint64
	bytePrice       uint64
	systemCallSlots uint64

	// Intrinsic gas: of an access-list entry (EIP-2930; EIP-8038
	// reprices), of a creation on top of the 21000 base, and of an EIP-7702
	// authorization (before EIP-2780, whose prices replace the last two).
	txAccessListAddress uint64
	txAccessListSlot    uint64
	txCreate            uint64
	txAuth              uint64
}

// The schedules.
var (
	// berlinGas prices Shanghai to Osaka: the EIP-2929 access costs and the
	// EIP-2200/EIP-3529 storage prices.
	berlinGas = gasSchedule{
		name:                   "Berlin",
		coldAccount:            gasColdAccount,
		warmAccess:             gasWarmRead,
		callValue:              gasCallValue,
		callNewAccount:         gasCallNewAcct,
		selfdestructNewAccount: gasSelfdestructN,
		create:                 gasCreate,
		slotCold:               gasColdSload,
		sstoreNoop:             gasWarmRead,
		sstoreSet:              gasSstoreSet,
		sstoreReset:            gasSstoreReset - gasColdSload,
		sstoreClearRefund:      gasSstoreClearsRfnd,
		txAccessListAddress:    TxAccessListAddress,
		txAccessListSlot:       TxAccessListSlot,
		txCreate:               TxGasContractCreation - TxGas,
		txAuth:                 TxAuthNewAccountGas,
	}

	// amsterdamGethGas prices go-ethereum v1.17.10's Amsterdam: EIP-8038
	// and its EIP-8037 state gas at a fixed price per byte.
	amsterdamGethGas = gasSchedule{
		name:                   "Amsterdam (go-ethereum v1.17.10)",
		coldAccount:            gasColdAccount8038,
		warmAccess:             gasWarmAccess8038,
		codeRead:               gasWarmAccess8038,
		callValue:              gasCallValue8038,
		selfdestructNewAccount: gasAccountWrite8038,
		create:                 gasCreateAccess8038,
		slotCold:               gasColdSlot8038,
		slotWarm:               gasWarmSlot8038,
		sstoreSet:              gasStorageWrite8038,
		sstoreReset:            gasStorageWrite8038,
		sstoreClearRefund:      gasStorageClear8038,
		accountBytes:           AccountCreationSize,
		slotBytes:              StorageCreationSize,
		delegationBytes:        AuthorizationCreationSize,
		bytePrice:              CostPerStateByte,
		systemCallSlots:        SystemMaxSStoresPerCall,
		txAccessListAddress:    TxAccessListAddressAmsterdam,
		txAccessListSlot:       TxAccessListSlotAmsterdam,
		txCreate:               TxGasContractCreation - TxGas,
		txAuth:                 TxAuthNewAccountGas,
	}

	// balV570Gas prices the Amsterdam of tests-bal@v5.7.0: EIP-8037 (the
	// version of the EIP of 2026-04-20) on the Berlin access prices, without
	// EIP-8038. A creation's constant gas and a new slot's execution part
	// are the EIP's "new regular gas" (9000, 2900); a new account costs no
	// execution gas beyond the value transfer; the price of a state byte
	// derives from the block gas limit (StateBytePrice); system calls get no
	// state-gas reservoir.
	balV570Gas = gasSchedule{
		name:                "Amsterdam (tests-bal@v5.7.0)",
		coldAccount:         gasColdAccount,
		warmAccess:          gasWarmRead,
		callValue:           gasCallValue,
		create:              gasCreateBalV570,
		slotCold:            gasColdSload,
		sstoreNoop:          gasWarmRead,
		sstoreSet:           gasSstoreReset - gasColdSload,
		sstoreReset:         gasSstoreReset - gasColdSload,
		sstoreClearRefund:   gasSstoreClearsRfnd,
		accountBytes:        AccountCreationSizeBalV570,
		slotBytes:           StorageCreationSizeBalV570,
		delegationBytes:     AuthorizationCreationSize,
		txAccessListAddress: TxAccessListAddress,
		txAccessListSlot:    TxAccessListSlot,
		txCreate:            gasCreateBalV570,
		txAuth:              TxAuthBaseGasBalV570,
	}
)

// schedule returns the gas schedule of r.
func (r *Rules) schedule() *gasSchedule {
	switch {
	case r.EIP8038:
		return &amsterdamGethGas
	case r.stateGasBalV570():
		return &balV570Gas
	}
	return &berlinGas
}

// gasCosts is a schedule with the state-gas prices of one block worked out:
// what an EVM's gas functions read.
type gasCosts struct {
	gasSchedule
	newAccount      uint64 // state gas of a new account
	newSlot         uint64 // state gas of a new storage slot
	delegation      uint64 // state gas of a new delegation indicator
	systemReservoir uint64 // the state-gas reservoir of a system call
}

// costsFor returns the prices of a block with gasLimit under r.
func costsFor(r *Rules, gasLimit uint64) gasCosts {
	c := gasCosts{gasSchedule: *r.schedule()}
	p := c.bytePrice
	if p == 0 && c.accountBytes != 0 {
		p = StateBytePrice(gasLimit)
		c.bytePrice = p
	}
	c.newAccount = c.accountBytes * p
	c.newSlot = c.slotBytes * p
	c.delegation = c.delegationBytes * p
	c.systemReservoir = c.systemCallSlots * c.newSlot
	return c
}

// StateBytePrice returns the price of a byte of state growth at a block gas
// limit, as EIP-8037 derives it from 2026-04 on (the tests-bal@v5.7.0
// revision; go-ethereum v1.17.10 fixes it at CostPerStateByte): the gas
// that buys TARGET_STATE_GROWTH_PER_YEAR (100 GiB) at half of every block's
// gas for a year of 12-second slots, rounded down to its five most
// significant bits after an offset of 9578, and at least 1. It is 1174 from
// about 95.9M to 137.7M gas, 1686 at 150M, 1 at 30000.
func StateBytePrice(gasLimit uint64) uint64 {
	const (
		blocksPerYear   = 7200 * 365    // 2,628,000
		denominator     = 2 * 100 << 30 // 2 * TARGET_STATE_GROWTH_PER_YEAR
		offset          = 9578          // CPSB_OFFSET
		significantBits = 5             // CPSB_SIGNIFICANT_BITS
	)
	hi, lo := bits.Mul64(gasLimit, blocksPerYear)
	// hi < blocksPerYear < denominator, so the quotient fits.
	raw, rem := bits.Div64(hi, lo, denominator)
	if rem != 0 {
		raw++
	}
	shifted := raw + offset
	shift := max(bits.Len64(shifted)-significantBits, 0)
	q := shifted >> shift << shift
	if q <= offset {
		return 1
	}
	return q - offset
}
