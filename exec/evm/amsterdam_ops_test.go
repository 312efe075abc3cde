package evm

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The opcode and log EIPs of Amsterdam: EIP-7708 transfer logs, EIP-8246
// SELFDESTRUCT, EIP-7843 SLOTNUM and EIP-8024 DUPN, SWAPN and EXCHANGE.

func TestEIP7708Logs(t *testing.T) {
	logger := types.Address{0x10, 0x99}
	reverter := types.Address{0x7e, 0x7e}
	bob := fmt.Sprintf("0x%x", amsBob[:])
	call := func(op, to string, value uint64) string {
		return fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 %d PUSH20 %s GAS %s POP ", value, to, op)
	}
	created := types.CreateAddress(logger, 1)
	for _, c := range []struct {
		name string
		code string
		want [][3]any // from, to, amount
	}{
		{"CALL with value", call("CALL", bob, 5), [][3]any{{logger, amsBob, uint64(5)}}},
		{"CALL without value", call("CALL", bob, 0), nil},
		{"CALLCODE with value", call("CALLCODE", bob, 5), nil},
		{"reverted call", call("CALL", fmt.Sprintf("0x%x", reverter[:]), 5), nil},
		{"SELFDESTRUCT", "PUSH20 " + bob + " SELFDESTRUCT", [][3]any{{logger, amsBob, uint64(100)}}},
		{"SELFDESTRUCT to itself", "ADDRESS SELFDESTRUCT", nil},
		{"CREATE with value", "PUSH0 PUSH0 PUSH1 7 CREATE POP", [][3]any{{logger, created, uint64(7)}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			alloc := amsAlloc(testAlloc{
				logger:   {Nonce: 1, Balance: u256(100), Code: asm(t, c.code+" STOP")},
				reverter: {Code: asm(t, "PUSH0 PUSH0 REVERT")},
			})
			for _, fork := range []Fork{Osaka, Amsterdam} {
				ch := newTxChainRules(t, alloc, RulesFor(1, fork))
				out := ch.apply(ch.msg(amsSender, logger, 0, 500_000, nil))
				if out.err != nil || out.res.Err != nil {
					t.Fatalf("%v: %v %v", fork, out.err, out.res.Err)
				}
				want := c.want
				if fork == Osaka {
					want = nil
				}
				if len(out.logs) != len(want) {
					t.Fatalf("%v: %d logs, want %d", fork, len(out.logs), len(want))
				}
				for i, w := range want {
					if !isTransferLog(out.logs[i], w[0].(types.Address), w[1].(types.Address), w[2].(uint64)) {
						t.Errorf("%v: log %d = %+v", fork, i, out.logs[i])
					}
				}
			}
		})
	}
	// A transfer to oneself logs nothing.
	ch := newTxChain(t, amsAlloc(nil))
	if out := ch.apply(ch.msg(amsSender, amsSender, 5, 100_000, nil)); out.err != nil || len(out.logs) != 0 {
		t.Errorf("self transfer: %v, %d logs", out.err, len(out.logs))
	}
}

