package evm

import (
	"bytes"

	"github.com/balexec/balexec/types"
)

// SystemCallGas is the gas a system call runs with (EIP-4788, EIP-2935,
// EIP-7002, EIP-7251).
const SystemCallGas = 30_000_000

// SystemCall runs a system call to addr with input, as go-ethereum v1.17.10
// does before and after a block's transactions: a call from SystemAddress
// that moves no value, pays no fee and touches no sender account, with
// SystemCallGas execution gas and, under go-ethereum's EIP-8037, a
// state-gas reservoir of SystemCallStateGas (none under tests-bal@v5.7.0's);
// its gas counts towards no block gas. The
// transaction context has origin SystemAddress and a zero gas price; the
// access list starts with the zero address (go-ethereum prepares the state
// with a zero sender and coinbase) and addr.
//
// A StateDB that implements Preparer is prepared as for a transaction from
// and to the zero address with no precompiles; the caller finalises the
// state afterwards. The output is a copy owned by the caller;
// err is the call's execution error, which the caller may ignore (EIP-4788,
// EIP-2935) or treat as fatal (the request contracts).
func (evm *EVM) SystemCall(addr types.Address, input []byte) ([]byte, error) {
	evm.Tx = TxContext{Origin: SystemAddress}
	evm.depth = 0
	evm.readOnly = false
	evm.returnData = nil
	if p, ok := evm.state.(Preparer); ok {
		p.Prepare(types.Address{}, types.Address{}, nil, nil, nil)
	} else {
		evm.state.AddAddressToAccessList(types.Address{})
	}
	evm.state.AddAddressToAccessList(addr)
	var reservoir uint64
	if evm.rules.EIP8037 {
		reservoir = evm.costs.systemReservoir
	}
	ret, _, err := evm.Call(SystemAddress, addr, input, evm.newGas(SystemCallGas, reservoir), &evm.zero)
	if len(ret) == 0 {
		return nil, err
	}
	return bytes.Clone(ret), err
}
