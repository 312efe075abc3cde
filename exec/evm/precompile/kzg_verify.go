package precompile

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"sync"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// KZG opening-proof verification (EIP-4844 verify_kzg_proof) on gnark-crypto.
//
// A blob is a polynomial f of degree < 4096; its commitment is C = [f(τ)]G1
// for the secret τ of the Ethereum KZG ceremony, and a proof that f(z) = y
// is π = [q(τ)]G1 with q(X) = (f(X) - y) / (X - z). The specification checks
//
//	e(C - [y]G1, G2) == e(π, [τ]G2 - [z]G2).
//
// By bilinearity e(π, [τ-z]G2) = e(π, [τ]G2) · e([z]π, G2)⁻¹, so the same
// equation (an identity in the target group, not an approximation) reads
//
//	e(C - [y]G1 + [z]π, -G2) · e(π, [τ]G2) == 1,
//
// which needs one joint G1 multiplication instead of a G1 and a G2 one, and
// only two fixed G2 points: the generator and [τ]G2. Verification therefore
// needs none of the 4096 G1 powers of τ that proving uses, and no tables
// built from them: the whole verification key is three constant points.

// tauG2Hex is [τ]G2 in the uncompressed ZCash/IETF serialization (x.c1,
// x.c0, y.c1, y.c0, 48 bytes each, big-endian). It is the second entry of
// g2_monomial in trusted_setup.json, the output of the Ethereum KZG
// ceremony, embedded as is by go-ethereum (crypto/kzg4844) and by
// go-eth-kzg; there it appears compressed as
//
//	b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d
//	2914e5870cb452d2afaaab24f3499f72185cbfee53492714734429b7b38608e2
//	3926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2
//
// It is stored uncompressed so that loading it needs no square root and no
// subgroup check (together about a millisecond); a test checks that it lies
// in the order-r subgroup and that it compresses to the ceremony's bytes,
// read from go-eth-kzg's copy of the file. The first entry of g2_monomial is
// the standard G2 generator, taken from gnark-crypto (also tested).
const tauG2Hex = "" +
	"15bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d" +
	"2914e5870cb452d2afaaab24f3499f72185cbfee53492714734429b7b38608e2" +
	"3926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2" +
	"1666c54b0a32529503432fcae0181b4bef79de09fc63671fda5ed1ba9bfa0789" +
	"9495346f3d7ac9cd23048ef30d0a154f014353bdb96b626dd7d5ee8599d1fca2" +
	"131569490e28de18e82451a496a9c9794ce26d105941f383ee689bfbbb832a99"

// kzgKey is the verification key: the two fixed G2 arguments of the
// pairing check. Immutable once built.
type kzgKey struct {
	negG2 bls12381.G2Affine // -G2, the negated generator
	tauG2 bls12381.G2Affine // [τ]G2
}

// newKZGKey builds the verification key from the constants. It fails only
// if a constant is malformed or off the curve (a build defect).
func newKZGKey() (*kzgKey, error) {
	raw, err := hex.DecodeString(tauG2Hex)
	if err != nil || len(raw) != 4*fp.Bytes {
		return nil, fmt.Errorf("%w: [tau]G2 constant is not 192 bytes of hex", ErrKZGSetup)
	}
	// The top three bits of an uncompressed, finite point are zero, so the
	// first coordinate reads as a plain big-endian field element.
	var k kzgKey
	for i, c := range []*fp.Element{&k.tauG2.X.A1, &k.tauG2.X.A0, &k.tauG2.Y.A1, &k.tauG2.Y.A0} {
		if err := c.SetBytesCanonical(raw[i*fp.Bytes : (i+1)*fp.Bytes]); err != nil {
			return nil, fmt.Errorf("%w: [tau]G2 coordinate %d: %w", ErrKZGSetup, i, err)
		}
	}
	if !k.tauG2.IsOnCurve() {
		return nil, fmt.Errorf("%w: [tau]G2 constant is not on the curve", ErrKZGSetup)
	}
	_, _, _, g2 := bls12381.Generators()
	k.negG2.Neg(&g2)
	return &k, nil
}

// The key is built on first use, under a sync.Once, and read-only after.
// It costs a few microseconds (BenchmarkKZGSetup), so laziness only spares
// processes that never verify a proof.
var kzgSetup struct {
	once sync.Once
	key  *kzgKey
	err  error
}

func kzgVerificationKey() (*kzgKey, error) {
	kzgSetup.once.Do(func() { kzgSetup.key, kzgSetup.err = newKZGKey() })
	return kzgSetup.key, kzgSetup.err
}

// Warm builds the point evaluation contract's verification key: it parses
// [τ]G2 and negates the G2 generator, a few microseconds of CPU once per
// process (the trusted setup's G1 powers and the EIP-7594 tables that once
// made this a two-second load are not needed to verify a proof). Calling it
// is optional, since the first verification builds the key itself; it
// remains so that start-up code can surface a defective constant early. It
// is idempotent and safe for concurrent use. The error reports a defective
// constant ([ErrKZGSetup]) and cannot depend on any input.
func Warm() error {
	_, err := kzgVerificationKey()
	return err
}

// verifyKZGProof is verify_kzg_proof of the consensus specs (EIP-4844
// polynomial commitments): commitment and proof are 48-byte compressed G1
// points, z and y 32-byte big-endian field elements. It returns nil if the
// proof shows that the polynomial behind commitment takes the value y at z.
//
// Inputs are decoded as bytes_to_bls_field and bytes_to_kzg_commitment /
// bytes_to_kzg_proof (validate_kzg_g1) require: z and y below BLS_MODULUS;
// points in canonical compressed form (compression flag set, x below the
// field modulus, infinity only as 0xc0 followed by zeros), on the curve and
// in the order-r subgroup, the point at infinity allowed. gnark-crypto's
// G1Affine.SetBytes is exactly that check on a 48-byte buffer.
//
// NB: decoding runs in go-eth-kzg's order (y, z, commitment, proof), and the
// reasons are go-eth-kzg's texts or gnark-crypto's own errors, so the first
// failure and the error text are those go-ethereum v1.17.10 reports (its
// default KZG backend is go-eth-kzg v1.5.0 over the same gnark-crypto).
func verifyKZGProof(key *kzgKey, commitment, z, y, proof []byte) error {
	var zf, yf fr.Element
	if yf.SetBytesCanonical(y) != nil {
		return errKZGNonCanonicalScalar
	}
	if zf.SetBytesCanonical(z) != nil {
		return errKZGNonCanonicalScalar
	}
	var c, pi bls12381.G1Affine
	if _, err := c.SetBytes(commitment[:48:48]); err != nil {
		return err
	}
	if _, err := pi.SetBytes(proof[:48:48]); err != nil {
		return err
	}

	// lhs = C - [y]G1 + [z]π, one Straus-Shamir double multiplication.
	var ny, zb big.Int
	yf.Neg(&yf).BigInt(&ny) // r - y, so that [r-y]G1 = -[y]G1
	zf.BigInt(&zb)
	var lhs, cj bls12381.G1Jac
	lhs.JointScalarMultiplicationBase(&pi, &ny, &zb)
	lhs.AddAssign(cj.FromAffine(&c))

	var ps [2]bls12381.G1Affine
	ps[0].FromJacobian(&lhs)
	ps[1] = pi
	qs := [2]bls12381.G2Affine{key.negG2, key.tauG2}
	ok, err := bls12381.PairingCheck(ps[:], qs[:])
	if err != nil {
		return err // only for mismatched slice lengths, impossible here
	}
	if !ok {
		return errKZGPairing
	}
	return nil
}
