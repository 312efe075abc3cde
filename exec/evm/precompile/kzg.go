package precompile

import (
	"crypto/sha256"
	"fmt"
)

// pointEvaluation (0x0a, EIP-4844) verifies a KZG proof that the blob behind
// a commitment evaluates to y at z. The input is exactly 192 bytes:
// versioned_hash(32) || z(32) || y(32) || commitment(48) || proof(48). The
// versioned hash must be 0x01 || sha256(commitment)[1:]. On success the
// output is FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte words.
// The verification itself is verifyKZGProof (kzg_verify.go).
type pointEvaluation struct{}

const (
	pointEvaluationInputLen = 192
	// fieldElementsPerBlob is FIELD_ELEMENTS_PER_BLOB of EIP-4844.
	fieldElementsPerBlob = 4096
)

// blsModulus is BLS_MODULUS, the order r of the BLS12-381 groups (and so
// the modulus of z and y), big-endian.
var blsModulus = [32]byte{
	0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
	0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
}

// pointEvaluationOutput is uint256(FIELD_ELEMENTS_PER_BLOB) ||
// uint256(BLS_MODULUS).
var pointEvaluationOutput = func() (out [64]byte) {
	out[30] = fieldElementsPerBlob >> 8
	out[31] = fieldElementsPerBlob & 0xff
	copy(out[32:], blsModulus[:])
	return out
}()

func (pointEvaluation) Name() string         { return "KZG_POINT_EVALUATION" }
func (pointEvaluation) Gas(in []byte) uint64 { return gasPointEvaluation }

func (pointEvaluation) Run(in []byte) ([]byte, error) {
	if len(in) != pointEvaluationInputLen {
		return nil, ErrInvalidInputLength
	}
	var (
		z          = in[32:64:64]
		y          = in[64:96:96]
		commitment = in[96:144:144]
		proof      = in[144:192:192]
	)
	vh := sha256.Sum256(commitment)
	vh[0] = 0x01
	if [32]byte(in[0:32]) != vh {
		return nil, ErrKZGVersionedHash
	}
	key, err := kzgVerificationKey()
	if err != nil {
		return nil, err
	}
	if err := verifyKZGProof(key, commitment, z, y, proof); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKZGProof, err)
	}
	out := make([]byte, len(pointEvaluationOutput))
	copy(out, pointEvaluationOutput[:])
	return out, nil
}
