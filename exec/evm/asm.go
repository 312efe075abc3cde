package evm

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/holiman/uint256"
)

// Assemble translates a small assembly language into bytecode. It exists for
// tests, benchmarks and tools, so that contracts can be kept as readable
// source. The language:
//
//   - one instruction or directive per token group; ';' and "//" start a
//     comment that runs to the end of the line;
//   - an opcode mnemonic as printed by OpCode.String (ADD, MSTORE,
//     KECCAK256, ...), case-insensitive;
//   - "PUSHn v" pushes v in exactly n bytes; "PUSH v" uses the fewest bytes
//     (PUSH0 for zero); v is a decimal or 0x-hex number of at most 256 bits,
//     or "@label";
//   - "@label" as a push operand is the label's offset, always two bytes;
//   - "label:" marks the current offset (it emits nothing: put a JUMPDEST
//     after it when the label is a jump target);
//   - "DATA 0x..." emits raw bytes.
func Assemble(src string) ([]byte, error) {
	type item struct {
		op    OpCode
		size  int    // push size, or data length
		value []byte // push immediate (size bytes) or data
		label string // push of a label
		data  bool
	}
	var (
		items  []item
		labels = make(map[string]int)
		pos    int
	)
	lines := strings.Split(src, "\n")
	for ln, line := range lines {
		if i := strings.Index(line, ";"); i >= 0 {
			line = line[:i]
		}
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		toks := strings.Fields(line)
		for i := 0; i < len(toks); i++ {
			tok := toks[i]
			fail := func(format string, args ...any) error {
				return fmt.Errorf("%w: line %d: %q: %s", ErrAsm, ln+1, tok, fmt.Sprintf(format, args...))
			}
			if name, ok := strings.CutSuffix(tok, ":"); ok {
				if name == "" {
					return nil, fail("empty label")
				}
				if _, dup := labels[name]; dup {
					return nil, fail("label defined twice")
				}
				labels[name] = pos
				continue
			}
			upper := strings.ToUpper(tok)
			if upper == "DATA" {
				if i+1 >= len(toks) {
					return nil, fail("missing data")
				}
				i++
				b, err := decodeAsmHex(toks[i])
				if err != nil {
					return nil, fail("%v", err)
				}
				items = append(items, item{data: true, value: b, size: len(b)})
				pos += len(b)
				continue
			}
			if upper == "PUSH" || (strings.HasPrefix(upper, "PUSH") && upper != "PUSH0") {
				if i+1 >= len(toks) {
					return nil, fail("missing push operand")
				}
				i++
				arg := toks[i]
				size := 0
				if upper != "PUSH" {
					op, ok := OpCodeByName(upper)
					if !ok || op.PushSize() == 0 {
						return nil, fail("unknown opcode")
					}
					size = op.PushSize()
				}
				it := item{}
				if label, ok := strings.CutPrefix(arg, "@"); ok {
					if size == 0 {
						size = 2
					}
					it.label, it.size = label, size
				} else {
					v, err := parseAsmNumber(arg)
					if err != nil {
						return nil, fail("%v", err)
					}
					if size == 0 {
						size = (v.BitLen() + 7) / 8
					}
					if (v.BitLen()+7)/8 > size {
						return nil, fail("value does not fit in %d bytes", size)
					}
					b := v.Bytes32()
					it.value, it.size = b[32-size:], size
				}
				if it.size == 0 {
					it.op = opPUSH0
				} else {
					it.op = OpCode(opPUSH1 + it.size - 1)
				}
				items = append(items, it)
				pos += 1 + it.size
				continue
			}
			op, ok := OpCodeByName(upper)
			if !ok {
				return nil, fail("unknown opcode")
			}
			items = append(items, item{op: op})
			pos++
		}
	}
	out := make([]byte, 0, pos)
	for _, it := range items {
		switch {
		case it.data:
			out = append(out, it.value...)
		case it.label != "":
			target, ok := labels[it.label]
			if !ok {
				return nil, fmt.Errorf("%w: undefined label %q", ErrAsm, it.label)
			}
			if it.size < 8 && target >= 1<<(8*it.size) {
				return nil, fmt.Errorf("%w: label %q offset %d does not fit in %d bytes", ErrAsm, it.label, target, it.size)
			}
			out = append(out, byte(it.op))
			for i := it.size - 1; i >= 0; i-- {
				out = append(out, byte(target>>(8*i)))
			}
		default:
			out = append(out, byte(it.op))
			out = append(out, it.value...)
		}
	}
	return out, nil
}

func parseAsmNumber(s string) (*uint256.Int, error) {
	b := new(big.Int)
	var ok bool
	if h, isHex := strings.CutPrefix(strings.ToLower(s), "0x"); isHex {
		_, ok = b.SetString(h, 16)
	} else {
		_, ok = b.SetString(s, 10)
	}
	if !ok || b.Sign() < 0 {
		return nil, fmt.Errorf("bad number")
	}
	v, overflow := uint256.FromBig(b)
	if overflow {
		return nil, fmt.Errorf("number exceeds 256 bits")
	}
	return v, nil
}

func decodeAsmHex(s string) ([]byte, error) {
	h, ok := strings.CutPrefix(strings.ToLower(s), "0x")
	if !ok || len(h)%2 != 0 {
		return nil, fmt.Errorf("data must be 0x-prefixed hex of whole bytes")
	}
	out := make([]byte, len(h)/2)
	for i := range out {
		hi, lo := unhex(h[2*i]), unhex(h[2*i+1])
		if hi < 0 || lo < 0 {
			return nil, fmt.Errorf("bad hex digit")
		}
		out[i] = byte(hi<<4 | lo)
	}
	return out, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c - 'a' + 10)
	}
	return -1
}
