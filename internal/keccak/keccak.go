package keccak

import "encoding/binary"

const (
	// Size is the length of a Keccak-256 hash in bytes.
	Size = 32
	// BlockSize is the sponge's rate in bytes: the input absorbed per
	// permutation.
	BlockSize = 136
)

// lanes is the number of 64-bit lanes in one block of input.
const lanes = BlockSize / 8

// Sum256 returns the Keccak-256 hash of data.
func Sum256(data []byte) [Size]byte {
	var a [25]uint64
	return sumFrom(&a, data)
}

// sumFrom absorbs data into the state a, pads, and squeezes the hash.
func sumFrom(a *[25]uint64, data []byte) [Size]byte {
	for len(data) >= BlockSize {
		absorb(a, data)
		permute(a)
		data = data[BlockSize:]
	}
	return finish(a, data)
}

// Hasher computes the Keccak-256 hash of the concatenation of its writes.
// The zero value is an empty hasher. A Hasher may be copied by value (the
// copy continues independently) but is not safe for concurrent use.
type Hasher struct {
	a   [25]uint64
	buf [BlockSize]byte // buf[:n] is input not yet absorbed
	n   int
}

// Reset empties h.
func (h *Hasher) Reset() {
	h.a = [25]uint64{}
	h.n = 0
}

// Write adds p to the input. It never fails; it returns len(p) and a nil
// error so that a *Hasher is an io.Writer.
func (h *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	if h.n > 0 {
		k := copy(h.buf[h.n:], p)
		h.n += k
		p = p[k:]
		if h.n < BlockSize {
			return n, nil
		}
		absorb(&h.a, h.buf[:])
		permute(&h.a)
		h.n = 0
	}
	for len(p) >= BlockSize {
		absorb(&h.a, p)
		permute(&h.a)
		p = p[BlockSize:]
	}
	h.n = copy(h.buf[:], p)
	return n, nil
}

// Sum256 returns the hash of the input written so far. It does not change
// h.
func (h *Hasher) Sum256() [Size]byte {
	a := h.a
	return finish(&a, h.buf[:h.n])
}

// Sum appends the hash of the input written so far to b and returns the
// result; it does not change h. With Reset, Size, BlockSize and Write it
// makes *Hasher a hash.Hash.
func (h *Hasher) Sum(b []byte) []byte {
	s := h.Sum256()
	return append(b, s[:]...)
}

// Size returns [Size].
func (h *Hasher) Size() int { return Size }

// BlockSize returns [BlockSize].
func (h *Hasher) BlockSize() int { return BlockSize }

// absorb XORs the first BlockSize bytes of b into the state.
func absorb(a *[25]uint64, b []byte) {
	b = b[:BlockSize]
	a[0] ^= binary.LittleEndian.Uint64(b[0:])
	a[1] ^= binary.LittleEndian.Uint64(b[8:])
	a[2] ^= binary.LittleEndian.Uint64(b[16:])
	a[3] ^= binary.LittleEndian.Uint64(b[24:])
	a[4] ^= binary.LittleEndian.Uint64(b[32:])
	a[5] ^= binary.LittleEndian.Uint64(b[40:])
	a[6] ^= binary.LittleEndian.Uint64(b[48:])
	a[7] ^= binary.LittleEndian.Uint64(b[56:])
	a[8] ^= binary.LittleEndian.Uint64(b[64:])
	a[9] ^= binary.LittleEndian.Uint64(b[72:])
	a[10] ^= binary.LittleEndian.Uint64(b[80:])
	a[11] ^= binary.LittleEndian.Uint64(b[88:])
	a[12] ^= binary.LittleEndian.Uint64(b[96:])
	a[13] ^= binary.LittleEndian.Uint64(b[104:])
	a[14] ^= binary.LittleEndian.Uint64(b[112:])
	a[15] ^= binary.LittleEndian.Uint64(b[120:])
	a[16] ^= binary.LittleEndian.Uint64(b[128:])
}

// tailLane returns the lane of the final block where the input ends: the
// last len(tail) < 8 bytes of input, little-endian, then the padding byte
// 0x01.
func tailLane(tail []byte) uint64 {
	var last [8]byte
	copy(last[:], tail)
	last[len(tail)] = 0x01
	return binary.LittleEndian.Uint64(last[:])
}

// padEnd is the padding bit 0x80 of the final block's last byte, in the
// block's last lane.
const padEnd = 0x80 << 56

// finish absorbs the final, partial block tail (shorter than BlockSize)
// with its padding, permutes and squeezes the hash. The padding is the
// byte 0x01 right after the input and the bit 0x80 in the block's last
// byte (they share the byte when the tail is BlockSize-1 long).
func finish(a *[25]uint64, tail []byte) [Size]byte {
	i := 0
	for ; len(tail) >= 8; i++ {
		a[i] ^= binary.LittleEndian.Uint64(tail)
		tail = tail[8:]
	}
	a[i] ^= tailLane(tail)
	a[lanes-1] ^= padEnd
	permute(a)
	var out [Size]byte
	binary.LittleEndian.PutUint64(out[0:], a[0])
	binary.LittleEndian.PutUint64(out[8:], a[1])
	binary.LittleEndian.PutUint64(out[16:], a[2])
	binary.LittleEndian.PutUint64(out[24:], a[3])
	return out
}
