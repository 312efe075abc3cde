package evm

import (
	"fmt"
	"testing"
)

// TestInterpreterNoAllocs proves that the interpreter allocates nothing in
// steady state: a loop of arithmetic, memory, hashing, storage reads, jumps
// and calls into another contract (whose frame and return buffer are
// reused) runs without a single allocation once warm, under Osaka's and
// Amsterdam's rules (whose call gas also reads the callee's code).
func TestInterpreterNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	for _, fork := range []Fork{Osaka, Amsterdam} {
		t.Run(fork.String(), func(t *testing.T) { testInterpreterNoAllocs(t, fork) })
	}
}

func testInterpreterNoAllocs(t *testing.T, fork Fork) {
	callee := asm(t, "PUSH0 CALLDATALOAD PUSH1 1 ADD PUSH0 MSTORE CALLVALUE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN")
	loop := asm(t, fmt.Sprintf(`
		PUSH2 200                                   ; [n]
	loop: JUMPDEST
		DUP1 PUSH0 MSTORE
		PUSH1 64 PUSH1 64 PUSH1 32 PUSH0 PUSH20 0x%x GAS STATICCALL POP
		PUSH1 64 PUSH0 PUSH1 128 RETURNDATACOPY
		PUSH1 64 PUSH1 64 KECCAK256 PUSH1 7 SLOAD ADD PUSH1 160 MSTORE
		PUSH1 7 PUSH1 3 EXP PUSH1 5 PUSH1 9 MULMOD POP
		PUSH1 1 SWAP1 SUB DUP1 PUSH @loop JUMPI
		PUSH1 32 PUSH1 160 RETURN`, addrOther[:]))
	r := newContractRunnerFork(t, fork, loop, nil)
	r.state.put(addrOther, 1, 0, callee, nil)
	r.state.AddAddressToAccessList(addrOther)
	r.state.AddAddressToAccessList(addrContract)
	r.state.AddSlotToAccessList(addrContract, u256(7))
	ret, used, err := r.run(10_000_000)
	if err != nil {
		t.Fatal(err)
	}
	// The loop ran: 200 rounds of a call and a hash cost over 80000.
	if used < 80_000 || len(ret) != 32 {
		t.Fatalf("loop did not run: used %d, returned %x", used, ret)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, _, err := r.run(10_000_000); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}
