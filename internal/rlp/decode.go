package rlp

import (
	"fmt"

	"github.com/holiman/uint256"
)

// Kind is the type of an RLP value.
type Kind uint8

const (
	// Byte is a single byte below 0x80, encoded as itself.
	Byte Kind = iota
	// String is a byte string with a size prefix.
	String
	// List is a list of values.
	List
)

func (k Kind) String() string {
	switch k {
	case Byte:
		return "Byte"
	case String:
		return "String"
	case List:
		return "List"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// readSize reads a big-endian size of n bytes (the long form) and checks that
// it is canonical.
func readSize(b []byte, n int) (uint64, error) {
	if len(b) < n {
		return 0, ErrUnexpectedEOF
	}
	if b[0] == 0 {
		return 0, ErrCanonSize
	}
	var s uint64
	for i := 0; i < n; i++ {
		s = s<<8 | uint64(b[i])
	}
	// The long form is only allowed for sizes of 56 and more.
	if s < 56 {
		return 0, ErrCanonSize
	}
	return s, nil
}

// readKind reads the header of the value at the start of b. It returns the
// kind, the header length and the content length.
func readKind(b []byte) (k Kind, tagsize, contentsize uint64, err error) {
	if len(b) == 0 {
		return 0, 0, 0, ErrUnexpectedEOF
	}
	p := b[0]
	switch {
	case p < 0x80:
		return Byte, 0, 1, nil
	case p < 0xB8:
		n := uint64(p - 0x80)
		if n == 1 && len(b) > 1 && b[1] < 0x80 {
			return 0, 0, 0, ErrCanonSize
		}
		return String, 1, n, nil
	case p < 0xC0:
		n := int(p - 0xB7)
		s, err := readSize(b[1:], n)
		if err != nil {
			return 0, 0, 0, err
		}
		return String, uint64(1 + n), s, nil
	case p < 0xF8:
		return List, 1, uint64(p - 0xC0), nil
	default:
		n := int(p - 0xF7)
		s, err := readSize(b[1:], n)
		if err != nil {
			return 0, 0, 0, err
		}
		return List, uint64(1 + n), s, nil
	}
}

// Split returns the kind and content of the first value in b and the bytes
// after it. For a [Byte] the content is the byte itself.
func Split(b []byte) (k Kind, content, rest []byte, err error) {
	k, ts, cs, err := readKind(b)
	if err != nil {
		return 0, nil, b, err
	}
	if cs > uint64(len(b))-ts {
		return 0, nil, b, ErrValueTooLarge
	}
	return k, b[ts : ts+cs], b[ts+cs:], nil
}

// SplitString splits off the first value of b, which must be a byte string
// (or a single byte).
func SplitString(b []byte) (content, rest []byte, err error) {
	k, content, rest, err := Split(b)
	if err != nil {
		return nil, b, err
	}
	if k == List {
		return nil, b, ErrExpectedString
	}
	return content, rest, nil
}

// SplitList splits off the first value of b, which must be a list, and
// returns the list's content.
func SplitList(b []byte) (content, rest []byte, err error) {
	k, content, rest, err := Split(b)
	if err != nil {
		return nil, b, err
	}
	if k != List {
		return nil, b, ErrExpectedList
	}
	return content, rest, nil
}

// SplitUint64 splits off the first value of b as a canonical unsigned integer.
func SplitUint64(b []byte) (x uint64, rest []byte, err error) {
	content, rest, err := SplitString(b)
	if err != nil {
		return 0, b, err
	}
	x, err = bytesToUint64(content)
	if err != nil {
		return 0, b, err
	}
	return x, rest, nil
}

func bytesToUint64(c []byte) (uint64, error) {
	switch {
	case len(c) == 0:
		return 0, nil
	case len(c) > 8:
		return 0, ErrUintOverflow
	case c[0] == 0:
		return 0, ErrCanonInt
	}
	var x uint64
	for _, v := range c {
		x = x<<8 | uint64(v)
	}
	return x, nil
}

// CountValues returns the number of values in b, which is the content of a
// list. It checks each value's header but not its inner structure.
func CountValues(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		_, _, rest, err := Split(b)
		if err != nil {
			return 0, err
		}
		b = rest
		n++
	}
	return n, nil
}

// Validate checks that b is exactly one well-formed, canonical RLP value,
// recursing into lists.
func Validate(b []byte) error {
	_, _, rest, err := Split(b)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return ErrTrailingBytes
	}
	return validateValue(b, 0)
}

// maxDepth bounds the recursion of Validate so that hostile input cannot
// exhaust the stack.
const maxDepth = 1024

var errTooDeep = fmt.Errorf("%w: nesting deeper than %d", ErrValueTooLarge, maxDepth)

func validateValue(b []byte, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	k, content, _, err := Split(b)
	if err != nil {
		return err
	}
	if k != List {
		return nil
	}
	for len(content) > 0 {
		_, _, rest, err := Split(content)
		if err != nil {
			if err == ErrValueTooLarge {
				return ErrElemTooLarge
			}
			return err
		}
		if err := validateValue(content[:len(content)-len(rest)], depth+1); err != nil {
			return err
		}
		content = rest
	}
	return nil
}

// Reader reads the elements of an RLP list one at a time. Its error is
// sticky: after the first failure every method returns a zero value and
// [Reader.Err] reports that failure. The zero Reader is an empty list.
type Reader struct {
	b   []byte
	err error
}

