package evm

import (
	"errors"
	"fmt"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// memCostTotal is the yellow paper's memory cost of words words.
func memCostTotal(words uint64) uint64 { return 3*words + words*words/512 }

func TestMemoryExpansionCost(t *testing.T) {
	cases := []struct {
		offset uint64 // MSTORE8 offset: memory becomes offset+1 bytes
		words  uint64
	}{
		{0, 1}, {31, 1}, {32, 2}, {63, 2}, {64, 3},
		{32*22 - 1, 22}, {32*23 - 1, 23}, // the quadratic term starts to count at 23 words
		{32*512 - 1, 512}, {32*1024 - 1, 1024},
		{1<<20 - 1, 1 << 15},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.offset), func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, Osaka, state)
			code := asm(t, fmt.Sprintf("PUSH1 1 PUSH8 %d MSTORE8 MSIZE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN", c.offset))
			r := callContract(t, evm, state, code, nil, 1<<40)
			if r.err != nil {
				t.Fatal(r.err)
			}
			// PUSH1, PUSH8, MSTORE8, MSIZE, PUSH0, MSTORE, PUSH1, PUSH0,
			// RETURN: 3+3+3+2+2+3+3+2+0, plus the expansion.
			want := uint64(21) + memCostTotal(c.words)
			if r.used != want {
				t.Errorf("gas used %d, want %d", r.used, want)
			}
			var size uint256.Int
			size.SetBytes(r.ret)
			if size.Uint64() != 32*c.words {
				t.Errorf("MSIZE %d, want %d", size.Uint64(), 32*c.words)
			}
		})
	}
}

func TestMemoryExpansionIncremental(t *testing.T) {
	// Expanding twice costs the difference of the totals.
	state := newMemState()
	evm := newTestEVM(t, Osaka, state)
	code := asm(t, "PUSH1 1 PUSH2 1000 MSTORE8 PUSH1 1 PUSH2 5000 MSTORE8 STOP")
	r := callContract(t, evm, state, code, nil, 1<<30)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := uint64(4*3+2*3) + memCostTotal(toWords(5001))
	if r.used != want {
		t.Errorf("gas used %d, want %d", r.used, want)
	}
}

