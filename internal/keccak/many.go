package keccak

import (
	"encoding/binary"
	"math/bits"
)

// minSlots is the fewest busy slots for which SumMany still runs an
// eight-way step; with fewer, the inputs left finish one at a time. On the
// Zen 5 machine of the package documentation a one-block input alone in
// the slots took 313-329 ns against 266-335 ns through Sum256, and two
// took 332-348 ns against 517-571 (BenchmarkSumManyTail, -count 5).
const minSlots = 2

// SumMany sets out[i] to the Keccak-256 hash of in[i] for every i in
// range in; out must be at least as long as in, and must not overlap the
// inputs. The inputs are independent, which is what lets it hash up to
// eight of them at once (see the package documentation). It does not
// allocate.
func SumMany(out [][Size]byte, in [][]byte) {
	_ = out[:len(in)]
	if vector8 && len(in) >= minSlots {
		sumSlots(out, in, true, minSlots)
		return
	}
	sumOne(out, in)
}

// sumOne hashes the inputs one at a time.
func sumOne(out [][Size]byte, in [][]byte) {
	_ = out[:len(in)]
	for i, p := range in {
		out[i] = Sum256(p)
	}
}

// sumSlots hashes the inputs through eight slots, the eight states of one
// [25][8]uint64. Each step writes the next block of every busy slot's
// input (or its padded final block) into a block buffer and absorbs and
// permutes all eight at once, with absorbPermute8 when vector is set and
// absorbPermute8Generic otherwise. A slot whose input is done is squeezed
// and takes the next input, so inputs of any lengths, in any order, keep
// the slots full until the inputs run out. Then, once fewer than minBusy
// are busy, the rest finish one at a time.
func sumSlots(out [][Size]byte, in [][]byte, vector bool, minBusy int) {
	_ = out[:len(in)]
	var (
		s     [25][8]uint64
		blk   [lanes][8]uint64
		idx   [8]int    // the input in slot j
		rest  [8][]byte // what is left of it to absorb
		busy  uint8     // bit j: slot j holds an input
		fresh uint8     // bit j: slot j's input has absorbed nothing yet
		next  int       // the next input to take
	)
	for j := range 8 {
		if next == len(in) {
			break
		}
		idx[j], rest[j] = next, in[next]
		busy |= 1 << j
		next++
	}
	fresh = busy
	for busy != 0 && (next < len(in) || bits.OnesCount8(busy) >= minBusy) {
		var final uint8
		for j := range 8 {
			if busy>>j&1 == 0 {
				continue
			}
			if p := rest[j]; len(p) >= BlockSize {
				blockColumn(&blk, j, p)
				rest[j] = p[BlockSize:]
			} else {
				finalBlockColumn(&blk, j, p)
				final |= 1 << j
			}
		}
		if vector {
			absorbPermute8(&s, &blk, busy&^fresh)
		} else {
			absorbPermute8Generic(&s, &blk, busy&^fresh)
		}
		fresh = 0
		for ; final != 0; final &= final - 1 {
			j := bits.TrailingZeros8(final)
			squeezeColumn(&s, j, &out[idx[j]])
			if next < len(in) {
				idx[j], rest[j] = next, in[next]
				fresh |= 1 << j
				next++
			} else {
				busy &^= 1 << j
			}
		}
	}
	for ; busy != 0; busy &= busy - 1 {
		j := bits.TrailingZeros8(busy)
		var a [25]uint64
		if fresh>>j&1 == 0 {
			for i := range a {
				a[i] = s[i][j]
			}
		}
		out[idx[j]] = sumFrom(&a, rest[j])
	}
}

// blockColumn sets column j of blk to the first BlockSize bytes of b.
func blockColumn(blk *[lanes][8]uint64, j int, b []byte) {
	j &= 7
	b = b[:BlockSize]
	for i := range lanes {
		blk[i][j] = binary.LittleEndian.Uint64(b[8*i:])
	}
}

// finalBlockColumn sets column j of blk to the final, partial block tail
// (shorter than BlockSize) with its padding, as finish pads it.
func finalBlockColumn(blk *[lanes][8]uint64, j int, tail []byte) {
	j &= 7
	i := 0
	for ; len(tail) >= 8; i++ {
		blk[i][j] = binary.LittleEndian.Uint64(tail)
		tail = tail[8:]
	}
	blk[i][j] = tailLane(tail)
	for i++; i < lanes; i++ {
		blk[i][j] = 0
	}
	blk[lanes-1][j] ^= padEnd
}

// squeezeColumn writes the hash from state j of s.
func squeezeColumn(s *[25][8]uint64, j int, out *[Size]byte) {
	j &= 7
	binary.LittleEndian.PutUint64(out[0:], s[0][j])
	binary.LittleEndian.PutUint64(out[8:], s[1][j])
	binary.LittleEndian.PutUint64(out[16:], s[2][j])
	binary.LittleEndian.PutUint64(out[24:], s[3][j])
}
