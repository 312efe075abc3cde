package precompile

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
)

// BN254 (alt_bn128) contracts, EIP-196 and EIP-197, repriced by EIP-1108.
//
// A G1 point is x(32) || y(32), big-endian; a G2 point is x.im || x.re ||
// y.im || y.re (32 bytes each). All zeros is the point at infinity. Every
// coordinate must be below the field modulus and the point must be on the
// curve; G1 has cofactor 1, so that also puts it in the group, while a G2
// point must additionally pass the subgroup check. ADD and MUL read their
// input right-padded with zeros to 128 and 96 bytes and ignore the rest.

// bn254Add (0x06) adds two G1 points.
type bn254Add struct{ gas uint64 }

func (bn254Add) Name() string           { return "BN254_ADD" }
func (c bn254Add) Gas(in []byte) uint64 { return c.gas }

func (bn254Add) Run(input []byte) ([]byte, error) {
	var in [128]byte
	copy(in[:], input)
	var a, b bn254.G1Affine
	if err := decodeBN254G1(&a, in[0:64]); err != nil {
		return nil, err
	}
	if err := decodeBN254G1(&b, in[64:128]); err != nil {
		return nil, err
	}
	a.Add(&a, &b)
	return encodeBN254G1(&a), nil
}

// bn254Mul (0x07) multiplies a G1 point by a 256-bit scalar.
type bn254Mul struct{ gas uint64 }

func (bn254Mul) Name() string           { return "BN254_MUL" }
func (c bn254Mul) Gas(in []byte) uint64 { return c.gas }

func (bn254Mul) Run(input []byte) ([]byte, error) {
	var in [96]byte
	copy(in[:], input)
	var p bn254.G1Affine
	if err := decodeBN254G1(&p, in[0:64]); err != nil {
		return nil, err
	}
	// The scalar is not reduced: gnark's GLV split reduces it modulo the
	// group order, which is exact because every valid point has that order.
	var s big.Int
	s.SetBytes(in[64:96])
	p.ScalarMultiplication(&p, &s)
	return encodeBN254G1(&p), nil
}

// bn254Pairing (0x08) checks that the product of the pairings of k (G1, G2)
// pairs is one. The input must be a multiple of 192 bytes; empty input is a
// successful check.
type bn254Pairing struct{ base, perPair uint64 }

func (bn254Pairing) Name() string { return "BN254_PAIRING" }
func (c bn254Pairing) Gas(in []byte) uint64 {
	return mulAdd(uint64(len(in)/192), c.perPair, c.base)
}

func (bn254Pairing) Run(input []byte) ([]byte, error) {
	if len(input)%192 != 0 {
		return nil, ErrBN254PairingSize
	}
	k := len(input) / 192
	out := make([]byte, 32)
	if k == 0 {
		out[31] = 1
		return out, nil
	}
	ps := make([]bn254.G1Affine, k)
	qs := make([]bn254.G2Affine, k)
	for i := range k {
		pair := input[192*i : 192*(i+1)]
		if err := decodeBN254G1(&ps[i], pair[0:64]); err != nil {
			return nil, err
		}
		if err := decodeBN254G2(&qs[i], pair[64:192]); err != nil {
			return nil, err
		}
	}
	if ok, err := bn254.PairingCheck(ps, qs); err == nil && ok {
		out[31] = 1
	}
	return out, nil
}

func decodeBN254Fp(z *fp.Element, b []byte) error {
	v, err := fp.BigEndian.Element((*[32]byte)(b))
	if err != nil {
		return ErrBN254FieldElement
	}
	*z = v
	return nil
}

// decodeBN254G1 decodes 64 bytes into p, checking canonical coordinates and
// curve membership. All zeros decodes to the point at infinity.
func decodeBN254G1(p *bn254.G1Affine, b []byte) error {
	if err := decodeBN254Fp(&p.X, b[0:32]); err != nil {
		return err
	}
	if err := decodeBN254Fp(&p.Y, b[32:64]); err != nil {
		return err
	}
	// (0, 0) is gnark's infinity and IsOnCurve accepts it.
	if !p.IsOnCurve() {
		return ErrBN254NotOnCurve
	}
	return nil
}

// decodeBN254G2 decodes 128 bytes into q, checking canonical coordinates,
// curve and subgroup membership. All zeros decodes to the point at infinity.
func decodeBN254G2(q *bn254.G2Affine, b []byte) error {
	if err := decodeBN254Fp(&q.X.A1, b[0:32]); err != nil {
		return err
	}
	if err := decodeBN254Fp(&q.X.A0, b[32:64]); err != nil {
		return err
	}
	if err := decodeBN254Fp(&q.Y.A1, b[64:96]); err != nil {
		return err
	}
	if err := decodeBN254Fp(&q.Y.A0, b[96:128]); err != nil {
		return err
	}
	if q.IsInfinity() {
		return nil
	}
	if !q.IsOnCurve() {
		return ErrBN254NotOnCurve
	}
	if !q.IsInSubGroup() {
		return ErrBN254NotInSubgroup
	}
	return nil
}

func encodeBN254G1(p *bn254.G1Affine) []byte {
	out := make([]byte, 64)
	fp.BigEndian.PutElement((*[32]byte)(out[0:32]), p.X)
	fp.BigEndian.PutElement((*[32]byte)(out[32:64]), p.Y)
	return out
}