// Huge offsets and sizes are out of gas, never a panic; a zero size needs
// no memory whatever the offset.
func TestMemoryHugeOffsets(t *testing.T) {
	huge := []string{
		"0xffffffffffffffff", "0x10000000000000000", "0xffffffffffffffe0",
		"0x1fffffffe0", "0x1fffffffe1", "0x2000000000",
		"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	}
	ops := []string{
		"PUSH1 1 PUSH32 %s MSTORE",
		"PUSH1 1 PUSH32 %s MSTORE8",
		"PUSH32 %s MLOAD",
		"PUSH32 %s PUSH0 KECCAK256",
		"PUSH32 %s PUSH0 PUSH0 CALLDATACOPY",
		"PUSH32 %s PUSH0 PUSH0 CODECOPY",
		"PUSH32 %s PUSH0 PUSH0 MCOPY",
		"PUSH32 %s PUSH0 PUSH0 PUSH0 EXTCODECOPY",
		"PUSH32 %s PUSH0 RETURN",
		"PUSH32 %s PUSH0 REVERT",
		"PUSH32 %s PUSH0 LOG0",
		"PUSH0 PUSH0 PUSH32 %s PUSH0 PUSH0 PUSH0 PUSH0 CALL",
		"PUSH32 %s PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 CALL",
		"PUSH32 %s PUSH0 PUSH0 CREATE",
	}
	for _, op := range ops {
		for _, h := range huge {
			// Operand order: the huge value is a size in some templates
			// and an offset in others; both must fail cleanly.
			src := fmt.Sprintf(op, h)
			t.Run(src, func(t *testing.T) {
				state := newMemState()
				evm := newTestEVM(t, Osaka, state)
				r := callContract(t, evm, state, asm(t, src), nil, 10_000_000)
				if r.err == nil {
					return // a zero-size access of a huge offset is fine
				}
				if errors.Is(r.err, ErrOutOfGas) || errors.Is(r.err, ErrGasUintOverflow) ||
					errors.Is(r.err, ErrMaxInitCodeSizeExceeded) || r.err == ErrExecutionReverted {
					return
				}
				t.Fatalf("unexpected error %v", r.err)
			})
		}
	}
}

func TestMemoryZeroSizeHugeOffset(t *testing.T) {
	for _, src := range []string{
		"PUSH0 PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff KECCAK256 STOP",
		"PUSH0 PUSH0 PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff CALLDATACOPY STOP",
		"PUSH0 PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff PUSH0 MCOPY STOP",
		"PUSH0 PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff RETURN",
		"PUSH0 PUSH32 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff LOG0 STOP",
	} {
		state := newMemState()
		evm := newTestEVM(t, Osaka, state)
		if r := callContract(t, evm, state, asm(t, src), nil, 100_000); r.err != nil {
			t.Errorf("%s: %v", src, r.err)
		}
	}
}

// TestSstoreGas runs the EIP-3529 test table (gas used by the code, with
// the slot already warm, and the refund counter).
func TestSstoreGas(t *testing.T) {
	cases := []struct {
		code     string
		used     uint64
		refund   uint64
		original uint64
	}{
		{"0x60006000556000600055", 212, 0, 0},
		{"0x60006000556001600055", 20112, 0, 0},
		{"0x60016000556000600055", 20112, 19900, 0},
		{"0x60016000556002600055", 20112, 0, 0},
		{"0x60016000556001600055", 20112, 0, 0},
		{"0x60006000556000600055", 3012, 4800, 1},
		{"0x60006000556001600055", 3012, 2800, 1},
		{"0x60006000556002600055", 3012, 0, 1},
		{"0x60026000556000600055", 3012, 4800, 1},
		{"0x60026000556003600055", 3012, 0, 1},
		{"0x60026000556001600055", 3012, 2800, 1},
		{"0x60026000556002600055", 3012, 0, 1},
		{"0x60016000556000600055", 3012, 4800, 1},
		{"0x60016000556002600055", 3012, 0, 1},
		{"0x60016000556001600055", 212, 0, 1},
		{"0x600160005560006000556001600055", 40118, 19900, 0},
		{"0x600060005560016000556000600055", 5918, 7600, 1},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s_orig%d", i, c.code, c.original), func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, Cancun, state)
			code, _ := types.DecodeHex(c.code)
			state.put(addrContract, 1, 0, code, map[uint256.Int]uint256.Int{{}: u256(c.original)})
			state.AddSlotToAccessList(addrContract, uint256.Int{})
			r := callContract(t, evm, state, code, nil, 100_000)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.used != c.used {
				t.Errorf("gas used %d, want %d", r.used, c.used)
			}
			if got := state.GetRefund(); got != c.refund {
				t.Errorf("refund %d, want %d", got, c.refund)
			}
		})
	}
}

func TestSstoreColdAndSentry(t *testing.T) {
	// A cold slot adds 2100.
	state := newMemState()
	evm := newTestEVM(t, Cancun, state)
	r := callContract(t, evm, state, asm(t, "PUSH1 1 PUSH0 SSTORE STOP"), nil, 100_000)
	if r.err != nil || r.used != 3+2+2100+20000 {
		t.Fatalf("cold SSTORE: used %d err %v, want %d", r.used, r.err, 3+2+2100+20000)
	}
	// With 2300 gas or less left at the SSTORE, it fails (EIP-2200 sentry)
	// even for a no-op store.
	for _, gas := range []uint64{2300 + 4, 2301 + 4} {
		state := newMemState()
		evm := newTestEVM(t, Cancun, state)
		state.put(addrContract, 1, 0, asm(t, "PUSH0 PUSH0 SSTORE STOP"), nil)
		state.AddSlotToAccessList(addrContract, uint256.Int{})
		r := callContract(t, evm, state, nil, nil, gas)
		if gas-4 <= 2300 {
			if !errors.Is(r.err, ErrOutOfGas) || r.used != gas {
				t.Errorf("gas %d: err %v used %d, want out of gas", gas, r.err, r.used)
			}
		} else if r.err != nil || r.used != 4+100 {
			t.Errorf("gas %d: err %v used %d, want success using 104", gas, r.err, r.used)
		}
	}
}

// callee code returning the gas it started with (GAS costs 2, so the
// value is the start gas minus 2).
const gasReporter = "GAS PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"

func returnedWord(ret []byte) uint64 {
	var v uint256.Int
	v.SetBytes(ret)
	return v.Uint64()
}

