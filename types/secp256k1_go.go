//go:build !libsecp256k1 || !cgo

package types

import "github.com/balexec/balexec/internal/secp256k1"

// Secp256k1Backend names the implementation of public key recovery: the
// package's own pure-Go internal/secp256k1 by default, libsecp256k1 through
// cgo when built with the libsecp256k1 tag.
const Secp256k1Backend = "internal/secp256k1"

// recoverPubkey recovers the public key (X || Y) that signed hash with the
// signature r || s and recovery id v (0 or 1), already range-checked.
func recoverPubkey(pub *[64]byte, rs *[64]byte, v byte, hash *Hash) error {
	p, err := secp256k1.RecoverPubkey((*[32]byte)(hash), rs, v)
	if err != nil {
		return err
	}
	*pub = p
	return nil
}
