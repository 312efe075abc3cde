package evm

import (
	"testing"

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
