package evm

import (
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// EIP-8037 (state gas) and EIP-8038 (repricing) at frame level: one call
// into addrContract on a memState, inspecting the budget the frame hands
// back.

// amsFrame runs code at addrContract (nonce 1, balance given) under fork,
// called by addrCaller with gas and value, after setup.
func amsFrame(t *testing.T, fork Fork, balance uint64, setup func(s *memState), code []byte, gas Gas, value uint64) ([]byte, Gas, error) {
	t.Helper()
	s := newMemState()
	s.put(addrCaller, 0, 1e18, nil, nil)
	s.put(addrContract, 1, balance, code, nil)
	if setup != nil {
		setup(s)
	}
	s.AddAddressToAccessList(addrCaller)
	s.AddAddressToAccessList(addrContract)
	evm := newTestEVM(t, fork, s)
	v := u256(value)
	ret, left, err := evm.Call(addrCaller, addrContract, nil, gas, &v)
	return ret, left, err
}

// bigGas is a budget that never runs out, with a separate reservoir.
func bigGas() Gas { return NewGas(1<<40, 1<<40) }

// sstoreCode stores each (slot, value) pair in order, then stops.
func sstoreCode(pairs ...uint64) string {
	var s string
	for i := 0; i+1 < len(pairs); i += 2 {
		s += fmt.Sprintf("PUSH1 %d PUSH1 %d SSTORE ", pairs[i+1], pairs[i])
	}
	return s + "STOP"
}

// callCodeAsm calls to with value and no gas of its own beyond what the
// 63/64 rule gives, then runs tail.
func callCodeAsm(to types.Address, value uint64, tail string) string {
	return fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 %d PUSH20 0x%x GAS CALL POP %s", value, to[:], tail)
}

// createAsm runs CREATE (or CREATE2 with salt 0) with initcode (at most 32
// bytes) and value, then stops.
func createAsm(init []byte, create2 bool, value uint64) string {
	word := make([]byte, 32)
	copy(word[32-len(init):], init)
	s := fmt.Sprintf("PUSH32 0x%x PUSH0 MSTORE ", word)
	if create2 {
		return s + fmt.Sprintf("PUSH0 PUSH1 %d PUSH1 %d PUSH1 %d CREATE2 STOP", len(init), 32-len(init), value)
	}
	return s + fmt.Sprintf("PUSH1 %d PUSH1 %d PUSH1 %d CREATE STOP", len(init), 32-len(init), value)
}

var (
	initDeploy3 = mustHex("60036000f3") // return 3 bytes of code
	initDeploy0 = mustHex("60006000f3") // return no code
	initRevert  = mustHex("60006000fd")
	initInvalid = []byte{0xfe}
	addrFresh   = types.Address{0xf7, 0xe5}
)

func TestStateGasSstore(t *testing.T) {
	for _, c := range []struct {
		name      string
		pre       uint64 // value of slot 0 at the start
		code      string
		gas       Gas
		usedState int64
		state     uint64 // reservoir left
		spilled   uint64
	}{
		{"new slot", 0, sstoreCode(0, 1), NewGas(1_000_000, 200_000), StateGasNewSlot, 200_000 - StateGasNewSlot, 0},
		{"new slot spills", 0, sstoreCode(0, 1), NewGas(1_000_000, 100), StateGasNewSlot, 0, StateGasNewSlot - 100},
		{"0-x-0 refilled", 0, sstoreCode(0, 1, 0, 0), NewGas(1_000_000, 200_000), 0, 200_000, 0},
		{"0-x-0 repays the spill first", 0, sstoreCode(0, 1, 0, 0), NewGas(1_000_000, 0), 0, 0, 0},
		{"x-0 no state", 1, sstoreCode(0, 0), bigGas(), 0, 1 << 40, 0},
		{"x-0-x no state", 1, sstoreCode(0, 0, 0, 1), bigGas(), 0, 1 << 40, 0},
		{"x-y no state", 1, sstoreCode(0, 2), bigGas(), 0, 1 << 40, 0},
		{"two new slots", 0, sstoreCode(0, 1, 1, 1), bigGas(), 2 * StateGasNewSlot, 1<<40 - 2*StateGasNewSlot, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			setup := func(s *memState) {
				if c.pre != 0 {
					s.put(addrContract, 1, 0, asm(t, c.code), map[uint256.Int]uint256.Int{{}: u256(c.pre)})
				}
			}
			_, left, err := amsFrame(t, Amsterdam, 0, setup, asm(t, c.code), c.gas, 0)
			if err != nil {
				t.Fatal(err)
			}
			if left.UsedState != c.usedState || left.State != c.state || left.Spilled != c.spilled {
				t.Errorf("used state %d, reservoir %d, spilled %d; want %d, %d, %d",
					left.UsedState, left.State, left.Spilled, c.usedState, c.state, c.spilled)
			}
		})
	}
}

