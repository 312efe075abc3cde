package evm

import (
	"fmt"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Fork names a supported hard fork, in activation order.
type Fork uint8

// The supported forks. The EVM runs Shanghai and later only: every block
// since the merge's successor. Earlier rules (Frontier..Paris) are not
// implemented. The BPO forks change only blob parameters, which the EVM
// takes from the block context, so they run under Osaka's rules.
const (
	Shanghai Fork = iota
	Cancun
	Prague
	Osaka
	Amsterdam
	numForks
)

var forkNames = [numForks]string{"Shanghai", "Cancun", "Prague", "Osaka", "Amsterdam"}

// String returns the fork's name.
func (f Fork) String() string {
	if f < numForks {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// Rules are the protocol rules one block executes under: the chain id, the
// active forks, the per-EIP switches and, for the EIPs whose specification
// changed between the releases balexec runs, the revision in force.
//
// The fork flags are cumulative: a later fork requires every earlier one
// (IsOsaka requires IsPrague, and so on), and IsShanghai is required.
//
// The Amsterdam changes are switched on one EIP at a time, so that a devnet
// running Osaka plus single EIPs ("Osaka and EIP-7928") is described
// exactly; [RulesFor] and a chain configuration at Amsterdam switch them on
// as a rule profile (chainspec) says. The switches build on Osaka (each
// requires IsOsaka); IsAmsterdam requires the EIPs every profile's
// Amsterdam has (7708, 7843, 7928, 7954, 7976, 7981, 8024, 8037 and the
// amended 7825); go-ethereum's revision of EIP-8037 goes with EIP-8038 and
// no other does; the tests-bal@v5.7.0 revision of EIP-8037 runs on the
// Berlin access prices and the 21000 base cost, so without EIP-8038 and
// EIP-2780; EIP2780 and EIP7825Amended need EIP8037. NewEVM rejects other
// combinations with ErrInvalidRules.
//
// The jump table follows from the fork, the opcode switches and the gas
// schedule; the combinations of whole forks and of the profiles' Amsterdam
// share tables built once, any other gets a private table built and
// validated by NewEVM.
type Rules struct {
	ChainID uint256.Int

	IsShanghai  bool
	IsCancun    bool
	IsPrague    bool
	IsOsaka     bool
	IsAmsterdam bool

	// EIP7928: block-level access lists. The state records them (from
	// Preparer.Prepare to its finalisation); the EVM makes the state
	// accesses go-ethereum makes only for the list: a precompile is touched
	// once its gas is paid, and the delegation target of a called account is
	// loaded once its access is paid.
	EIP7928 bool
	// EIP8037: multidimensional gas. State growth (new accounts, new slots,
	// code deposit, delegation indicators) is charged as state gas from a
	// per-transaction reservoir, and the block pool has an execution and a
	// state dimension.
	EIP8037 bool
	// EIP8038: state-access repricing (cold account 3000, account write 9000,
	// value transfer 11300, storage write 10000, clear refund 11616, CREATE
	// 12000, access list 2900 and 2000, extra reads of EXTCODESIZE and
	// EXTCODECOPY).
	EIP8038 bool
	// EIP2780: resource-based intrinsic gas (12000 base, 3000 recipient,
	// 6000 value, 12000 creation, 7816 per authorization) and the runtime
	// charges before the first frame (recipient creation and delegation,
	// authorization writes and state growth).
	EIP2780 bool
	// EIP7976: calldata floor of 64 gas per byte (16 per token, every byte
	// four tokens).
	EIP7976 bool
	// EIP7981: access-list data counts in the intrinsic gas and the floor.
	EIP7981 bool
	// EIP7708: value transfers and SELFDESTRUCT balance moves emit an ERC-20
	// style Transfer log from SystemAddress.
	EIP7708 bool
	// EIP8246: SELFDESTRUCT to itself no longer burns the balance (the
	// state keeps such an account as a balance-only account).
	EIP8246 bool
	// EIP7843: SLOTNUM.
	EIP7843 bool
	// EIP8024: DUPN, SWAPN and EXCHANGE.
	EIP8024 bool
	// EIP7954: code size limit 65536 and initcode size limit 131072.
	EIP7954 bool
	// EIP7825Amended: EIP-7825 as amended by EIP-8037. The 2^24 cap applies
	// to a transaction's execution gas (and to its intrinsic and floor
	// cost); the gas limit may reach 2^32-1, the rest filling the state-gas
	// reservoir.
	EIP7825Amended bool
	// EIP8282: the builder deposit and exit request contracts, called after
	// the transactions (by the block processor; the EVM does not read it).
	EIP8282 bool

	// The revisions of the EIPs whose text changed between releases; each
	// matters only while its EIP is on. The zero value is go-ethereum
	// v1.17.10's.
	//
	// EIP8037Rev: the state-gas model. RevGeth: the prices of
	// go-ethereum v1.17.10 (1530 per byte; 120, 64 and 23 bytes), every
	// state charge at run time, a spill repaid before the reservoir and
	// burnt by a halt. RevBalV570: the price per byte derived from the block
	// gas limit (1174 at 120M; 112, 32 and 23 bytes), the state gas of a
	// creation and of authorizations in the intrinsic gas, CREATE's state
	// gas charged before its pre-check and refunded on every failure, state
	// gas a failed frame or a refill gives back always returned to the
	// reservoir, a call's new account not refilled, the code deposit's
	// state gas before its hashing, a refund for accounts created and
	// destroyed in the transaction, an existing authority credited to the
	// reservoir, and no state-gas reservoir for system calls.
	EIP8037Rev Revision
	// EIP7954Rev: RevGeth 65536/131072 code and initcode limits,
	// RevBalV570 32768/65536.
	EIP7954Rev Revision
	// EIP7708Rev: RevGeth transfer logs only; RevBalV570 also Burn logs,
	// for the balance a contract created in the transaction burns by
	// self-destructing to itself and for what self-destructed accounts hold
	// at the end of the transaction.
	EIP7708Rev Revision

	// EIP7610 makes an address with non-empty storage a creation collision
	// (EIP-7610, retroactive). The ethereum/tests state tests expect it;
	// go-ethereum v1.17.10 omits it, so block execution that must agree with
	// go-ethereum leaves it off. It only matters for addresses that hold
	// storage but have no code and a zero nonce, which mainnet does not have.
	EIP7610 bool
}

// Revision selects one version of an EIP whose specification changed
// between the releases balexec runs (see the Rules fields ending in Rev).
type Revision uint8

// The revisions.
const (
	// RevGeth is the version go-ethereum v1.17.10 implements (the zero
	// value).
	RevGeth Revision = iota
	// RevBalV570 is the version of the execution-spec-tests release
	// tests-bal@v5.7.0 (the bal-devnet Amsterdam of April 2026).
	RevBalV570
	numRevisions
)

var revisionNames = [numRevisions]string{"go-ethereum v1.17.10", "tests-bal@v5.7.0"}

// String names the release the revision comes from.
func (v Revision) String() string {
	if v < numRevisions {
		return revisionNames[v]
	}
	return fmt.Sprintf("Revision(%d)", uint8(v))
}

// stateGasGeth reports whether go-ethereum's EIP-8037 is in force.
func (r *Rules) stateGasGeth() bool { return r.EIP8037 && r.EIP8037Rev == RevGeth }

// stateGasBalV570 reports whether the tests-bal@v5.7.0 EIP-8037 is in
// force.
func (r *Rules) stateGasBalV570() bool { return r.EIP8037 && r.EIP8037Rev == RevBalV570 }

// burnLogs reports whether EIP-7708 logs burnt balances (its tests-bal@v5.7.0
// revision).
func (r *Rules) burnLogs() bool { return r.EIP7708 && r.EIP7708Rev == RevBalV570 }

// burnsDestructed reports whether the balance self-destructed accounts hold
// at the end of a transaction is burnt by the EVM: from Amsterdam without
// EIP-8246, whose state would otherwise keep it (see ApplyMessage).
func (r *Rules) burnsDestructed() bool { return r.IsAmsterdam && !r.EIP8246 }

// RulesFor returns the rules of fork on chainID, with every fork up to and
// including fork active, the EIPs of those forks switched on and EIP7610
// off.
func RulesFor(chainID uint64, fork Fork) Rules {
	r := Rules{IsShanghai: true}
	r.ChainID.SetUint64(chainID)
	r.IsCancun = fork >= Cancun
	r.IsPrague = fork >= Prague
	r.IsOsaka = fork >= Osaka
	if fork >= Amsterdam {
		r.IsAmsterdam = true
		r.setAmsterdamEIPs(true)
	}
	return r
}

// setAmsterdamEIPs sets every Amsterdam switch to on.
func (r *Rules) setAmsterdamEIPs(on bool) {
	r.EIP7928, r.EIP8037, r.EIP8038, r.EIP2780 = on, on, on, on
	r.EIP7976, r.EIP7981, r.EIP7708, r.EIP8246 = on, on, on, on
	r.EIP7843, r.EIP8024, r.EIP7954, r.EIP7825Amended, r.EIP8282 = on, on, on, on, on
}

// amsterdamEIPs reports whether any of the Amsterdam switches is on, and
// whether all of those every Amsterdam rule profile has are.
func (r *Rules) amsterdamEIPs() (anyOn, commonOn bool) {
	common := [...]bool{r.EIP7928, r.EIP8037, r.EIP7976, r.EIP7981, r.EIP7708,
		r.EIP7843, r.EIP8024, r.EIP7954, r.EIP7825Amended}
	commonOn = true
	for _, on := range common {
		anyOn = anyOn || on
		commonOn = commonOn && on
	}
	anyOn = anyOn || r.EIP8038 || r.EIP2780 || r.EIP8246 || r.EIP8282
	return anyOn, commonOn
}

// Fork returns the latest active fork.
func (r *Rules) Fork() Fork {
	switch {
	case r.IsAmsterdam:
		return Amsterdam
	case r.IsOsaka:
		return Osaka
	case r.IsPrague:
		return Prague
	case r.IsCancun:
		return Cancun
	default:
		return Shanghai
	}
}

// Validate reports whether the fork flags, EIP switches and revisions are
// consistent (see Rules).
func (r *Rules) Validate() error {
	anyOn, commonOn := r.amsterdamEIPs()
	switch {
	case !r.IsShanghai:
		return fmt.Errorf("%w: Shanghai must be active", ErrInvalidRules)
	case r.IsCancun && !r.IsShanghai, r.IsPrague && !r.IsCancun, r.IsOsaka && !r.IsPrague,
		r.IsAmsterdam && !r.IsOsaka:
		return fmt.Errorf("%w: fork %s active without an earlier fork", ErrInvalidRules, r.Fork())
	case r.EIP8037Rev >= numRevisions || r.EIP7954Rev >= numRevisions || r.EIP7708Rev >= numRevisions:
		return fmt.Errorf("%w: unknown revision", ErrInvalidRules)
	case r.IsAmsterdam && !commonOn:
		return fmt.Errorf("%w: Amsterdam active without all of its EIPs", ErrInvalidRules)
	case anyOn && !r.IsOsaka:
		return fmt.Errorf("%w: an Amsterdam EIP active before Osaka", ErrInvalidRules)
	case r.stateGasGeth() != r.EIP8038:
		return fmt.Errorf("%w: go-ethereum's EIP-8037 and EIP-8038 must be active together", ErrInvalidRules)
	case r.stateGasBalV570() && r.EIP2780:
		return fmt.Errorf("%w: the %s EIP-8037 does not go with EIP-2780", ErrInvalidRules, RevBalV570)
	case (r.EIP2780 || r.EIP7825Amended) && !r.EIP8037:
		return fmt.Errorf("%w: EIP-2780 and the amended EIP-7825 need EIP-8037", ErrInvalidRules)
	}
	return nil
}

// MaxCodeSize returns the largest deployable runtime code under r.
func (r *Rules) MaxCodeSize() int {
	switch {
	case r.EIP7954 && r.EIP7954Rev == RevBalV570:
		return MaxCodeSizeBalV570
	case r.EIP7954:
		return MaxCodeSizeAmsterdam
	}
	return MaxCodeSize
}

// MaxInitCodeSize returns the largest initcode of a creation under r.
func (r *Rules) MaxInitCodeSize() int {
	switch {
	case r.EIP7954 && r.EIP7954Rev == RevBalV570:
		return MaxInitCodeSizeBalV570
	case r.EIP7954:
		return MaxInitCodeSizeAmsterdam
	}
	return MaxInitCodeSize
}

// Precompiles returns the precompiled contracts active under r.
func (r *Rules) Precompiles() *precompile.Set {
	switch r.Fork() {
	case Osaka, Amsterdam:
		return precompile.Osaka()
	case Prague:
		return precompile.Prague()
	case Cancun:
		return precompile.Cancun()
	default:
		return precompile.Berlin()
	}
}

// ActivePrecompiles returns the addresses of the precompiles active under r,
// in ascending order, in a new slice.
func (r *Rules) ActivePrecompiles() []types.Address { return r.Precompiles().Addresses() }

// BlockContext is what the EVM knows about the block it executes in. It is
// read-only during execution.
type BlockContext struct {
	Coinbase    types.Address
	Number      uint64
	Time        uint64
	GasLimit    uint64
	BaseFee     uint256.Int
	BlobBaseFee uint256.Int // zero before Cancun
	PrevRandao  types.Hash
	SlotNumber  uint64 // the header's slot number, for SLOTNUM (EIP-7843)
	// GetHash returns the hash of block n, for BLOCKHASH. It is only called
	// for the 256 blocks below Number. It must be safe to call from the
	// goroutine running the EVM; nil makes BLOCKHASH return zero.
	GetHash func(n uint64) types.Hash
}

// TxContext is what the EVM knows about the transaction it executes.
// ApplyMessage sets it from the message.
type TxContext struct {
	Origin     types.Address
	GasPrice   uint256.Int // the effective gas price
	BlobHashes []types.Hash
}