func TestCallStipendAndAllButOne64th(t *testing.T) {
	cases := []struct {
		name     string
		request  string
		value    uint64
		gas      uint64
		wantSeen func(avail uint64) uint64
	}{
		// A value transfer adds the 2300 stipend to what the caller
		// forwards: with 0 requested, the callee sees exactly 2300.
		{"stipend-only", "0", 1, 1_000_000, func(uint64) uint64 { return 2300 }},
		{"stipend-plus", "1000", 1, 1_000_000, func(uint64) uint64 { return 3300 }},
		{"no-value", "1000", 0, 1_000_000, func(uint64) uint64 { return 1000 }},
		// Asking for more than available gives all but one 64th.
		{"capped", "0xffffffffffffffffffffffff", 0, 1_000_000, func(a uint64) uint64 { return a - a/64 }},
		{"capped-value", "0xffffffffffffffffffffffff", 1, 1_000_000, func(a uint64) uint64 { return a - a/64 + 2300 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, Cancun, state)
			state.put(addrOther, 1, 0, asm(t, gasReporter), nil)
			state.AddAddressToAccessList(addrOther)
			caller := fmt.Sprintf(`PUSH1 32 PUSH0 PUSH0 PUSH0 PUSH1 %d PUSH20 0x%x PUSH32 %s CALL
				PUSH1 32 PUSH0 RETURN`, c.value, addrOther[:], c.request)
			state.put(addrContract, 1, 10, asm(t, caller), nil)
			r := callContract(t, evm, state, nil, nil, c.gas)
			if r.err != nil {
				t.Fatal(r.err)
			}
			// Gas available at the CALL's 63/64 computation: the start gas
			// minus 7 pushes (PUSH0 costs 2, others 3) and the CALL's
			// costs (warm access 100, 32 bytes of memory for the output 3,
			// value transfer 9000).
			pushes := uint64(3 + 2 + 2 + 2 + 3 + 3 + 3)
			avail := c.gas - pushes - 100 - 3
			if c.value != 0 {
				avail -= 9000
			}
			if got, want := returnedWord(r.ret)+2, c.wantSeen(avail); got != want {
				t.Errorf("callee started with %d gas, want %d", got, want)
			}
		})
	}
}

func TestCallNewAccountAndCold(t *testing.T) {
	// CALL with value to an empty, cold account: 2600 cold + 9000 value +
	// 25000 new account; the callee has no code, so the forwarded gas comes
	// back, and with it the 2300 stipend the caller never paid for.
	state := newMemState()
	evm := newTestEVM(t, Cancun, state)
	code := fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 0x%x GAS CALL STOP", addrOther[:])
	state.put(addrContract, 1, 10, asm(t, code), nil)
	r := callContract(t, evm, state, nil, nil, 1_000_000)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := uint64(2*4+3+3+2) + 2600 + 9000 + 25000 - 2300
	if r.used != want {
		t.Errorf("gas used %d, want %d", r.used, want)
	}
	if b := state.GetBalance(addrOther); b.Uint64() != 1 {
		t.Errorf("callee balance %v, want 1", &b)
	}
}

func TestCallDepthLimit(t *testing.T) {
	// Each frame calls itself with calldata depth+1; the frame whose CALL
	// fails records its depth. Frames run at depths 1..1025.
	src := `
		PUSH0 CALLDATALOAD PUSH1 1 ADD PUSH0 MSTORE
		PUSH0 PUSH0 PUSH1 32 PUSH0 PUSH0 ADDRESS GAS CALL
		PUSH @ok JUMPI
		PUSH0 CALLDATALOAD PUSH0 SSTORE STOP
		ok: JUMPDEST STOP`
	state := newMemState()
	evm := newTestEVM(t, Cancun, state)
	input := make([]byte, 32)
	input[31] = 1
	r := callContract(t, evm, state, asm(t, src), input, 1<<46)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := state.GetState(addrContract, uint256.Int{}); got.Uint64() != 1025 {
		t.Errorf("deepest frame %d, want 1025", got.Uint64())
	}
	// Directly: at depth 1025 a call fails with ErrDepth and keeps its gas.
	evm.depth = MaxCallDepth + 1
	var zero uint256.Int
	_, left, err := evm.Call(addrCaller, addrContract, nil, NewGas(1000, 0), &zero)
	if !errors.Is(err, ErrDepth) || left.Exec != 1000 {
		t.Errorf("call at depth 1025: err %v left %d", err, left.Exec)
	}
	evm.depth = 0
}