// The SSTORE sentry counts execution gas only: a huge reservoir does not
// let a frame with 2300 gas left write.
func TestStateGasSentryExcludesReservoir(t *testing.T) {
	code := asm(t, sstoreCode(0, 1))
	setup := func(s *memState) { s.put(addrContract, 1, 0, code, map[uint256.Int]uint256.Int{{}: u256(1)}) }
	if _, _, err := amsFrame(t, Amsterdam, 0, setup, code, NewGas(6+2300, 1<<40), 0); !errors.Is(err, ErrOutOfGas) {
		t.Errorf("at the sentry: %v, want out of gas", err)
	}
	if _, _, err := amsFrame(t, Amsterdam, 0, setup, code, NewGas(6+2301, 1<<40), 0); err != nil {
		t.Errorf("above the sentry: %v", err)
	}
}

// GAS reports the execution gas only.
func TestStateGasOpcodeExcludesReservoir(t *testing.T) {
	ret, _, err := amsFrame(t, Amsterdam, 0, nil, asm(t, "GAS PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"), NewGas(1_000_000, 500_000), 0)
	if err != nil || returnedWord(ret) != 1_000_000-2 {
		t.Fatalf("GAS = %d (%v), want %d", returnedWord(ret), err, 1_000_000-2)
	}
}

