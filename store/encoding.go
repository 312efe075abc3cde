package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The record encodings. Every decoder is strict: it accepts exactly the
// bytes its encoder produces and nothing else, so a record that decodes
// re-encodes byte for byte, and a damaged record is an error rather than a
// different value.

// Account record flags.
const (
	accountHasCode = 1 << 0 // a 32-byte code hash follows (else: no code)
	accountHasRoot = 1 << 1 // a 32-byte storage root follows (else: no storage)
	accountFlags   = accountHasCode | accountHasRoot
)

// maxAccountRecord is the size of the largest account record.
const maxAccountRecord = 1 + 1 + 8 + 1 + 32 + 32 + 32

// Errors of the record decoders, wrapped with ErrCorrupt and the key by the
// callers.
var (
	errShort     = errors.New("record too short")
	errTrailing  = errors.New("trailing bytes")
	errFlags     = errors.New("unknown flags")
	errLength    = errors.New("length out of range")
	errLeading   = errors.New("integer with leading zero byte")
	errImplicit  = errors.New("empty hash spelled out")
	errZeroValue = errors.New("zero slot value stored")
)

// appendAccount appends the account record of a:
//
//	flags(1) nonceLen(1) nonce(nonceLen) balanceLen(1) balance(balanceLen)
//	[codeHash(32) if flags&1] [storageRoot(32) if flags&2]
//
// Integers are big-endian without leading zero bytes (zero is length 0).
// The empty code hash and the empty storage root are left out and marked
// by a clear flag, so an externally owned account takes 3 bytes plus its
// nonce and balance.
func appendAccount(dst []byte, a *types.Account) []byte {
	var flags byte
	if a.CodeHash != types.EmptyCodeHash {
		flags |= accountHasCode
	}
	if a.Root != types.EmptyRootHash {
		flags |= accountHasRoot
	}
	dst = append(dst, flags)
	n := (bits.Len64(a.Nonce) + 7) / 8
	dst = append(dst, byte(n))
	var nb [8]byte
	binary.BigEndian.PutUint64(nb[:], a.Nonce)
	dst = append(dst, nb[8-n:]...)
	m := a.Balance.ByteLen()
	dst = append(dst, byte(m))
	bb := a.Balance.Bytes32()
	dst = append(dst, bb[32-m:]...)
	if flags&accountHasCode != 0 {
		dst = append(dst, a.CodeHash[:]...)
	}
	if flags&accountHasRoot != 0 {
		dst = append(dst, a.Root[:]...)
	}
	return dst
}

// decodeAccount decodes an account record (see appendAccount).
func decodeAccount(b []byte) (types.Account, error) {
	var a types.Account
	if len(b) < 3 {
		return a, errShort
	}
	flags := b[0]
	if flags&^accountFlags != 0 {
		return a, fmt.Errorf("%w: %#x", errFlags, flags)
	}
	b = b[1:]
	n := int(b[0])
	if n > 8 {
		return a, fmt.Errorf("%w: nonce of %d bytes", errLength, n)
	}
	if len(b) < 1+n+1 {
		return a, errShort
	}
	if n > 0 && b[1] == 0 {
		return a, fmt.Errorf("%w: nonce", errLeading)
	}
	for _, c := range b[1 : 1+n] {
		a.Nonce = a.Nonce<<8 | uint64(c)
	}
	b = b[1+n:]
	m := int(b[0])
	if m > 32 {
		return a, fmt.Errorf("%w: balance of %d bytes", errLength, m)
	}
	if len(b) < 1+m {
		return a, errShort
	}
	if m > 0 && b[1] == 0 {
		return a, fmt.Errorf("%w: balance", errLeading)
	}
	a.Balance.SetBytes(b[1 : 1+m])
	b = b[1+m:]
	a.CodeHash, a.Root = types.EmptyCodeHash, types.EmptyRootHash
	if flags&accountHasCode != 0 {
		if len(b) < 32 {
			return a, errShort
		}
		copy(a.CodeHash[:], b)
		if a.CodeHash == types.EmptyCodeHash {
			return a, fmt.Errorf("%w: code hash", errImplicit)
		}
		b = b[32:]
	}
	if flags&accountHasRoot != 0 {
		if len(b) < 32 {
			return a, errShort
		}
		copy(a.Root[:], b)
		if a.Root == types.EmptyRootHash {
			return a, fmt.Errorf("%w: storage root", errImplicit)
		}
		b = b[32:]
	}
	if len(b) != 0 {
		return a, fmt.Errorf("%w: %d", errTrailing, len(b))
	}
	return a, nil
}

// appendSlot appends the record of a non-zero slot value: its big-endian
// bytes without leading zeros (1 to 32 bytes). Zero values are never
// stored: an absent slot is zero.
func appendSlot(dst []byte, v *uint256.Int) []byte {
	b := v.Bytes32()
	return append(dst, b[32-v.ByteLen():]...)
}

// decodeSlot decodes a slot value record (see appendSlot).
func decodeSlot(b []byte) (uint256.Int, error) {
	var v uint256.Int
	switch {
	case len(b) == 0:
		return v, errZeroValue
	case len(b) > 32:
		return v, fmt.Errorf("%w: %d bytes", errLength, len(b))
	case b[0] == 0:
		return v, errLeading
	}
	v.SetBytes(b)
	return v, nil
}

const headRecordLen = 32 + 8 + 32

// appendHead appends the head record: hash(32) number(8) root(32).
func appendHead(dst []byte, h *Head) []byte {
	dst = append(dst, h.Hash[:]...)
	dst = binary.BigEndian.AppendUint64(dst, h.Number)
	return append(dst, h.Root[:]...)
}

func decodeHead(b []byte) (Head, error) {
	var h Head
	if len(b) != headRecordLen {
		return h, fmt.Errorf("%w: head record of %d bytes", errLength, len(b))
	}
	copy(h.Hash[:], b)
	h.Number = binary.BigEndian.Uint64(b[32:])
	copy(h.Root[:], b[40:])
	return h, nil
}

// The format record: a magic string and the schema version.
const (
	formatMagic = "balexec store\x00"
	// FormatVersion is the version of the key schema and record encodings
	// this package writes and reads. A store written with another version
	// does not open.
	FormatVersion uint32 = 1
)

func appendFormat(dst []byte, version uint32) []byte {
	dst = append(dst, formatMagic...)
	return binary.BigEndian.AppendUint32(dst, version)
}

// decodeFormat returns the version of a format record, or false when the
// record is not one.
func decodeFormat(b []byte) (uint32, bool) {
	if len(b) != len(formatMagic)+4 || string(b[:len(formatMagic)]) != formatMagic {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[len(formatMagic):]), true
}
