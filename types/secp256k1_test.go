package types

import (
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// TestBackendMatchesDecred checks the recovery backend of this build
// (Secp256k1Backend: internal/secp256k1, or libsecp256k1 with the tag)
// against decred, its slow twin, on random keys and messages, both recovery
// ids, and signatures with a high s (which recovery accepts), plus garbage
// that both accept or both reject.
func TestBackendMatchesDecred(t *testing.T) {
	seed := uint64(7)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for i := range 500 {
		var kb, msg [32]byte
		for j := range kb {
			kb[j], msg[j] = byte(rng.Uint32()), byte(rng.Uint32())
		}
		key := secp256k1.PrivKeyFromBytes(kb[:])
		sig := ecdsa.SignCompact(key, msg[:], false)
		var rs [64]byte
		copy(rs[:], sig[1:])
		v := sig[0] - 27
		if i%3 == 0 {
			// s -> n - s flips the recovery id and stays valid for recovery.
			var s secp256k1.ModNScalar
			s.SetByteSlice(rs[32:])
			s.Negate()
			b := s.Bytes()
			copy(rs[32:], b[:])
			v ^= 1
		}
		if i%7 == 0 {
			rs[5] ^= 0x40 // another signature, maybe of no key
		}
		h := Hash(msg)
		var got, want [64]byte
		errGot := recoverPubkey(&got, &rs, v, &h)
		errWant := decredRecover(&want, &rs, v, &h)
		if (errGot == nil) != (errWant == nil) || got != want {
			t.Fatalf("case %d: %s (%x, %v), decred (%x, %v)", i, Secp256k1Backend, got, errGot, want, errWant)
		}
	}
}

func decredRecover(pub *[64]byte, rs *[64]byte, v byte, hash *Hash) error {
	var sig [65]byte
	sig[0] = 27 + v
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
