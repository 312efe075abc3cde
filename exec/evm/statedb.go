package evm

import (
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// StateDB is the journaled state one transaction runs on. The EVM mutates it
// and reads through it; it never sees the backing store. The implementation
// lives in package state; tests may supply their own.
//
// Semantics follow go-ethereum v1.17.10's core/state.StateDB, because the
// order and kind of state accesses decide both gas and (from Amsterdam) the
// block access list:
//
//   - Every accessor counts as an access of the address for the block access
//     list, whether or not the account exists. Access-list warming
//     (AddAddressToAccessList, AddSlotToAccessList) is not an access.
//   - An account "exists" once it is in the state (created, funded, or present
//     in the pre-state), even if it is empty; Empty is the EIP-161 test
//     (nonce 0, balance 0, no code) and is true for absent accounts.
//   - Storage keys and values are 256-bit words. Original values are those at
//     the start of the transaction (EIP-2200).
//   - All mutations are journaled; RevertToSnapshot undoes everything after
//     the snapshot, including logs, refunds, transient storage, access-list
//     additions, self-destruct marks and created-contract marks. Accesses
//     recorded for the block access list are not undone.
//
// Slices returned by GetCode are read-only and stay valid for the
// transaction; callers must not modify them. SetCode takes ownership of its
// argument.
type StateDB interface {
	// Accounts.
	Exist(addr types.Address) bool
	Empty(addr types.Address) bool
	// Touch accesses addr without reading or changing anything (precompile
	// calls record their address this way).
	Touch(addr types.Address)
	CreateAccount(addr types.Address)
	// CreateContract marks addr as created in this transaction (EIP-6780) and
	// clears any storage it had. The account must exist.
	CreateContract(addr types.Address)
	IsNewContract(addr types.Address) bool

	GetBalance(addr types.Address) uint256.Int
	AddBalance(addr types.Address, amount *uint256.Int)
	SubBalance(addr types.Address, amount *uint256.Int)

	GetNonce(addr types.Address) uint64
	SetNonce(addr types.Address, nonce uint64)

	GetCode(addr types.Address) []byte
	// GetCodeHash returns the zero hash for an absent account and
	// types.EmptyCodeHash for an existing account without code.
	GetCodeHash(addr types.Address) types.Hash
	GetCodeSize(addr types.Address) int
	SetCode(addr types.Address, code []byte)
	// HasStorage reports whether the account has non-empty storage (in the
	// pre-state or written in this transaction); used by the EIP-7610
	// creation-collision rule.
	HasStorage(addr types.Address) bool

	// Storage.
	GetState(addr types.Address, key uint256.Int) uint256.Int
	// GetStateAndCommitted returns the current value and the value at the
	// start of the transaction.
	GetStateAndCommitted(addr types.Address, key uint256.Int) (current, original uint256.Int)
	SetState(addr types.Address, key, value uint256.Int)
	GetTransientState(addr types.Address, key uint256.Int) uint256.Int
	SetTransientState(addr types.Address, key, value uint256.Int)

	// Self-destruct (EIP-6780 semantics are decided by the EVM).
	SelfDestruct(addr types.Address)
	HasSelfDestructed(addr types.Address) bool
	// NewSlots returns the number of addr's storage slots that were zero at
	// the start of the transaction and are not zero now: the slots the
	// transaction created. For a contract created in the transaction that
	// is all of its non-zero storage; the tests-bal@v5.7.0 EIP-8037 refunds
	// their state gas when it self-destructs.
	NewSlots(addr types.Address) int

	// EIP-2929 access lists.
	AddressInAccessList(addr types.Address) bool
	SlotInAccessList(addr types.Address, key uint256.Int) (addressOK, slotOK bool)
	AddAddressToAccessList(addr types.Address)
	AddSlotToAccessList(addr types.Address, key uint256.Int)

	// Refund counter.
	AddRefund(gas uint64)
	SubRefund(gas uint64)
	GetRefund() uint64

	// Logs. The state copies nothing: the EVM passes a log it will not touch
	// again.
	AddLog(log types.Log)

	// Journal.
	Snapshot() int
	RevertToSnapshot(id int)
}
