package rlp

import (
	"math/big"
	"math/bits"

	"github.com/holiman/uint256"
)

// EmptyString and EmptyList are the encodings of "" and [].
const (
	EmptyString = 0x80
	EmptyList   = 0xC0
)

// intSize returns the number of bytes of the big-endian form of x without
// leading zeros.
func intSize(x uint64) int {
	return (bits.Len64(x) + 7) / 8
}

// headSize returns the length of a header for content of size n.
func headSize(n int) int {
	if n < 56 {
		return 1
	}
	return 1 + intSize(uint64(n))
}

func appendHead(dst []byte, short byte, n int) []byte {
	if n < 56 {
		return append(dst, short+byte(n))
	}
	s := intSize(uint64(n))
	dst = append(dst, short+55+byte(s))
	for i := s - 1; i >= 0; i-- {
		dst = append(dst, byte(uint64(n)>>(8*uint(i))))
	}
	return dst
}

// ListSize returns the encoded size of a list whose content is n bytes.
func ListSize(n int) int { return headSize(n) + n }

// BytesSize returns the encoded size of the byte string b.
func BytesSize(b []byte) int {
	if len(b) == 1 && b[0] < 0x80 {
		return 1
	}
	return headSize(len(b)) + len(b)
}

// Uint64Size returns the encoded size of x.
func Uint64Size(x uint64) int {
	if x < 0x80 {
		return 1
	}
	return 1 + intSize(x)
}

// Uint256Size returns the encoded size of x.
func Uint256Size(x *uint256.Int) int {
	if x.IsUint64() {
		return Uint64Size(x.Uint64())
	}
	return 1 + (x.BitLen()+7)/8
}

// AppendListHeader appends the header of a list whose content is n bytes.
func AppendListHeader(dst []byte, n int) []byte { return appendHead(dst, 0xC0, n) }

// AppendStringHeader appends the header of a byte string of n bytes. The
// caller must not use it for a single byte below 0x80.
func AppendStringHeader(dst []byte, n int) []byte { return appendHead(dst, 0x80, n) }

// AppendBytes appends the encoding of the byte string b.
func AppendBytes(dst, b []byte) []byte {
	if len(b) == 1 && b[0] < 0x80 {
		return append(dst, b[0])
	}
	return append(appendHead(dst, 0x80, len(b)), b...)
}

// AppendString appends the encoding of s as a byte string.
func AppendString(dst []byte, s string) []byte {
	if len(s) == 1 && s[0] < 0x80 {
		return append(dst, s[0])
	}
	return append(appendHead(dst, 0x80, len(s)), s...)
}

// AppendUint64 appends the canonical encoding of x.
func AppendUint64(dst []byte, x uint64) []byte {
	switch {
	case x == 0:
		return append(dst, 0x80)
	case x < 0x80:
		return append(dst, byte(x))
	}
	s := intSize(x)
	dst = append(dst, 0x80+byte(s))
	for i := s - 1; i >= 0; i-- {
		dst = append(dst, byte(x>>(8*uint(i))))
	}
	return dst
}

// AppendBool appends 1 for true and 0 for false.
func AppendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 0x01)
	}
	return append(dst, 0x80)
}

// AppendUint256 appends the canonical encoding of x.
func AppendUint256(dst []byte, x *uint256.Int) []byte {
	if x.IsUint64() {
		return AppendUint64(dst, x.Uint64())
	}
	n := (x.BitLen() + 7) / 8
	dst = append(dst, 0x80+byte(n))
	b := x.Bytes32()
	return append(dst, b[32-n:]...)
}

// AppendBigInt appends the canonical encoding of a non-negative x. It is
// meant for tests and tools, not hot paths.
func AppendBigInt(dst []byte, x *big.Int) []byte {
	if x.Sign() < 0 {
		panic("rlp: negative big.Int")
	}
	if x.IsUint64() {
		return AppendUint64(dst, x.Uint64())
	}
	return AppendBytes(dst, x.Bytes())
}

// StartList returns the offset at which a list's content begins; pass it to
// [EndList] once the content has been appended.
func StartList(dst []byte) int { return len(dst) }

// EndList inserts the header of the list whose content is dst[start:].
func EndList(dst []byte, start int) []byte {
	n := len(dst) - start
	h := headSize(n)
	var hb [9]byte
	head := appendHead(hb[:0], 0xC0, n)
	dst = append(dst, hb[:h]...) // grow by h bytes
	copy(dst[start+h:], dst[start:start+n])
	copy(dst[start:], head)
	return dst
}
