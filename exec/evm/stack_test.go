package evm

import (
	"errors"
	"fmt"
	"testing"
)

// TestStackBoundaries probes every opcode of every fork with a stack of
// min-1, min, max and max+1 items (where those sizes are possible): below
// the minimum is ErrStackUnderflow, above the maximum ErrStackOverflow, and
// in between the opcode runs without a stack error.
func TestStackBoundaries(t *testing.T) {
	for fork := Shanghai; fork < numForks; fork++ {
		table := &tables[fork]
		for i := range table {
			o := &table[i]
			if i == opDUPN || i == opSWAPN || i == opEXCHANGE {
				continue // their depth comes from the immediate: TestEIP8024Boundaries
			}
			probes := []int{o.minStack - 1, o.minStack, o.maxStack, o.maxStack + 1}
			for _, n := range probes {
				if n < 0 || n > StackLimit {
					continue
				}
				code := make([]byte, 0, n+40)
				for range n {
					code = append(code, opPUSH0)
				}
				code = append(code, byte(i))
				code = append(code, make([]byte, 33)...) // immediates and STOP
				state := newMemState()
				evm := newTestEVM(t, fork, state)
				r := callContract(t, evm, state, code, nil, 10_000_000)
				switch {
				case n < o.minStack:
					if !errors.Is(r.err, ErrStackUnderflow) {
						t.Errorf("%v %v with %d items: %v, want stack underflow", fork, OpCode(i), n, r.err)
					}
				case n > o.maxStack:
					if !errors.Is(r.err, ErrStackOverflow) {
						t.Errorf("%v %v with %d items: %v, want stack overflow", fork, OpCode(i), n, r.err)
					}
				default:
					if errors.Is(r.err, ErrStackUnderflow) || errors.Is(r.err, ErrStackOverflow) {
						t.Errorf("%v %v with %d items: %v, want no stack error", fork, OpCode(i), n, r.err)
					}
				}
			}
		}
	}
}

// TestOpcodeSets checks which opcodes each fork defines.
func TestOpcodeSets(t *testing.T) {
	defined := func(fork Fork, op byte) bool {
		state := newMemState()
		evm := newTestEVM(t, fork, state)
		code := make([]byte, 0, 64)
		for range 10 {
			code = append(code, opPUSH0)
		}
		code = append(code, op)
		code = append(code, make([]byte, 33)...)
		r := callContract(t, evm, state, code, nil, 1_000_000)
		return !errors.Is(r.err, ErrInvalidOpCode)
	}
	for _, c := range []struct {
		op    byte
		since Fork
	}{
		{opPUSH0, Shanghai}, {opBLOBHASH, Cancun}, {opBLOBBASEFEE, Cancun}, {opTLOAD, Cancun},
		{opTSTORE, Cancun}, {opMCOPY, Cancun}, {opCLZ, Osaka},
	} {
		for fork := Shanghai; fork < numForks; fork++ {
			if got, want := defined(fork, c.op), fork >= c.since; got != want {
				t.Errorf("%v in %v: defined %v, want %v", OpCode(c.op), fork, got, want)
			}
		}
	}
	for _, op := range []byte{0x0c, 0x1f, 0x21, 0x4b, 0xa5, 0xef, 0xf6, 0xfe} {
		if defined(Osaka, op) {
			t.Errorf("%v is defined in Osaka", OpCode(op))
		}
	}
}

func TestAssemble(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string
	}{
		{"PUSH 0", "5f"},
		{"PUSH 1 PUSH 0x100 push1 2", "600161010060 02"},
		{"start: JUMPDEST PUSH @start JUMP", "5b61000056"},
		{"PUSH @end STOP end:", "61000400"},
		{"DATA 0xdeadbeef ; comment\nSTOP // another", "deadbeef00"},
		{"PUSH32 1", "7f" + fmt.Sprintf("%064x", 1)},
	} {
		got, err := Assemble(c.src)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		want := ""
		for _, ch := range c.want {
			if ch != ' ' {
				want += string(ch)
			}
		}
		if fmt.Sprintf("%x", got) != want {
			t.Errorf("%q: %x, want %s", c.src, got, want)
		}
	}
	for _, bad := range []string{"FOO", "PUSH", "PUSH1 0x100", "PUSH @nowhere", "a: a:", "DATA 0x1", "PUSH -1"} {
		if _, err := Assemble(bad); !errors.Is(err, ErrAsm) {
			t.Errorf("%q: error %v, want ErrAsm", bad, err)
		}
	}
}
