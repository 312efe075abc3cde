package gethpeer

import (
	"fmt"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// asm is a small EVM assembler with forward labels: every label reference
// is a PUSH2 patched once the label's position is known. Contract sizes here
// stay far below 64 KiB.
type asm struct {
	code   []byte
	labels map[string]int
	fixups []fixup
}

type fixup struct {
	pos   int
	label string
}

func newAsm() *asm { return &asm{labels: make(map[string]int)} }

// op appends opcodes.
func (a *asm) op(ops ...vm.OpCode) *asm {
	for _, o := range ops {
		a.code = append(a.code, byte(o))
	}
	return a
}

// push appends the shortest PUSH of v (PUSH1 0 for zero, never PUSH0, so
// the code reads the same under every fork).
func (a *asm) push(v uint64) *asm {
	var z uint256.Int
	z.SetUint64(v)
	return a.pushWord(&z)
}

// pushWord appends the shortest PUSH of a 256-bit word.
func (a *asm) pushWord(z *uint256.Int) *asm {
	b := z.Bytes()
	if len(b) == 0 {
		b = []byte{0}
	}
	a.code = append(a.code, byte(vm.PUSH1)+byte(len(b)-1))
	a.code = append(a.code, b...)
	return a
}

// pushBytes appends a PUSHn of exactly len(b) bytes (1..32).
func (a *asm) pushBytes(b []byte) *asm {
	if len(b) == 0 || len(b) > 32 {
		panic(fmt.Sprintf("gethpeer: push of %d bytes", len(b)))
	}
	a.code = append(a.code, byte(vm.PUSH1)+byte(len(b)-1))
	a.code = append(a.code, b...)
	return a
}

// label marks the current position with a JUMPDEST named name.
func (a *asm) label(name string) *asm {
	if _, dup := a.labels[name]; dup {
		panic("gethpeer: label defined twice: " + name)
	}
	a.labels[name] = len(a.code)
	return a.op(vm.JUMPDEST)
}

// mark records the current position under name without a JUMPDEST (for
// data such as code templates).
func (a *asm) mark(name string) *asm {
	if _, dup := a.labels[name]; dup {
		panic("gethpeer: label defined twice: " + name)
	}
	a.labels[name] = len(a.code)
	return a
}

// pushLabel appends a PUSH2 of the position of name.
func (a *asm) pushLabel(name string) *asm {
	a.code = append(a.code, byte(vm.PUSH2), 0, 0)
	a.fixups = append(a.fixups, fixup{pos: len(a.code) - 2, label: name})
	return a
}

// jump appends an unconditional jump to name.
func (a *asm) jump(name string) *asm { return a.pushLabel(name).op(vm.JUMP) }

// jumpi appends a jump to name taken when the top of the stack is non-zero.
func (a *asm) jumpi(name string) *asm { return a.pushLabel(name).op(vm.JUMPI) }

// raw appends bytes as they are.
func (a *asm) raw(b []byte) *asm {
	a.code = append(a.code, b...)
	return a
}

// bytes resolves the labels and returns the code. An undefined label or a
// position beyond PUSH2 is a bug in the program text.
func (a *asm) bytes() []byte {
	for _, f := range a.fixups {
		pos, ok := a.labels[f.label]
		if !ok {
			panic("gethpeer: undefined label " + f.label)
		}
		if pos > 0xffff {
			panic("gethpeer: label beyond PUSH2: " + f.label)
		}
		a.code[f.pos] = byte(pos >> 8)
		a.code[f.pos+1] = byte(pos)
	}
	return a.code
}
