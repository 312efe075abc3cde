package secp256k1

import (
	"errors"
	"testing"
)

// fit32 returns b as a 32-byte big-endian number: shorter inputs are small
// numbers, longer ones keep their last 32 bytes.
func fit32(b []byte) (out [32]byte) {
	if len(b) > 32 {
		b = b[len(b)-32:]
	}
	copy(out[32-len(b):], b)
	return out
}

// FuzzRecoverMatchesDecred requires RecoverPubkey and decred's
// RecoverCompact to agree on success or failure and on the key, for any
// hash, r, s and recovery id 0 to 3; higher ids must fail with
// ErrInvalidRecoveryID (decred reads them as compressed-key codes).
func FuzzRecoverMatchesDecred(f *testing.F) {
	for _, c := range edgeCases(f) {
		f.Add(c.hash[:], c.sig[:32], c.sig[32:], c.recid)
	}
	for _, s := range benchSigs(f, 4) {
		f.Add(s.hash[:], s.sig[:32], s.sig[32:], s.recid)
	}
	f.Fuzz(func(t *testing.T, hash, r, s []byte, recid byte) {
		h := fit32(hash)
		var sig [64]byte
		rb, sb := fit32(r), fit32(s)
		copy(sig[:32], rb[:])
		copy(sig[32:], sb[:])
		if recid > 3 {
			if _, err := RecoverPubkey(&h, &sig, recid); !errors.Is(err, ErrInvalidRecoveryID) {
				t.Fatalf("recid %d: error %v", recid, err)
			}
			return
		}
		checkAgainstDecred(t, "fuzz", &h, &sig, recid)
	})
}