func TestStaticViolations(t *testing.T) {
	for _, body := range []string{
		"PUSH1 1 PUSH0 SSTORE",
		"PUSH1 1 PUSH0 TSTORE",
		"PUSH0 PUSH0 LOG0",
		"PUSH0 PUSH0 PUSH0 PUSH0 LOG2",
		"PUSH0 PUSH0 PUSH0 CREATE",
		"PUSH0 PUSH0 PUSH0 PUSH0 CREATE2",
		"PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 ADDRESS GAS CALL",
		"ORIGIN SELFDESTRUCT",
	} {
		t.Run(body, func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, Cancun, state)
			state.put(addrOther, 1, 5, asm(t, body+" STOP"), nil)
			// STATICCALL the violator; return its status and the gas left.
			caller := fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x%x PUSH3 100000 STATICCALL PUSH0 MSTORE PUSH1 32 PUSH0 RETURN", addrOther[:])
			r := callContract(t, evm, state, asm(t, caller), nil, 1_000_000)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if returnedWord(r.ret) != 0 {
				t.Fatal("static violation succeeded")
			}
			// The callee's 100000 gas is consumed.
			if r.used < 100000 {
				t.Errorf("used %d: the failed static call should consume its gas", r.used)
			}
			if len(state.logs) != 0 {
				t.Error("log survived")
			}
		})
	}
	// A CALL without value is allowed inside a static context.
	state := newMemState()
	evm := newTestEVM(t, Cancun, state)
	state.put(addrOther, 1, 5, asm(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 ADDRESS PUSH2 1000 CALL POP PUSH0 SLOAD POP STOP"), nil)
	caller := fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x%x PUSH3 100000 STATICCALL PUSH0 MSTORE PUSH1 32 PUSH0 RETURN", addrOther[:])
	r := callContract(t, evm, state, asm(t, caller), nil, 1_000_000)
	if r.err != nil || returnedWord(r.ret) != 1 {
		t.Errorf("value-less call in static context: err %v status %d", r.err, returnedWord(r.ret))
	}
}

func TestCreate2Collision(t *testing.T) {
	// initcode: return one byte (STOP).
	initcode := asm(t, "PUSH1 1 PUSH0 RETURN")
	deployer := func(salt int) string {
		return fmt.Sprintf("PUSH%d 0x%x PUSH0 MSTORE PUSH1 %d PUSH1 %d PUSH1 %d PUSH0 CREATE2 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN",
			len(initcode), initcode, salt, len(initcode), 32-len(initcode))
	}
	target := types.CreateAddress2(addrContract, types.Hash{31: 7}, types.Keccak256One(initcode))
	for _, c := range []struct {
		name    string
		prepare func(s *memState)
		eip7610 bool
		ok      bool
	}{
		{"fresh", func(*memState) {}, true, true},
		{"balance-only", func(s *memState) { s.put(target, 0, 5, nil, nil) }, true, true},
		{"nonce", func(s *memState) { s.put(target, 1, 0, nil, nil) }, true, false},
		{"code", func(s *memState) { s.put(target, 0, 0, []byte{1}, nil) }, true, false},
		{"storage-7610", func(s *memState) {
			s.put(target, 0, 0, nil, map[uint256.Int]uint256.Int{{}: u256(1)})
		}, true, false},
		{"storage-geth", func(s *memState) {
			s.put(target, 0, 0, nil, map[uint256.Int]uint256.Int{{}: u256(1)})
		}, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			state := newMemState()
			rules := RulesFor(1, Cancun)
			rules.EIP7610 = c.eip7610
			evm, _ := NewEVM(testBlock(), rules, Config{})
			evm.Reset(state)
			c.prepare(state)
			r := callContract(t, evm, state, asm(t, deployer(7)), nil, 1_000_000)
			if r.err != nil {
				t.Fatal(r.err)
			}
			got := types.BytesToAddress(r.ret)
			if c.ok != (got == target) {
				t.Fatalf("CREATE2 pushed %v, want success=%v (target %v)", got, c.ok, target)
			}
			if !c.ok {
				// A collision consumes all gas given to the creation, but
				// still bumps the creator's nonce and warms the address.
				if state.GetNonce(addrContract) != 2 {
					t.Error("creator nonce not bumped")
				}
				if !state.AddressInAccessList(target) {
					t.Error("target not warm")
				}
				if r.used < 900_000 {
					t.Errorf("used %d: collision must consume the forwarded gas", r.used)
				}
			}
		})
	}
}

