//go:build ignore

// gen writes permute_generic.go: Keccak-f[1600] as straight-line Go, two
// rounds per loop iteration. The first round of a pair reads the caller's
// state and writes a scratch array, the second reads the scratch array and
// writes the state back; theta's parities, the D values and one row of B
// at a time are locals. (Twenty-five lanes held in local variables were
// measured 20% slower: the compiler spills them anyway, and reloads them
// with separate moves instead of memory operands.)
//
// Everything it emits is derived here from the specification (FIPS 202,
// section 3.2): the rotation offsets from the walk of rho, the lane order
// from pi, the round constants from the rc linear feedback shift register.
// The chi step is emitted with lane complementing: a fixed set of lanes is
// kept inverted between rounds, chosen by an exhaustive search below so
// that each five-lane row of chi needs a single NOT instead of five (x86-64
// without BMI1 spends a NOT on every "and not").
//
// The eight-way permutation for amd64 (permute8_amd64.s) is written by
// gen8.go, which shares the derivations below; the two files are one
// program.
//
// Run with: go generate ./internal/keccak
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"math/bits"
	"os"
	"strings"
)

func main() {
	out := flag.String("o", "permute_generic.go", "output file for the Go permutation")
	out8 := flag.String("asm8", "permute8_amd64.s", "output file for the eight-way amd64 permutation")
	flag.Parse()
	if err := os.WriteFile(*out, genGo(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out8, genAsm8(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// lane is the index x+5y of lane (x, y).
func lane(x, y int) int { return x%5 + 5*(y%5) }

// rotations returns the rho offsets r[x+5y] (FIPS 202, algorithm 2).
func rotations() [25]int {
	var r [25]int
	x, y := 1, 0
	for t := range 24 {
		r[lane(x, y)] = ((t + 1) * (t + 2) / 2) % 64
		x, y = y, (2*x+3*y)%5
	}
	return r
}

// rc is the output bit of the rc LFSR at step t (FIPS 202, algorithm 5).
func rc(t int) uint64 {
	t %= 255
	// r holds R[0..7] in bits 0..7.
	r := uint16(1)
	for range t {
		r <<= 1 // R = 0 || R: R[i] moves to R[i+1], R[8] is the old R[7]
		r8 := r >> 8 & 1
		r ^= r8 | r8<<4 | r8<<5 | r8<<6
		r &= 0xff
	}
	return uint64(r & 1)
}

// roundConstants returns RC for the 24 rounds (FIPS 202, algorithm 6).
func roundConstants() [24]uint64 {
	var c [24]uint64
	for ir := range c {
		for j := 0; j <= 6; j++ {
			c[ir] |= rc(j+7*ir) << (1<<j - 1)
		}
	}
	return c
}

// piSource returns the lane of A that pi moves to position (x, y) of B:
// B[y, 2x+3y] = A[x, y], so B[X, Y] = A[X+3Y, X].
func piSource(x, y int) int { return lane(x+3*y, x) }

// Lane complementing.
//
// The generated code stores lane i as its complement when bit i of the mask
// is set. Theta is linear, so a complemented input lane only flips known
// lanes of B (computed by bStatus); chi is then rewritten, row by row, so
// that its outputs come out with the same mask for the next round.

// bStatus returns the complement status of the 25 B lanes (at their B
// positions) when the round's input carries mask m.
func bStatus(m uint32) uint32 {
	bit := func(i int) uint32 { return m >> i & 1 }
	var col [5]uint32 // parity of complemented lanes in each column: C[x]'s status
	for x := range 5 {
		for y := range 5 {
			col[x] ^= bit(lane(x, y))
		}
	}
	var st uint32
	for X := range 5 {
		for Y := range 5 {
			src := piSource(X, Y)
			x := src % 5
			d := col[(x+4)%5] ^ col[(x+1)%5] // D[x] = C[x-1] ^ rot(C[x+1], 1)
			st |= (bit(src) ^ d) << lane(X, Y)
		}
	}
	return st
}

// rowPlan says how to compute one row of chi. Output x is
// e_x = b_x' ^ (u1 op u2) [^ all ones], where b_x' is b_x or its complement,
// u1, u2 are b_{x+1}, b_{x+2} or their complements.
type rowPlan struct {
	or     [5]bool // term x uses OR (else AND)
	negIn  [5]bool // term x uses ^b_x as its first operand
	negOut [5]bool // output x is complemented at the end
	neg    uint8   // the stored lanes of the row that are complemented once for use (bit x)
	cost   int     // NOT instructions
}

// planRow finds the cheapest way to compute chi on one row whose inputs
// have complement status in (bit x for b_x) and whose outputs must have
// status out.
func planRow(in, out uint8) rowPlan {
	best := rowPlan{cost: 1 << 30}
	c := func(i int) uint8 { return in >> (i % 5) & 1 }
	for ops := range 32 {
	choice:
		for fix := range 32 {
			var p rowPlan
			nOut := 0
			for x := range 5 {
				// The term is ~b1 & b2. With u = stored ^ n the
				// operand is b ^ (c ^ n). AND gives the term when
				// u1 = ~b1 and u2 = b2; OR gives its complement
				// b1 | ~b2 when u1 = b1 and u2 = ~b2.
				or := ops>>x&1 == 1
				p.or[x] = or
				var k1, k2, flip uint8 = 1, 0, 0
				if or {
					k1, k2, flip = 0, 1, 1
				}
				if c(x+1) != k1 {
					p.neg |= 1 << ((x + 1) % 5)
				}
				if c(x+2) != k2 {
					p.neg |= 1 << ((x + 2) % 5)
				}
				// The output's status is b_x's, flipped by an OR
				// term; a mismatch is fixed either on the first
				// operand (fix bit set) or on the result.
				mismatch := c(x)^flip != out>>x&1
				switch {
				case !mismatch && fix>>x&1 == 1:
					continue choice // same as fix bit clear
				case mismatch && fix>>x&1 == 1:
					p.negIn[x] = true
					p.neg |= 1 << x
				case mismatch:
					p.negOut[x] = true
					nOut++
				}
			}
			p.cost = bits.OnesCount8(p.neg) + nOut
			if p.cost < best.cost {
				best = p
			}
		}
	}
	return best
}

// row extracts the five status bits of row y from a 25-bit mask.
func row(m uint32, y int) uint8 { return uint8(m >> (5 * y) & 31) }

// bestMask searches every mask of the 25 lanes for the one that minimises
// the NOTs of a round; ties go to the fewest complemented lanes, then the
// smallest mask.
func bestMask() (uint32, int) {
	var table [32][32]int
	for in := range 32 {
		for out := range 32 {
			table[in][out] = planRow(uint8(in), uint8(out)).cost
		}
	}
	// bStatus is linear over GF(2): walk the masks in Gray-code order and
	// update the B status one basis image at a time.
	var basis [25]uint32
	for i := range basis {
		basis[i] = bStatus(1 << i)
	}
	bestM, bestCost := uint32(0), 1<<30
	m, b := uint32(0), uint32(0)
	for k := uint32(0); ; k++ {
		cost := 0
		for y := range 5 {
			cost += table[row(b, y)][row(m, y)]
		}
		if cost < bestCost || cost == bestCost && (bits.OnesCount32(m) < bits.OnesCount32(bestM) ||
			bits.OnesCount32(m) == bits.OnesCount32(bestM) && m < bestM) {
			bestM, bestCost = m, cost
		}
		if k+1 == 1<<25 {
			break
		}
		i := bits.TrailingZeros32(k + 1)
		m ^= 1 << i
		b ^= basis[i]
	}
	return bestM, bestCost
}

func laneName(array string, i int) string { return fmt.Sprintf("%s[%d]", array, i) }

// genRound emits one round from the lanes named src to the lanes named dst,
// with round constant expression rcExpr.
func genRound(w *strings.Builder, src, dst string, mask uint32, rcExpr string) {
	rot := rotations()
	bst := bStatus(mask)
	fmt.Fprintf(w, "\t\t// theta\n")
	for x := range 5 {
		fmt.Fprintf(w, "\t\tc%d = %s ^ %s ^ %s ^ %s ^ %s\n", x,
			laneName(src, lane(x, 0)), laneName(src, lane(x, 1)), laneName(src, lane(x, 2)),
			laneName(src, lane(x, 3)), laneName(src, lane(x, 4)))
	}
	for x := range 5 {
		fmt.Fprintf(w, "\t\td%d = c%d ^ bits.RotateLeft64(c%d, 1)\n", x, (x+4)%5, (x+1)%5)
	}
	for Y := range 5 {
		fmt.Fprintf(w, "\t\t// rho, pi, chi: row %d\n", Y)
		for X := range 5 {
			s := piSource(X, Y)
			expr := fmt.Sprintf("%s ^ d%d", laneName(src, s), s%5)
			if r := rot[s]; r != 0 {
				expr = fmt.Sprintf("bits.RotateLeft64(%s, %d)", expr, r)
			}
			fmt.Fprintf(w, "\t\tb%d = %s\n", X, expr)
		}
		p := planRow(row(bst, Y), row(mask, Y))
		operand := func(i int, want uint8) string {
			// want is the status the operand must have relative to b.
			i %= 5
			if row(bst, Y)>>i&1 != want {
				return fmt.Sprintf("n%d", i)
			}
			return fmt.Sprintf("b%d", i)
		}
		for i := range 5 {
			if p.neg>>i&1 == 1 {
				fmt.Fprintf(w, "\t\tn%d = ^b%d\n", i, i)
			}
		}
		for X := range 5 {
			first := fmt.Sprintf("b%d", X)
			if p.negIn[X] {
				first = fmt.Sprintf("n%d", X)
			}
			var term string
			if p.or[X] {
				term = fmt.Sprintf("(%s | %s)", operand(X+1, 0), operand(X+2, 1))
			} else {
				term = fmt.Sprintf("(%s & %s)", operand(X+1, 1), operand(X+2, 0))
			}
			expr := first + " ^ " + term
			if p.negOut[X] {
				expr = "^(" + expr + ")"
			}
			if X == 0 && Y == 0 {
				expr += " ^ " + rcExpr
			}
			fmt.Fprintf(w, "\t\t%s = %s\n", laneName(dst, lane(X, Y)), expr)
		}
	}
}

func genGo() []byte {
	mask, cost := bestMask()
	rcs := roundConstants()
	var w strings.Builder
	fmt.Fprintf(&w, "// Code generated by gen.go; DO NOT EDIT.\n\n")
	fmt.Fprintf(&w, "package keccak\n\nimport \"math/bits\"\n\n")
	fmt.Fprintf(&w, "// roundConstants are the iota constants of the 24 rounds, two per loop iteration.\n")
	fmt.Fprintf(&w, "var roundConstants = [12][2]uint64{\n")
	for i := 0; i < 24; i += 2 {
		fmt.Fprintf(&w, "\t{%#016x, %#016x},\n", rcs[i], rcs[i+1])
	}
	fmt.Fprintf(&w, "}\n\n")
	fmt.Fprintf(&w, "// complemented is the mask of lanes (bit x+5y) that permuteGeneric keeps\n")
	fmt.Fprintf(&w, "// inverted between rounds; chi then costs %d NOTs a round.\n", cost)
	fmt.Fprintf(&w, "const complemented = %#07x\n\n", mask)
	fmt.Fprintf(&w, "// permuteGeneric applies Keccak-f[1600] to a.\n")
	fmt.Fprintf(&w, "func permuteGeneric(a *[25]uint64) {\n")
	for i := range 25 {
		if mask>>i&1 == 1 {
			fmt.Fprintf(&w, "\ta[%d] = ^a[%d]\n", i, i)
		}
	}
	fmt.Fprintf(&w, "\tvar e [25]uint64\n")
	fmt.Fprintf(&w, "\tvar b0, b1, b2, b3, b4, n0, n1, n2, n3, n4 uint64\n")
	fmt.Fprintf(&w, "\tvar c0, c1, c2, c3, c4, d0, d1, d2, d3, d4 uint64\n")
	fmt.Fprintf(&w, "\tfor _, rc := range &roundConstants {\n")
	genRound(&w, "a", "e", mask, "rc[0]")
	genRound(&w, "e", "a", mask, "rc[1]")
	fmt.Fprintf(&w, "\t}\n")
	fmt.Fprintf(&w, "\t_, _, _, _, _ = n0, n1, n2, n3, n4\n")
	for i := range 25 {
		if mask>>i&1 == 1 {
			fmt.Fprintf(&w, "\ta[%d] = ^a[%d]\n", i, i)
		}
	}
	fmt.Fprintf(&w, "}\n")
	src, err := format.Source([]byte(w.String()))
	if err != nil {
		log.Fatalf("generated code does not parse: %v\n%s", err, w.String())
	}
	return bytes.Clone(src)
}
