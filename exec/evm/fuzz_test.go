package evm

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// dump renders the whole state deterministically, for comparing runs.
func (s *memState) dump() string {
	var b bytes.Buffer
	addrs := make([]types.Address, 0, len(s.accounts))
	for a := range s.accounts {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(x, y types.Address) int { return x.Compare(&y) })
	for _, a := range addrs {
		acct := s.accounts[a]
		fmt.Fprintf(&b, "%x n=%d b=%v c=%x sd=%v\n", a, acct.nonce, &acct.balance, acct.code, acct.selfDestructed)
		keys := make([]uint256.Int, 0, len(acct.storage))
		for k := range acct.storage {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y uint256.Int) int { return x.Cmp(&y) })
		for _, k := range keys {
			v := acct.storage[k]
			fmt.Fprintf(&b, "  %v=%v\n", &k, &v)
		}
	}
	fmt.Fprintf(&b, "refund=%d logs=%d\n", s.refund, len(s.logs))
	for _, l := range s.logs {
		fmt.Fprintf(&b, "  log %x %x %x\n", l.Address, l.Topics, l.Data)
	}
	return b.String()
}

// fuzzState is the fixed small state the fuzz target runs on: the fuzzed
// code at addrContract and, delegated to, at addrOther; a plain account;
// storage to read and clear.
func fuzzState(code []byte) *memState {
	s := newMemState()
	s.put(addrCaller, 0, 1e18, nil, nil)
	s.put(addrContract, 1, 1e9, code, map[uint256.Int]uint256.Int{{}: u256(1), u256(1): u256(2)})
	s.put(addrOther, 0, 5, AppendDelegation(nil, addrContract), nil)
	s.put(types.Address{0xbb}, 7, 0, nil, nil)
	return s
}

func fuzzRun(code, input []byte, gas uint64, fork Fork, tableOnly bool) (string, error) {
	state := fuzzState(code)
	evm, err := NewEVM(testBlock(), RulesFor(1, fork), Config{})
	if err != nil {
		return "", err
	}
	evm.Reset(state)
	evm.tableOnly = tableOnly
	msg := Message{From: addrCaller, To: addrContract, GasLimit: gas, Data: input, Type: types.DynamicFeeTxType}
	msg.Value.SetUint64(3)
	msg.GasPrice.SetUint64(10)
	msg.GasFeeCap.SetUint64(10)
	msg.GasTipCap.SetUint64(2)
	res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
	if err != nil {
		return "", err
	}
	state.finalise()
	return fmt.Sprintf("used=%d max=%d refund=%d exec=%d state=%d err=%v ret=%x\n%s",
		res.UsedGas, res.MaxUsedGas, res.RefundedGas, res.ExecutionGas, res.StateGas, res.Err, res.ReturnData, state.dump()), nil
}

// FuzzInterpreter runs random bytecode as the recipient of a transaction
// on a fixed small state: it must not panic, must end (bounded by gas), must
// be deterministic, and the interpreter's inline fast path must agree with
// the plain jump-table loop.
func FuzzInterpreter(f *testing.F) {
	seeds := []string{
		"PUSH1 1 PUSH0 SSTORE STOP",
		"PUSH0 SLOAD PUSH1 1 SLOAD ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN",
		"loop: JUMPDEST PUSH1 1 PUSH @loop JUMPI",
		"PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 ADDRESS GAS CALL",
		"PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH1 0x77 GAS CALL",
		"PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x077e000000000000000000000000000000000000 GAS DELEGATECALL",
		"PUSH1 32 PUSH0 PUSH1 32 PUSH0 PUSH1 2 GAS STATICCALL PUSH1 32 PUSH0 RETURN",
		"PUSH5 0x6001600055 PUSH0 MSTORE PUSH1 5 PUSH1 27 PUSH0 CREATE",
		"PUSH1 9 PUSH1 5 PUSH1 27 PUSH0 CREATE2",
		"PUSH0 PUSH0 LOG0 PUSH1 1 PUSH1 2 PUSH0 PUSH1 7 LOG2",
		"CALLER SELFDESTRUCT",
		"PUSH1 1 PUSH0 TSTORE PUSH0 TLOAD",
		"PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff MLOAD",
		"PUSH0 PUSH0 PUSH0 RETURNDATACOPY",
		"PUSH1 10 PUSH0 PUSH0 MCOPY CLZ",
		"PUSH1 4 PUSH0 REVERT",
		"SLOTNUM PUSH1 1 PUSH1 2 PUSH1 3 DUPN DATA 0x80 SWAPN DATA 0x80 EXCHANGE DATA 0x8e",
		"PUSH1 1 PUSH0 SSTORE PUSH0 PUSH0 SSTORE PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 0xf7e5 GAS CALL",
		"PUSH0 PUSH0 PUSH1 1 CREATE PUSH20 0xf7e5 SELFDESTRUCT",
	}
	for _, s := range seeds {
		f.Add(asm(f, s), []byte{1, 2, 3}, uint32(200_000))
	}
	f.Add([]byte{0xfe}, []byte(nil), uint32(30_000))
	f.Fuzz(func(t *testing.T, code, input []byte, gas uint32) {
		if len(code) > 4096 || len(input) > 1024 {
			return
		}
		g := 21000 + uint64(gas)%500_000
		for _, fork := range []Fork{Cancun, Osaka, Amsterdam} {
			a, errA := fuzzRun(code, input, g, fork, false)
			b, errB := fuzzRun(code, input, g, fork, false)
			if (errA == nil) != (errB == nil) || a != b {
				t.Fatalf("%v: nondeterministic:\n%v\n%s\n---\n%v\n%s", fork, errA, a, errB, b)
			}
			c, errC := fuzzRun(code, input, g, fork, true)
			if (errA == nil) != (errC == nil) || a != c {
				t.Fatalf("%v: fast path and table loop differ:\n%v\n%s\n---\n%v\n%s", fork, errA, a, errC, c)
			}
		}
	})
}