func TestPrecompilesWarmAtStart(t *testing.T) {
	for _, fork := range []Fork{Shanghai, Cancun, Prague, Osaka} {
		rules := RulesFor(1, fork)
		addrs := rules.ActivePrecompiles()
		want := map[Fork]int{Shanghai: 9, Cancun: 10, Prague: 17, Osaka: 18}[fork]
		if len(addrs) != want {
			t.Errorf("%v: %d precompiles, want %d", fork, len(addrs), want)
		}
		for _, a := range addrs {
			state := newMemState()
			state.put(addrCaller, 0, 1e18, nil, nil)
			code := fmt.Sprintf("PUSH20 0x%x BALANCE STOP", a[:])
			state.put(addrContract, 0, 0, asm(t, code), nil)
			evm := newTestEVM(t, fork, state)
			msg := Message{From: addrCaller, To: addrContract, GasLimit: 100_000}
			msg.GasPrice.SetUint64(10)
			msg.GasFeeCap, msg.GasTipCap = msg.GasPrice, msg.GasPrice
			res, err := ApplyMessage(evm, &msg, NewGasPool(1e7))
			if err != nil || res.Err != nil {
				t.Fatalf("%v %v: %v %v", fork, a, err, res.Err)
			}
			if res.UsedGas != 21000+3+100 {
				t.Errorf("%v: BALANCE of precompile %v: tx used %d, want %d (warm)", fork, a, res.UsedGas, 21000+103)
			}
		}
	}
}

func TestDelegationCallCosts(t *testing.T) {
	// A (addrOther) is delegated to B, whose code returns 42.
	addrB := types.Address{0xbb}
	designator := AppendDelegation(nil, addrB)
	callA := fmt.Sprintf("PUSH1 32 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x%x PUSH2 10000 CALL POP PUSH1 32 PUSH0 RETURN", addrOther[:])
	for _, c := range []struct {
		fork   Fork
		warmB  bool
		want42 bool
		extra  uint64
	}{
		{Prague, false, true, 2600},
		{Prague, true, true, 100},
		{Osaka, false, true, 2600},
		{Cancun, false, false, 0}, // before Prague the designator is just code (0xef: invalid)
	} {
		t.Run(fmt.Sprintf("%v-warm%v", c.fork, c.warmB), func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, c.fork, state)
			state.put(addrOther, 0, 0, designator, nil)
			state.put(addrB, 0, 0, asm(t, "PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"), nil)
			if c.warmB {
				state.AddAddressToAccessList(addrB)
			}
			r := callContract(t, evm, state, asm(t, callA), nil, 1_000_000)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if got := returnedWord(r.ret) == 42; got != c.want42 {
				t.Fatalf("delegated code ran: %v, want %v", got, c.want42)
			}
			if !c.want42 {
				return
			}
			// Caller: 7 pushes (3+2+2+2+2+3+3), CALL 100 + cold A 2500 +
			// delegation, POP, PUSH1, PUSH0, RETURN; callee B: 3+2+3+3+2
			// plus 3 memory; caller memory 3.
			want := uint64(3+2+2+2+2+3+3) + 100 + 2500 + c.extra + 2 + 3 + 2 + 3 + (3 + 2 + 3 + 3 + 3 + 2)
			if r.used != want {
				t.Errorf("gas used %d, want %d", r.used, want)
			}
		})
	}
}