// NewReader returns a Reader over the content of a list (the bytes after the
// list header).
func NewReader(content []byte) Reader { return Reader{b: content} }

// NewListReader returns a Reader over the elements of the list that is the
// whole of b. Trailing bytes after the list are an error.
func NewListReader(b []byte) Reader {
	content, rest, err := SplitList(b)
	if err == nil && len(rest) != 0 {
		err = ErrTrailingBytes
	}
	return Reader{b: content, err: err}
}

// Err returns the first error the reader met.
func (r *Reader) Err() error { return r.err }

// Fail records err if no error was recorded yet. Decoders use it to report
// semantic failures through the same sticky error.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// More reports whether elements remain and no error was met.
func (r *Reader) More() bool { return r.err == nil && len(r.b) > 0 }

// End returns the first error met, or ErrTooManyElements if elements remain.
func (r *Reader) End() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = ErrTooManyElements
	}
	return r.err
}

func (r *Reader) next() (Kind, []byte, bool) {
	if r.err != nil {
		return 0, nil, false
	}
	if len(r.b) == 0 {
		r.err = ErrTooFewElements
		return 0, nil, false
	}
	k, content, rest, err := Split(r.b)
	if err != nil {
		if err == ErrValueTooLarge {
			err = ErrElemTooLarge
		}
		r.err = err
		return 0, nil, false
	}
	r.b = rest
	return k, content, true
}

// Kind returns the kind of the next element without consuming it.
func (r *Reader) Kind() (Kind, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(r.b) == 0 {
		return 0, ErrTooFewElements
	}
	k, _, _, err := readKind(r.b)
	return k, err
}

// Raw consumes the next element and returns its full encoding.
func (r *Reader) Raw() []byte {
	start := r.b
	if _, _, ok := r.next(); !ok {
		return nil
	}
	return start[:len(start)-len(r.b)]
}

// Bytes consumes the next element, which must be a byte string, and returns
// its content. The result aliases the input.
func (r *Reader) Bytes() []byte {
	k, c, ok := r.next()
	if !ok {
		return nil
	}
	if k == List {
		r.err = ErrExpectedString
		return nil
	}
	return c
}

// FixedBytes consumes the next element, a byte string of exactly len(dst)
// bytes, and copies it into dst.
func (r *Reader) FixedBytes(dst []byte) {
	c := r.Bytes()
	if r.err != nil {
		return
	}
	if len(c) != len(dst) {
		r.err = fmt.Errorf("%w: got %d bytes, want %d", ErrWrongLength, len(c), len(dst))
		return
	}
	copy(dst, c)
}

// List consumes the next element, which must be a list, and returns a Reader
// over its elements. An error in the outer reader is carried into the inner
// one.
func (r *Reader) List() Reader {
	k, c, ok := r.next()
	if !ok {
		return Reader{err: r.err}
	}
	if k != List {
		r.err = ErrExpectedList
		return Reader{err: r.err}
	}
	return Reader{b: c}
}

// Uint64 consumes the next element as a canonical integer of at most 64 bits.
func (r *Reader) Uint64() uint64 {
	c := r.Bytes()
	if r.err != nil {
		return 0
	}
	x, err := bytesToUint64(c)
	if err != nil {
		r.err = err
	}
	return x
}

// Uint32 consumes the next element as a canonical integer of at most 32 bits.
func (r *Reader) Uint32() uint32 {
	x := r.Uint64()
	if r.err == nil && x > 1<<32-1 {
		r.err = ErrUintOverflow
		return 0
	}
	return uint32(x)
}

// Uint8 consumes the next element as a canonical integer of at most 8 bits.
func (r *Reader) Uint8() uint8 {
	x := r.Uint64()
	if r.err == nil && x > 0xff {
		r.err = ErrUintOverflow
		return 0
	}
	return uint8(x)
}

// Bool consumes the next element as a boolean (0 or 1).
func (r *Reader) Bool() bool {
	x := r.Uint64()
	if r.err == nil && x > 1 {
		r.err = fmt.Errorf("%w: invalid boolean %d", ErrUintOverflow, x)
		return false
	}
	return x == 1
}

// Uint256 consumes the next element as a canonical integer of at most 256
// bits and stores it in z.
func (r *Reader) Uint256(z *uint256.Int) {
	c := r.Bytes()
	if r.err != nil {
		z.Clear()
		return
	}
	if err := SetUint256(z, c); err != nil {
		r.err = err
		z.Clear()
	}
}

// SetUint256 sets z from the content of a canonical integer string.
func SetUint256(z *uint256.Int, c []byte) error {
	switch {
	case len(c) > 32:
		return ErrUintOverflow
	case len(c) > 0 && c[0] == 0:
		return ErrCanonInt
	}
	z.SetBytes(c)
	return nil
}

// DecodeUint256 decodes b, which must be exactly one canonical integer.
func DecodeUint256(b []byte) (uint256.Int, error) {
	var z uint256.Int
	c, rest, err := SplitString(b)
	if err != nil {
		return z, err
	}
	if len(rest) != 0 {
		return z, ErrTrailingBytes
	}
	err = SetUint256(&z, c)
	return z, err
}

// DecodeBytes decodes b, which must be exactly one byte string.
func DecodeBytes(b []byte) ([]byte, error) {
	c, rest, err := SplitString(b)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, ErrTrailingBytes
	}
	return c, nil
}
