package gethpeer

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// The ERC-20-style token of the erc20 workload: Solidity's storage layout
// for `mapping(address => uint256) balances` at slot 0, one function,
// transfer(address,uint256) (selector a9059cbb), which moves the amount from
// the caller's balance to the recipient's (reverting when the caller's
// balance is short), emits Transfer(from, to, amount) and returns true.
// Anything else reverts.

// transferSelector is the selector of transfer(address,uint256).
var transferSelector = [4]byte{0xa9, 0x05, 0x9c, 0xbb}

// transferTopic is keccak256("Transfer(address,address,uint256)").
var transferTopic = crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))

// tokenCode returns the token's runtime code.
func tokenCode() []byte {
	a := newAsm()
	// Dispatch on the selector.
	a.push(0).op(vm.CALLDATALOAD).push(224).op(vm.SHR)
	a.pushBytes(transferSelector[:]).op(vm.EQ).jumpi("transfer")
	a.label("fail").push(0).op(vm.DUP1, vm.REVERT)

	// balances[caller] -= amount, or revert.
	a.label("transfer")
	a.op(vm.CALLER).push(0).op(vm.MSTORE)
	a.push(0).push(32).op(vm.MSTORE)
	a.push(64).push(0).op(vm.KECCAK256)                  // fromSlot
	a.op(vm.DUP1, vm.SLOAD)                              // bal, fromSlot
	a.push(36).op(vm.CALLDATALOAD)                       // amount, bal, fromSlot
	a.op(vm.DUP1, vm.DUP3, vm.LT).jumpi("fail")          // bal < amount
	a.op(vm.SWAP1, vm.SUB, vm.SWAP1, vm.SSTORE)          // balances[from] = bal - amount
	a.push(4).op(vm.CALLDATALOAD).push(0).op(vm.MSTORE)  // to, with the mapping's slot 0 after it
	a.push(64).push(0).op(vm.KECCAK256)                  // toSlot
	a.op(vm.DUP1, vm.SLOAD).push(36).op(vm.CALLDATALOAD) // amount, v, toSlot
	a.op(vm.ADD, vm.SWAP1, vm.SSTORE)                    // balances[to] = v + amount
	a.push(36).op(vm.CALLDATALOAD).push(0).op(vm.MSTORE) // log data: the amount
	a.push(4).op(vm.CALLDATALOAD).op(vm.CALLER)          // to, from
	a.pushBytes(transferTopic[:]).push(32).push(0).op(vm.LOG3)
	a.push(1).push(0).op(vm.MSTORE).push(32).push(0).op(vm.RETURN)
	return a.bytes()
}

// tokenBalanceSlot returns the storage key of holder's balance.
func tokenBalanceSlot(holder common.Address) common.Hash {
	var buf [64]byte
	copy(buf[12:32], holder[:])
	return crypto.Keccak256Hash(buf[:])
}

// tokenTransferData returns the calldata of transfer(to, amount).
func tokenTransferData(to common.Address, amount *uint256.Int) []byte {
	data := make([]byte, 4+32+32)
	copy(data, transferSelector[:])
	copy(data[4+12:], to[:])
	amount.WriteToSlice(data[36:68])
	return data
}
