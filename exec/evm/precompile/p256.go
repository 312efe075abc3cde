package precompile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"math/big"
)

// p256Verify (0x100, EIP-7951, from Osaka) verifies an ECDSA signature over
// NIST P-256 (secp256r1). The input is exactly 160 bytes: hash(32) || r(32) ||
// s(32) || x(32) || y(32). r and s must lie in [1, n-1] and (x, y) must be a
// point on the curve (coordinates below p, not infinity). Success returns the
// 32-byte word 1; any failure, including a wrong input length, returns empty
// output and no error.
type p256Verify struct{}

const p256VerifyInputLen = 160

func (p256Verify) Name() string         { return "P256VERIFY" }
func (p256Verify) Gas(in []byte) uint64 { return gasP256Verify }

func (p256Verify) Run(in []byte) ([]byte, error) {
	if len(in) != p256VerifyInputLen {
		return nil, nil
	}
	var r, s, x, y big.Int
	r.SetBytes(in[32:64])
	s.SetBytes(in[64:96])
	x.SetBytes(in[96:128])
	y.SetBytes(in[128:160])
	curve := elliptic.P256()
	// IsOnCurve rejects coordinates ≥ p and (0, 0); ecdsa.Verify rejects r
	// or s outside [1, n-1] and compares x(R) mod n with r.
	if !curve.IsOnCurve(&x, &y) {
		return nil, nil
	}
	pub := ecdsa.PublicKey{Curve: curve, X: &x, Y: &y}
	if !ecdsa.Verify(&pub, in[0:32], &r, &s) {
		return nil, nil
	}
	out := make([]byte, 32)
	out[31] = 1
	return out, nil
}