func TestDelegationCodeOpcodesSeeDesignator(t *testing.T) {
	addrB := types.Address{0xbb}
	designator := AppendDelegation(nil, addrB)
	state := newMemState()
	evm := newTestEVM(t, Prague, state)
	state.put(addrOther, 0, 1, designator, nil)
	state.put(addrB, 0, 0, asm(t, "PUSH1 42 STOP"), nil)
	code := fmt.Sprintf(`PUSH20 0x%[1]x EXTCODESIZE PUSH0 MSTORE
		PUSH20 0x%[1]x EXTCODEHASH PUSH1 32 MSTORE
		PUSH1 23 PUSH0 PUSH1 64 PUSH20 0x%[1]x EXTCODECOPY
		PUSH1 96 PUSH0 RETURN`, addrOther[:])
	r := callContract(t, evm, state, asm(t, code), nil, 1_000_000)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if returnedWord(r.ret[:32]) != 23 {
		t.Errorf("EXTCODESIZE %d, want 23", returnedWord(r.ret[:32]))
	}
	if h := types.Keccak256One(designator); types.Hash(r.ret[32:64]) != h {
		t.Errorf("EXTCODEHASH %x, want %v", r.ret[32:64], h)
	}
	if string(r.ret[64:64+23]) != string(designator) {
		t.Errorf("EXTCODECOPY %x, want %x", r.ret[64:87], designator)
	}
}

func TestDelegationOneHop(t *testing.T) {
	// A -> B -> C: calling A runs B's code, which is itself a designator
	// and thus invalid (0xef); C never runs.
	addrB, addrC := types.Address{0xbb}, types.Address{0xcc}
	state := newMemState()
	evm := newTestEVM(t, Prague, state)
	state.put(addrOther, 0, 0, AppendDelegation(nil, addrB), nil)
	state.put(addrB, 0, 0, AppendDelegation(nil, addrC), nil)
	state.put(addrC, 0, 0, asm(t, "PUSH1 1 PUSH0 SSTORE STOP"), nil)
	caller := fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x%x PUSH2 50000 CALL PUSH0 MSTORE PUSH1 32 PUSH0 RETURN", addrOther[:])
	r := callContract(t, evm, state, asm(t, caller), nil, 1_000_000)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if returnedWord(r.ret) != 0 {
		t.Error("two-hop delegation call succeeded")
	}
}

// TestSstoreMatrix checks every combination of original, current and new
// value in {0, 1, 2} for a warm slot: the cost and the refund change of
// EIP-2200 as amended by EIP-2929 and EIP-3529.
func TestSstoreMatrix(t *testing.T) {
	cases := []struct {
		o, c, n uint64
		gas     uint64
		refund  int64
	}{
		{0, 0, 0, 100, 0}, {0, 0, 1, 20000, 0}, {0, 0, 2, 20000, 0},
		{0, 1, 0, 100, 19900}, {0, 1, 1, 100, 0}, {0, 1, 2, 100, 0},
		{0, 2, 0, 100, 19900}, {0, 2, 1, 100, 0}, {0, 2, 2, 100, 0},
		{1, 0, 0, 100, 0}, {1, 0, 1, 100, -2000}, {1, 0, 2, 100, -4800},
		{1, 1, 0, 2900, 4800}, {1, 1, 1, 100, 0}, {1, 1, 2, 2900, 0},
		{1, 2, 0, 100, 4800}, {1, 2, 1, 100, 2800}, {1, 2, 2, 100, 0},
		{2, 0, 0, 100, 0}, {2, 0, 1, 100, -4800}, {2, 0, 2, 100, -2000},
		{2, 1, 0, 100, 4800}, {2, 1, 1, 100, 0}, {2, 1, 2, 100, 2800},
		{2, 2, 0, 2900, 4800}, {2, 2, 1, 2900, 0}, {2, 2, 2, 100, 0},
	}
	const startRefund = 10000
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d-%d-%d", c.o, c.c, c.n), func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, Prague, state)
			code := asm(t, fmt.Sprintf("PUSH1 %d PUSH0 SSTORE STOP", c.n))
			state.put(addrContract, 1, 0, code, map[uint256.Int]uint256.Int{{}: u256(c.o)})
			state.SetState(addrContract, uint256.Int{}, u256(c.c))
			state.AddSlotToAccessList(addrContract, uint256.Int{})
			state.AddRefund(startRefund)
			r := callContract(t, evm, state, nil, nil, 100_000)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if got := r.used - 5; got != c.gas {
				t.Errorf("gas %d, want %d", got, c.gas)
			}
			if got := int64(state.GetRefund()) - startRefund; got != c.refund {
				t.Errorf("refund change %d, want %d", got, c.refund)
			}
			if got := state.GetState(addrContract, uint256.Int{}); got.Uint64() != c.n {
				t.Errorf("slot %v, want %d", &got, c.n)
			}
		})
	}
}