func TestStateGasCall(t *testing.T) {
	existing := types.Address{0xe1}
	withCode := func(s *memState) { s.put(existing, 0, 0, []byte{0x00}, nil) }
	balanceOnly := func(s *memState) { s.put(existing, 0, 1, nil, nil) }
	for _, c := range []struct {
		name    string
		balance uint64 // of the calling contract
		setup   func(s *memState)
		code    string
		want    int64
	}{
		{"value to new account", 10, nil, callCodeAsm(addrFresh, 1, "STOP"), StateGasNewAccount},
		{"value to account with code", 10, withCode, callCodeAsm(existing, 1, "STOP"), 0},
		{"value to balance-only account", 10, balanceOnly, callCodeAsm(existing, 1, "STOP"), 0},
		{"no value to new account", 10, nil, callCodeAsm(addrFresh, 0, "STOP"), 0},
		{"insufficient balance refills", 0, nil, callCodeAsm(addrFresh, 1, "STOP"), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, left, err := amsFrame(t, Amsterdam, c.balance, c.setup, asm(t, c.code), bigGas(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if left.UsedState != c.want {
				t.Errorf("state gas %d, want %d", left.UsedState, c.want)
			}
		})
	}
}

// A frame that reverts or halts hands its state gas back: the charges of
// the undone changes are refilled at the boundary.
func TestStateGasFrameExits(t *testing.T) {
	child := types.Address{0xc1}
	for _, tail := range []string{"PUSH0 PUSH0 REVERT", "INVALID"} {
		t.Run(tail, func(t *testing.T) {
			setup := func(s *memState) { s.put(child, 0, 0, asm(t, sstoreCode(0, 1)[:len(sstoreCode(0, 1))-4]+tail), nil) }
			_, left, err := amsFrame(t, Amsterdam, 0, setup, asm(t, callCodeAsm(child, 0, "STOP")), bigGas(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if left.UsedState != 0 || left.State != 1<<40 {
				t.Errorf("used state %d, reservoir %d: want the child's charge refilled", left.UsedState, left.State)
			}
		})
	}
	// The frame itself failing: a call with value to a new account whose
	// frame then reverts leaves no state gas, the spill repaid.
	_, left, err := amsFrame(t, Amsterdam, 10, nil, asm(t, callCodeAsm(addrFresh, 1, "PUSH0 PUSH0 REVERT")), NewGas(1_000_000, 0), 0)
	if err != ErrExecutionReverted || left.UsedState != 0 || left.Spilled != 0 {
		t.Errorf("revert: %v, used state %d, spilled %d", err, left.UsedState, left.Spilled)
	}
}

func TestStateGasCreate(t *testing.T) {
	created := types.CreateAddress(addrContract, 1)
	for _, c := range []struct {
		name    string
		balance uint64
		setup   func(s *memState)
		code    string
		want    int64
	}{
		{"new account and deposit", 0, nil, createAsm(initDeploy3, false, 0), StateGasNewAccount + 3*CostPerStateByte},
		{"CREATE2 alike", 0, nil, createAsm(initDeploy3, true, 0), StateGasNewAccount + 3*CostPerStateByte},
		{"no code, no deposit", 0, nil, createAsm(initDeploy0, false, 0), StateGasNewAccount},
		{"pre-funded target: deposit only", 0, func(s *memState) { s.put(created, 0, 1, nil, nil) },
			createAsm(initDeploy3, false, 0), 3 * CostPerStateByte},
		{"initcode reverts: refilled", 0, nil, createAsm(initRevert, false, 0), 0},
		{"initcode halts: refilled", 0, nil, createAsm(initInvalid, false, 0), 0},
		{"collision: not charged", 0, func(s *memState) { s.put(created, 1, 0, nil, nil) }, createAsm(initDeploy3, false, 0), 0},
		{"insufficient balance: not charged", 0, nil, createAsm(initDeploy3, false, 1), 0},
		{"with value", 5, nil, createAsm(initDeploy3, false, 1), StateGasNewAccount + 3*CostPerStateByte},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, left, err := amsFrame(t, Amsterdam, c.balance, c.setup, asm(t, c.code), bigGas(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if left.UsedState != c.want {
				t.Errorf("state gas %d, want %d", left.UsedState, c.want)
			}
		})
	}
}

// CREATE's new-account charge is made in the creating frame: with no
// reservoir and too little execution gas to spill into, the creating frame
// itself runs out of gas.
func TestStateGasCreateChargeHaltsParent(t *testing.T) {
	code := asm(t, "PUSH0 PUSH0 PUSH0 CREATE STOP") // empty initcode
	const before = 6 + 12000
	if _, _, err := amsFrame(t, Amsterdam, 0, nil, code, NewGas(before+StateGasNewAccount-1, 0), 0); !errors.Is(err, ErrOutOfGas) {
		t.Errorf("short of the state charge: %v, want out of gas", err)
	}
	if _, left, err := amsFrame(t, Amsterdam, 0, nil, code, NewGas(before+StateGasNewAccount, 0), 0); err != nil || left.Exec != 0 || left.UsedState != StateGasNewAccount {
		t.Errorf("exactly enough: %v, left %+v", err, left)
	}
}

func TestStateGasSelfdestruct(t *testing.T) {
	existing := types.Address{0xe1}
	for _, c := range []struct {
		name    string
		balance uint64
		to      types.Address
		want    int64
	}{
		{"balance to new account", 10, addrFresh, StateGasNewAccount},
		{"balance to existing account", 10, existing, 0},
		{"no balance to new account", 0, addrFresh, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			setup := func(s *memState) { s.put(existing, 0, 1, nil, nil) }
			code := asm(t, fmt.Sprintf("PUSH20 0x%x SELFDESTRUCT", c.to[:]))
			_, left, err := amsFrame(t, Amsterdam, c.balance, setup, code, bigGas(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if left.UsedState != c.want {
				t.Errorf("state gas %d, want %d", left.UsedState, c.want)
			}
		})
	}
}

// TestGasBudgetInvariants drives random charges, refills, forwards and
// absorptions through Gas and checks the conservation laws after each:
// the reservoir plus the net state gas equals the reservoir at the start
// plus the spill, a spill and a non-empty reservoir never coexist outside a
// merge, and a failed frame hands back exactly its starting reservoir.
func TestGasBudgetInvariants(t *testing.T) {
	const seed = 8037
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewSource(seed))
	check := func(g Gas, start uint64, what string) {
		t.Helper()
		if int64(g.State)+g.UsedState != int64(start)+int64(g.Spilled) {
			t.Fatalf("%s: state not conserved: %+v, start %d", what, g, start)
		}
		if g.Spilled != 0 && g.State != 0 {
			t.Fatalf("%s: spill %d with reservoir %d", what, g.Spilled, g.State)
		}
	}
	for trial := range 2000 {
		start := uint64(rng.Intn(1000))
		g := NewGas(1_000_000, start)
		var charged []uint64 // state charges not yet refilled, in order
		for step := range 40 {
			switch rng.Intn(4) {
			case 0, 1:
				s := uint64(rng.Intn(400))
				before := g
				if g.Charge(GasCost{Exec: uint64(rng.Intn(50)), State: s}) {
					charged = append(charged, s)
				} else if g != before {
					t.Fatalf("trial %d step %d: failed charge changed the budget", trial, step)
				}
			case 2:
				if n := len(charged); n > 0 {
					i := rng.Intn(n)
					g.RefundState(charged[i])
					charged = append(charged[:i], charged[i+1:]...)
				}
			case 3:
				// A child frame charges some state gas, may refill a
				// charge its parent made (an SSTORE of another frame
				// resetting a slot), and exits in one of the three ways.
				child := g.Forward(g.Exec / 2)
				childStart := child.State
				var childCharge uint64
				if s := uint64(rng.Intn(300)); child.Charge(GasCost{State: s}) {
					childCharge = s
				}
				refilled := -1
				if n := len(charged); n > 0 && rng.Intn(2) == 0 {
					refilled = rng.Intn(n)
					child.RefundState(charged[refilled])
				}
				var left Gas
				switch rng.Intn(3) {
				case 0:
					left = child.exitSuccess()
					if refilled >= 0 {
						charged = append(charged[:refilled], charged[refilled+1:]...)
					}
					charged = append(charged, childCharge)
				case 1:
					left = child.exitRevert()
					if left.State != childStart || left.UsedState != 0 || left.Spilled != 0 {
						t.Fatalf("revert: %+v from %+v", left, child)
					}
				default:
					left = child.exitHalt()
					if left.State != childStart || left.Exec != 0 || left.UsedState != 0 {
						t.Fatalf("halt: %+v from %+v", left, child)
					}
				}
				g.Absorb(left)
			}
			check(g, start, fmt.Sprintf("trial %d step %d", trial, step))
		}
		// Refilling every charge restores the state side exactly.
		for _, s := range charged {
			g.RefundState(s)
		}
		if g.UsedState != 0 || g.Spilled != 0 || g.State != start {
			t.Fatalf("trial %d: after all refills %+v, want reservoir %d", trial, g, start)
		}
	}
}

// TestEIP8038Prices checks the repriced opcodes against Osaka's prices:
// the execution gas a snippet uses in a frame.
func TestEIP8038Prices(t *testing.T) {
	other := types.Address{0x07, 0x7e}
	fresh := fmt.Sprintf("0x%x", addrFresh[:])
	oth := fmt.Sprintf("0x%x", other[:])
	withOther := func(s *memState) { s.put(other, 1, 1, []byte{0x00}, nil) }
	stored := func(s *memState) {
		s.put(addrContract, 1, 10, s.accounts[addrContract].code, map[uint256.Int]uint256.Int{{}: u256(1)})
	}
	for _, c := range []struct {
		name          string
		setup         func(s *memState)
		code          string
		osaka, amster uint64
	}{
		{"BALANCE cold", nil, "PUSH20 " + fresh + " BALANCE", 3 + 2600, 3 + 3000},
		{"BALANCE warm", nil, "ADDRESS BALANCE", 2 + 100, 2 + 100},
		{"EXTCODEHASH cold", nil, "PUSH20 " + fresh + " EXTCODEHASH", 3 + 2600, 3 + 3000},
		{"EXTCODESIZE cold", nil, "PUSH20 " + fresh + " EXTCODESIZE", 3 + 2600, 3 + 3000 + 100},
		{"EXTCODESIZE warm", nil, "ADDRESS EXTCODESIZE", 2 + 100, 2 + 200},
		{"EXTCODECOPY cold", nil, "PUSH0 PUSH0 PUSH0 PUSH20 " + fresh + " EXTCODECOPY", 6 + 3 + 2600, 6 + 3 + 3000 + 100},
		{"EXTCODECOPY warm, a word", nil, "PUSH1 32 PUSH0 PUSH0 ADDRESS EXTCODECOPY", 3 + 2 + 2 + 2 + 100 + 3 + 3, 3 + 2 + 2 + 2 + 200 + 3 + 3},
		{"SLOAD cold, warm", nil, "PUSH0 SLOAD PUSH0 SLOAD", 2 + 2100 + 2 + 100, 2 + 2100 + 2 + 100},
		{"CALL cold, no value", withOther, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 " + oth + " PUSH0 CALL", 10 + 3 + 2 + 2600, 10 + 3 + 2 + 3000},
		// Value to an existing account: the stipend goes to the callee and
		// comes back unused.
		{"CALL cold, value", withOther, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 " + oth + " PUSH0 CALL", 8 + 3 + 3 + 2 + 2600 + 9000 - 2300, 8 + 3 + 3 + 2 + 3000 + 11300 - 2300},
		{"CALLCODE cold, value", withOther, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 " + oth + " PUSH0 CALLCODE", 8 + 3 + 3 + 2 + 2600 + 9000 - 2300, 8 + 3 + 3 + 2 + 3000 + 11300 - 2300},
		{"STATICCALL cold", withOther, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 " + oth + " PUSH0 STATICCALL", 8 + 3 + 2 + 2600, 8 + 3 + 2 + 3000},
		{"DELEGATECALL cold", withOther, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 " + oth + " PUSH0 DELEGATECALL", 8 + 3 + 2 + 2600, 8 + 3 + 2 + 3000},
		{"CREATE empty", nil, "PUSH0 PUSH0 PUSH0 CREATE", 6 + 32000, 6 + 12000},
		{"CREATE2 one word", nil, "PUSH0 PUSH1 1 PUSH0 PUSH0 CREATE2", 2 + 3 + 2 + 2 + 32000 + 3 + 8, 2 + 3 + 2 + 2 + 12000 + 3 + 8},
		{"SELFDESTRUCT cold existing", withOther, "PUSH20 " + oth + " SELFDESTRUCT", 3 + 5000 + 2600, 3 + 5000 + 3000},
		{"SELFDESTRUCT cold new, balance", nil, "PUSH20 " + fresh + " SELFDESTRUCT", 3 + 5000 + 2600 + 25000, 3 + 5000 + 3000 + 9000},
		{"SSTORE cold new slot", nil, "PUSH1 1 PUSH0 SSTORE", 5 + 22100, 5 + 2100 + 10000},
		{"SSTORE cold reset", stored, "PUSH1 2 PUSH0 SSTORE", 5 + 5000, 5 + 2100 + 10000},
		{"SSTORE cold no-op", stored, "PUSH1 1 PUSH0 SSTORE", 5 + 2100 + 100, 5 + 2100},
		{"SSTORE dirty", stored, "PUSH1 2 PUSH0 SSTORE PUSH1 3 PUSH0 SSTORE", 5 + 5000 + 5 + 100, 5 + 12100 + 5 + 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []struct {
				fork Fork
				want uint64
			}{{Osaka, c.osaka}, {Amsterdam, c.amster}} {
				// The reservoir pays any state gas, so that the
				// execution gas used is the opcodes' price.
				const gas = 1_000_000
				_, left, err := amsFrame(t, f.fork, 10, c.setup, asm(t, c.code+" STOP"), NewGas(gas, 1<<30), 0)
				if err != nil {
					t.Fatalf("%v: %v", f.fork, err)
				}
				if used := gas - left.Exec; used != f.want {
					t.Errorf("%v: used %d, want %d", f.fork, used, f.want)
				}
			}
		})
	}
}

// TestEIP8038SstoreRefunds checks the refund counter of SSTORE sequences.
func TestEIP8038SstoreRefunds(t *testing.T) {
	for _, c := range []struct {
		name   string
		pre    uint64
		pairs  []uint64
		refund uint64
	}{
		{"x-0", 1, []uint64{0, 0}, 11616},
		{"0-x-0", 0, []uint64{0, 1, 0, 0}, 10000},
		{"x-0-x", 1, []uint64{0, 0, 0, 1}, 10000},
		{"x-y-0", 1, []uint64{0, 2, 0, 0}, 11616},
		{"x-y-x", 1, []uint64{0, 2, 0, 1}, 10000},
		{"x-0-y", 1, []uint64{0, 0, 0, 2}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newMemState()
			s.put(addrCaller, 0, 1e18, nil, nil)
			code := asm(t, sstoreCode(c.pairs...))
			s.put(addrContract, 1, 0, code, map[uint256.Int]uint256.Int{{}: u256(c.pre)})
			evm := newTestEVM(t, Amsterdam, s)
			if _, _, err := evm.Call(addrCaller, addrContract, nil, bigGas(), &evm.zero); err != nil {
				t.Fatal(err)
			}
			if s.refund != c.refund {
				t.Errorf("refund %d, want %d", s.refund, c.refund)
			}
		})
	}
}
