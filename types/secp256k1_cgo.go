//go:build libsecp256k1 && cgo

package types

/*
#cgo LDFLAGS: -lsecp256k1
#include <secp256k1.h>
#include <secp256k1_recovery.h>

// recover_pubkey parses the 64-byte compact signature with recovery id
// recid, recovers the public key that signed msg32 and writes it
// uncompressed (0x04 || X || Y) to out65. It returns 1 on success.
static int recover_pubkey(const secp256k1_context *ctx, unsigned char *out65,
		const unsigned char *sig64, int recid, const unsigned char *msg32) {
	secp256k1_ecdsa_recoverable_signature sig;
	secp256k1_pubkey pub;
	size_t outlen = 65;
	if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, sig64, recid)) {
		return 0;
	}
	if (!secp256k1_ecdsa_recover(ctx, &pub, &sig, msg32)) {
		return 0;
	}
	return secp256k1_ec_pubkey_serialize(ctx, out65, &outlen, &pub, SECP256K1_EC_UNCOMPRESSED);
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// secpContext is created once and only read afterwards: libsecp256k1
// contexts are safe for concurrent use by functions that take them as const.
var secpContext = C.secp256k1_context_create(C.SECP256K1_CONTEXT_NONE)

var errRecover = errors.New("secp256k1: public key recovery failed")

// recoverPubkey recovers the public key (X || Y) that signed hash with the
// signature r || s and recovery id v (0 or 1), already range-checked.
func recoverPubkey(pub *[64]byte, rs *[64]byte, v byte, hash *Hash) error {
	var out [65]byte
	ok := C.recover_pubkey(secpContext,
		(*C.uchar)(unsafe.Pointer(&out[0])),
		(*C.uchar)(unsafe.Pointer(&rs[0])),
		C.int(v),
		(*C.uchar)(unsafe.Pointer(&hash[0])))
	if ok != 1 {
		return errRecover
	}
	copy(pub[:], out[1:])
	return nil
}