// TestEIP8246 checks that a contract created and self-destructed to itself
// keeps its balance from Amsterdam (the state keeps it as a balance-only
// account), while before it the balance is burnt.
func TestEIP8246(t *testing.T) {
	initcode := asm(t, "ADDRESS SELFDESTRUCT")
	addr := types.CreateAddress(amsSender, 0)
	for _, c := range []struct {
		fork    Fork
		exists  bool
		balance uint64
	}{{Osaka, false, 0}, {Amsterdam, true, 1000}} {
		ch := newTxChainRules(t, amsAlloc(nil), RulesFor(1, c.fork))
		out := ch.apply(ch.create(amsSender, 1000, 300_000, initcode))
		if out.err != nil || out.res.Err != nil {
			t.Fatalf("%v: %v %v", c.fork, out.err, out.res.Err)
		}
		// From Amsterdam the endowment is logged; the self-destruct to
		// itself is not.
		if c.exists != (len(out.logs) == 1) || (c.exists && !isTransferLog(out.logs[0], amsSender, addr, 1000)) {
			t.Errorf("%v: logs %+v", c.fork, out.logs)
		}
		a := ch.account(addr)
		if ch.exists(addr) != c.exists || !a.Balance.Eq(uint256.NewInt(c.balance)) || a.Nonce != 0 || a.CodeHash != types.EmptyCodeHash {
			t.Errorf("%v: exists %v, account %+v; want exists %v with balance %d", c.fork, ch.exists(addr), a, c.exists, c.balance)
		}
	}
	// A contract that existed before the transaction keeps everything.
	old := types.Address{0x01, 0xd0}
	ch := newTxChain(t, amsAlloc(testAlloc{old: {Nonce: 1, Balance: u256(50), Code: asm(t, "ADDRESS SELFDESTRUCT")}}))
	if out := ch.apply(ch.msg(amsSender, old, 0, 100_000, nil)); out.err != nil || out.res.Err != nil {
		t.Fatal(out.err, out.res.Err)
	}
	if a := ch.account(old); a.Balance.Uint64() != 50 || a.Nonce != 1 || a.CodeHash == types.EmptyCodeHash {
		t.Errorf("old contract %+v", a)
	}
}

func TestEIP7843SlotNum(t *testing.T) {
	s := newMemState()
	evm := newTestEVM(t, Amsterdam, s)
	evm.Block.SlotNumber = 0x1234_5678_9abc
	r := callContract(t, evm, s, asm(t, "SLOTNUM PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"), nil, 100_000)
	if r.err != nil || returnedWord(r.ret) != 0x1234_5678_9abc || r.used != 2+2+3+3+3+2 {
		t.Errorf("SLOTNUM: %x, used %d, %v", r.ret, r.used, r.err)
	}
	s = newMemState()
	r = callContract(t, newTestEVM(t, Osaka, s), s, asm(t, "SLOTNUM STOP"), nil, 100_000)
	if !errors.Is(r.err, ErrInvalidOpCode) {
		t.Errorf("SLOTNUM before Amsterdam: %v", r.err)
	}
}

// pushes returns n pushes of 1, 2, ..., n (n is on top).
func pushes(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "PUSH2 %d ", i)
	}
	return b.String()
}

