//go:build !libsecp256k1 || !cgo

package types

import (
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// recoverPubkey recovers the public key (X || Y) that signed hash with the
// signature r || s and recovery id v (0 or 1), already range-checked.
func recoverPubkey(pub *[64]byte, rs *[64]byte, v byte, hash *Hash) error {
	var sig [65]byte
	sig[0] = 27 + v // compact signature code for an uncompressed key
	copy(sig[1:], rs[:])
	key, _, err := ecdsa.RecoverCompact(sig[:], hash[:])
	if err != nil {
		return err
	}
	var p secp256k1.JacobianPoint
	key.AsJacobian(&p)
	p.X.PutBytesUnchecked(pub[:32])
	p.Y.PutBytesUnchecked(pub[32:])
	return nil
}
