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
// implemented.
const (
	Shanghai Fork = iota
	Cancun
	Prague
	Osaka
	numForks
)

var forkNames = [numForks]string{"Shanghai", "Cancun", "Prague", "Osaka"}

// String returns the fork's name.
func (f Fork) String() string {
	if f < numForks {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// Rules are the protocol rules one block executes under: the chain id, the
// active forks and the per-EIP switches that are not tied to a fork.
//
// The fork flags are cumulative: a later fork requires every earlier one
// (IsOsaka requires IsPrague, and so on), and IsShanghai is required. NewEVM
// rejects other combinations with ErrInvalidRules.
//
// Per-EIP switches that a chain configuration sets independently of the
// forks (a devnet running a fork plus single EIPs) sit next to EIP7610.
// The jump table is chosen by Fork; an EIP that adds or reprices opcodes
// needs its own table variant, built and validated at initialisation like
// the fork tables.
type Rules struct {
	ChainID uint256.Int

	IsShanghai bool
	IsCancun   bool
	IsPrague   bool
	IsOsaka    bool

	// EIP7610 makes an address with non-empty storage a creation collision
	// (EIP-7610, retroactive). The ethereum/tests state tests expect it;
	// go-ethereum v1.17.10 omits it, so block execution that must agree with
	// go-ethereum leaves it off. It only matters for addresses that hold
	// storage but have no code and a zero nonce, which mainnet does not have.
	EIP7610 bool
}

// RulesFor returns the rules of fork on chainID, with every fork up to and
// including fork active and the per-EIP switches off.
func RulesFor(chainID uint64, fork Fork) Rules {
	r := Rules{IsShanghai: true}
	r.ChainID.SetUint64(chainID)
	r.IsCancun = fork >= Cancun
	r.IsPrague = fork >= Prague
	r.IsOsaka = fork >= Osaka
	return r
}

// Fork returns the latest active fork.
func (r *Rules) Fork() Fork {
	switch {
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

// Validate reports whether the fork flags are consistent.
func (r *Rules) Validate() error {
	switch {
	case !r.IsShanghai:
		return fmt.Errorf("%w: Shanghai must be active", ErrInvalidRules)
	case r.IsCancun && !r.IsShanghai, r.IsPrague && !r.IsCancun, r.IsOsaka && !r.IsPrague:
		return fmt.Errorf("%w: fork %s active without an earlier fork", ErrInvalidRules, r.Fork())
	}
	return nil
}

// Precompiles returns the precompiled contracts active under r.
func (r *Rules) Precompiles() *precompile.Set {
	switch r.Fork() {
	case Osaka:
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