func TestEIP8024(t *testing.T) {
	for _, c := range []struct {
		name string
		code string
		want uint64
	}{
		{"DUPN 17", pushes(17) + "DUPN DATA 0x80", 1},
		{"DUPN 145 (immediate 0)", pushes(145) + "DUPN DATA 0x00", 1},
		{"DUPN 235 (immediate 90)", pushes(235) + "DUPN DATA 0x5a", 1},
		{"DUPN 144 (immediate 255)", pushes(145) + "DUPN DATA 0xff", 2},
		{"SWAPN 17", pushes(18) + "SWAPN DATA 0x80", 1},
		{"SWAPN 17 keeps the rest", pushes(18) + "SWAPN DATA 0x80 POP", 17},
		{"EXCHANGE 9, 16 (immediate 0)", pushes(17) + "EXCHANGE DATA 0x00 " + strings.Repeat("POP ", 9), 1},
		{"EXCHANGE 1, 29 (immediate 0x8f)", pushes(30) + "EXCHANGE DATA 0x8f POP", 1},
		{"EXCHANGE 1, 2 (immediate 0x8e)", pushes(3) + "EXCHANGE DATA 0x8e POP", 1},
	} {
		if got := runWord(t, Amsterdam, c.code, nil); got.Uint64() != c.want {
			t.Errorf("%s: %d, want %d", c.name, got.Uint64(), c.want)
		}
	}
	run := func(code []byte) error {
		s := newMemState()
		return callContract(t, newTestEVM(t, Amsterdam, s), s, code, nil, 1_000_000).err
	}
	for _, c := range []struct {
		name string
		code string
		want error
	}{
		{"DUPN immediate 91", pushes(200) + "DUPN DATA 0x5b", ErrInvalidOpCode},
		{"DUPN immediate 127", pushes(200) + "DUPN DATA 0x7f", ErrInvalidOpCode},
		{"SWAPN immediate 100", pushes(200) + "SWAPN DATA 0x64", ErrInvalidOpCode},
		{"EXCHANGE immediate 82", pushes(200) + "EXCHANGE DATA 0x52", ErrInvalidOpCode},
		{"EXCHANGE immediate 81", pushes(200) + "EXCHANGE DATA 0x51 STOP", nil},
		{"DUPN 17 with 16 items", pushes(16) + "DUPN DATA 0x80", ErrStackUnderflow},
		{"SWAPN 17 with 17 items", pushes(17) + "SWAPN DATA 0x80", ErrStackUnderflow},
		{"EXCHANGE 1, 29 with 29 items", pushes(29) + "EXCHANGE DATA 0x8f", ErrStackUnderflow},
		// A missing immediate reads as zero: DUPN 145.
		{"DUPN at the end, 145 items", pushes(145) + "DUPN", nil},
		{"DUPN at the end, 144 items", pushes(144) + "DUPN", ErrStackUnderflow},
		// JUMPDEST analysis does not skip the immediate.
		{"jump into an immediate", "PUSH1 4 JUMP DUPN JUMPDEST STOP", nil},
	} {
		if err := run(asm(t, c.code)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Gas: 3 each, and the immediate is skipped.
	s := newMemState()
	r := callContract(t, newTestEVM(t, Amsterdam, s), s, asm(t, pushes(18)+"DUPN DATA 0x80 SWAPN DATA 0x80 EXCHANGE DATA 0x8e STOP"), nil, 100_000)
	if r.err != nil || r.used != 18*3+3*3 {
		t.Errorf("used %d (%v), want %d", r.used, r.err, 18*3+3*3)
	}
	// decodePair covers exactly the 210 pairs 1 <= n < m, n + m <= 30.
	seen := map[[2]int]bool{}
	for x := range 256 {
		if x > 81 && x < 128 {
			continue
		}
		n, m := decodePair(byte(x))
		if n < 1 || n >= m || n+m > 30 || seen[[2]int{n, m}] {
			t.Fatalf("immediate %d: pair (%d, %d)", x, n, m)
		}
		seen[[2]int{n, m}] = true
	}
	if len(seen) != 210 {
		t.Errorf("%d pairs, want 210", len(seen))
	}
}

// TestEIP8024Boundaries probes the stack limits of DUPN, SWAPN and
// EXCHANGE, whose depth comes from the immediate.
func TestEIP8024Boundaries(t *testing.T) {
	run := func(items int, op byte, imm byte) error {
		code := bytes.Repeat([]byte{opPUSH0}, items)
		code = append(code, op, imm, 0x00)
		s := newMemState()
		return callContract(t, newTestEVM(t, Amsterdam, s), s, code, nil, 10_000_000).err
	}
	for _, c := range []struct {
		op, imm  byte
		need     int // fewest items
		overflow bool
	}{
		{opDUPN, 0x80, 17, true}, {opSWAPN, 0x80, 18, false}, {opEXCHANGE, 0x8f, 30, false},
	} {
		if err := run(c.need-1, c.op, c.imm); !errors.Is(err, ErrStackUnderflow) {
			t.Errorf("%v with %d items: %v", OpCode(c.op), c.need-1, err)
		}
		if err := run(c.need, c.op, c.imm); err != nil {
			t.Errorf("%v with %d items: %v", OpCode(c.op), c.need, err)
		}
		if err := run(StackLimit-1, c.op, c.imm); err != nil {
			t.Errorf("%v with a full stack less one: %v", OpCode(c.op), err)
		}
		if err := run(StackLimit, c.op, c.imm); c.overflow != errors.Is(err, ErrStackOverflow) || (!c.overflow && err != nil) {
			t.Errorf("%v with a full stack: %v", OpCode(c.op), err)
		}
	}
}
