// Package rlp implements the Recursive Length Prefix encoding used by Ethereum,
// with a strict canonical decoder and an append-style encoder.
//
// # Decoding
//
// Decoding never uses reflection. [Split], [SplitString], [SplitList] and
// [SplitUint64] take one value off the front of a byte slice. [Reader] walks
// the elements of a list with a sticky error, so a decoder for a fixed-arity
// structure reads its fields one after another and checks [Reader.Err] (or
// [Reader.End], which also rejects surplus elements) once at the end.
//
// The decoder accepts only canonical encodings:
//
//   - a single byte below 0x80 must be encoded as itself, never as a
//     one-byte string ([ErrCanonSize]);
//   - a size must use the short form when it fits and must not have leading
//     zero bytes in the long form ([ErrCanonSize]);
//   - an integer must not have leading zero bytes ([ErrCanonInt]) and must fit
//     its destination ([ErrUintOverflow]);
//   - a value must not claim more bytes than its input or enclosing list holds
//     ([ErrValueTooLarge], [ErrElemTooLarge]);
//   - top-level input must be exactly one value ([ErrTrailingBytes]);
//   - a fixed-arity list must have exactly the expected number of elements
//     ([ErrTooFewElements], [ErrTooManyElements]).
//
// As a consequence anything the decoder accepts re-encodes byte for byte.
//
// # Encoding
//
// Encoders append to a caller-supplied slice and return it, in the style of
// [encoding/binary.AppendUvarint]. For hot paths compute the content size with
// the Size functions and write the header first with [AppendListHeader]; where
// the size is not known in advance, [StartList] and [EndList] insert the header
// after the content has been written.
//
// # Ownership
//
// Byte slices returned by the decoder alias the input; copy them before the
// input is reused.
//
// # Concurrency
//
// All functions are safe for concurrent use; a [Reader] is a value owned by
// one goroutine.
package rlp
