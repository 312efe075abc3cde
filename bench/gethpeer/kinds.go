package gethpeer

import (
	"fmt"
	"strings"
)

// Kind is one kind of thing a generated chain exercises. The generator
// records each kind it puts into a chain (by intent: a CREATE2 meant to
// collide is counted as a collision); the tests check that a seed set covers
// every kind its fork allows.
type Kind uint8

// The kinds.
const (
	KindTransfer             Kind = iota // value transfer to an existing account
	KindTransferNewAccount               // value transfer creating an account
	KindTransferZeroNew                  // zero-value transfer to an absent account
	KindTransferSelf                     // transfer to the sender itself
	KindTransferPrecompile               // call with value to a precompile
	KindDeploy                           // CREATE transaction deploying code
	KindDeployFail                       // CREATE transaction failing (revert, 0xEF, OOG, deposit OOG)
	KindStorageNew                       // write to an empty slot
	KindStorageChange                    // write changing a non-empty slot
	KindStorageNoop                      // write of the current value
	KindStorageRestore                   // write then write back the original in one transaction
	KindStorageZero                      // write of zero (refund)
	KindStorageRead                      // storage read without write
	KindTransient                        // TSTORE/TLOAD
	KindRevert                           // transaction reverting (REVERT at the top level)
	KindNestedRevert                     // inner call reverting
	KindOutOfGas                         // transaction running out of gas
	KindIntrinsicTight                   // gas limit barely above the intrinsic cost
	KindInvalidOpcode                    // exceptional halt (CLZ before Osaka)
	KindCreate                           // CREATE from a contract
	KindCreate2                          // CREATE2 from a contract
	KindCreate2Collision                 // CREATE2 to an address already used
	KindCreateFail                       // CREATE/CREATE2 whose initcode fails
	KindSelfdestructExisting             // SELFDESTRUCT of a contract created earlier
	KindSelfdestructSameTx               // SELFDESTRUCT of a contract created in the same transaction
	KindDelegateCall                     // DELEGATECALL
	KindStaticCall                       // STATICCALL (precompiles, history contract)
	KindCallValue                        // CALL with value from a contract
	KindExtCode                          // BALANCE / EXTCODEHASH / EXTCODESIZE
	KindBlockhash                        // BLOCKHASH of ancestors, the current block and beyond
	KindLog                              // LOG0..LOG4
	KindCLZ                              // CLZ (Osaka)
	KindLegacy                           // type 0, EIP-155
	KindLegacyUnprotected                // type 0 without chain id
	KindAccessList                       // type 1
	KindDynamicFee                       // type 2
	KindBlob                             // type 3
	KindSetCode                          // type 4 setting a delegation
	KindSetCodeReapply                   // delegation set again to the same target
	KindSetCodeClear                     // delegation cleared (target zero)
	KindSetCodeInvalid                   // invalid authorization (chain id, nonce, signature)
	KindDelegatedCall                    // call to a delegated account
	KindWithdrawal                       // withdrawal
	KindWithdrawalZero                   // withdrawal of zero
	KindWithdrawalRequest                // EIP-7002 request transaction
	KindConsolidationRequest             // EIP-7251 request transaction
	KindDeposit                          // EIP-6110 deposit log
	KindBuilderDeposit                   // EIP-8282 builder deposit request
	KindBuilderExit                      // EIP-8282 builder exit request
	KindCoinbaseSender                   // block whose coinbase sends transactions in it
	KindTouchEmpty                       // touch of an empty genesis account (deleted under EIP-161)
	KindCallLowGas                       // CALL with a small gas allowance (stipend, SSTORE sentry)
	KindCallCode                         // CALLCODE
	KindMemory                           // memory expansion and KECCAK256
	KindFullBlock                        // block filled past its gas target (base fee rises)
	KindDelegationChain                  // delegation to an account that is itself delegated
	numKinds
)

var kindNames = [numKinds]string{
	"transfer", "transfer-new-account", "transfer-zero-new", "transfer-self", "transfer-precompile",
	"deploy", "deploy-fail",
	"storage-new", "storage-change", "storage-noop", "storage-restore", "storage-zero", "storage-read", "transient",
	"revert", "nested-revert", "out-of-gas", "intrinsic-tight", "invalid-opcode",
	"create", "create2", "create2-collision", "create-fail",
	"selfdestruct-existing", "selfdestruct-same-tx",
	"delegatecall", "staticcall", "call-value", "extcode", "blockhash", "log", "clz",
	"legacy", "legacy-unprotected", "access-list", "dynamic-fee", "blob",
	"setcode", "setcode-reapply", "setcode-clear", "setcode-invalid", "delegated-call",
	"withdrawal", "withdrawal-zero", "withdrawal-request", "consolidation-request", "deposit",
	"builder-deposit", "builder-exit", "coinbase-sender", "touch-empty",
	"call-low-gas", "callcode", "memory", "full-block", "delegation-chain",
}

// String returns the kind's name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// KindsFor returns the kinds a chain of fork f can contain.
func KindsFor(f Fork) []Kind {
	var out []Kind
	for k := range numKinds {
		if kindAllowed(k, f) {
			out = append(out, k)
		}
	}
	return out
}

func kindAllowed(k Kind, f Fork) bool {
	switch k {
	case KindSetCode, KindSetCodeReapply, KindSetCodeClear, KindSetCodeInvalid, KindDelegatedCall, KindDelegationChain,
		KindWithdrawalRequest, KindConsolidationRequest, KindDeposit:
		return f >= Prague
	case KindCLZ:
		return f >= Osaka
	case KindInvalidOpcode:
		return f < Osaka
	case KindBuilderDeposit, KindBuilderExit:
		return f >= Amsterdam
	case KindTouchEmpty:
		return f < Amsterdam // see generator.genesis
	}
	return k < numKinds
}

// Coverage counts the kinds a chain exercises.
type Coverage [numKinds]int

// Add adds the counts of o.
func (c *Coverage) Add(o *Coverage) {
	for k := range c {
		c[k] += o[k]
	}
}

// Missing returns the kinds of fork f with a zero count.
func (c *Coverage) Missing(f Fork) []Kind {
	var out []Kind
	for _, k := range KindsFor(f) {
		if c[k] == 0 {
			out = append(out, k)
		}
	}
	return out
}

// String lists the non-zero counts.
func (c *Coverage) String() string {
	var b strings.Builder
	for k := range numKinds {
		if c[k] > 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s=%d", k, c[k])
		}
	}
	return b.String()
}
