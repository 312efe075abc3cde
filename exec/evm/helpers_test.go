package evm

import (
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

var (
	addrCaller   = types.Address{0xca, 0x11, 0xe4}
	addrContract = types.Address{0xc0, 0xde}
	addrOther    = types.Address{0x07, 0x7e}
	addrCoinbase = types.Address{0xc0, 0x1b}
)

func testBlock() BlockContext {
	b := BlockContext{
		Coinbase: addrCoinbase,
		Number:   1000,
		Time:     1_700_000_000,
		GasLimit: 30_000_000,
		GetHash:  func(n uint64) types.Hash { return types.Keccak256One([]byte{byte(n), byte(n >> 8)}) },
	}
	b.BaseFee.SetUint64(7)
	b.BlobBaseFee.SetUint64(1)
	return b
}

func newTestEVM(t testing.TB, fork Fork, state StateDB) *EVM {
	t.Helper()
	evm, err := NewEVM(testBlock(), RulesFor(1, fork), Config{})
	if err != nil {
		t.Fatal(err)
	}
	evm.Reset(state)
	return evm
}

func asm(t testing.TB, src string) []byte {
	t.Helper()
	b, err := Assemble(src)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runResult is the outcome of calling addrContract directly.
type runResult struct {
	ret  []byte
	used uint64
	err  error
}

// callContract deploys code at addrContract in state (warm, like a
// transaction's recipient) and calls it from addrCaller with gas.
func callContract(t testing.TB, evm *EVM, state *memState, code []byte, input []byte, gas uint64) runResult {
	t.Helper()
	if state.accounts[addrContract] == nil {
		state.put(addrContract, 1, 0, code, nil)
	}
	if state.accounts[addrCaller] == nil {
		state.put(addrCaller, 0, 1e18, nil, nil)
	}
	state.AddAddressToAccessList(addrCaller)
	state.AddAddressToAccessList(addrContract)
	var zero uint256.Int
	ret, left, err := evm.Call(addrCaller, addrContract, input, NewGas(gas, 0), &zero)
	return runResult{ret: append([]byte(nil), ret...), used: gas - left.Exec, err: err}
}

func u256(v uint64) uint256.Int { return *uint256.NewInt(v) }

// testAlloc is a test pre-state given as plain data, account by account.
type testAlloc map[types.Address]testAccount

// testAccount is an account of a testAlloc; zero storage values are absent
// slots.
type testAccount struct {
	Balance uint256.Int
	Nonce   uint64
	Code    []byte
	Storage map[uint256.Int]uint256.Int
}

// memory returns the pre-state as an in-memory state.
func (a testAlloc) memory() *state.Memory {
	updates := make([]state.AccountUpdate, 0, len(a))
	for addr, acct := range a {
		u := state.AccountUpdate{Address: addr, Nonce: acct.Nonce, Balance: acct.Balance, CodeHash: types.EmptyCodeHash}
		if len(acct.Code) > 0 {
			u.Code, u.CodeHash = acct.Code, types.Keccak256One(acct.Code)
		}
		for k, v := range acct.Storage {
			u.Storage = append(u.Storage, state.SlotUpdate{Key: k, Value: v})
		}
		updates = append(updates, u)
	}
	m := state.NewMemory()
	m.Apply(updates)
	return m
}
