package precompile

import (
	"crypto/sha256"
	"fmt"
	"sync"

	goethkzg "github.com/crate-crypto/go-eth-kzg"
)

// pointEvaluation (0x0a, EIP-4844) verifies a KZG proof that the blob behind
// a commitment evaluates to y at z. The input is exactly 192 bytes:
// versioned_hash(32) || z(32) || y(32) || commitment(48) || proof(48). The
// versioned hash must be 0x01 || sha256(commitment)[1:]. On success the
// output is FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte words.
type pointEvaluation struct{}

const pointEvaluationInputLen = 192

// pointEvaluationOutput is uint256(4096) || uint256(BLS_MODULUS).
var pointEvaluationOutput = func() (out [64]byte) {
	out[30] = goethkzg.ScalarsPerBlob >> 8
	out[31] = goethkzg.ScalarsPerBlob & 0xff
	copy(out[32:], goethkzg.BlsModulus[:])
	return out
}()

func (pointEvaluation) Name() string         { return "KZG_POINT_EVALUATION" }
func (pointEvaluation) Gas(in []byte) uint64 { return gasPointEvaluation }

func (pointEvaluation) Run(in []byte) ([]byte, error) {
	if len(in) != pointEvaluationInputLen {
		return nil, ErrInvalidInputLength
	}
	var (
		z, y       goethkzg.Scalar
		commitment goethkzg.KZGCommitment
		proof      goethkzg.KZGProof
	)
	copy(z[:], in[32:64])
	copy(y[:], in[64:96])
	copy(commitment[:], in[96:144])
	copy(proof[:], in[144:192])

	vh := sha256.Sum256(commitment[:])
	vh[0] = 0x01
	if [32]byte(in[0:32]) != vh {
		return nil, ErrKZGVersionedHash
	}
	ctx, err := kzgContext()
	if err != nil {
		return nil, err
	}
	if err := ctx.VerifyKZGProof(commitment, z, y, proof); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKZGProof, err)
	}
	out := make([]byte, len(pointEvaluationOutput))
	copy(out, pointEvaluationOutput[:])
	return out, nil
}

// The KZG verification context is built once from the trusted setup embedded
// in go-eth-kzg (the Ethereum KZG ceremony output, identical to
// go-ethereum's). Building it takes about 1.5 s of CPU, so executors call
// Warm at start-up; a call that arrives first builds it itself.
var kzg struct {
	once sync.Once
	ctx  *goethkzg.Context
	err  error
}

func kzgContext() (*goethkzg.Context, error) {
	kzg.once.Do(func() {
		kzg.ctx, kzg.err = goethkzg.NewContext4096Secure()
		if kzg.err != nil {
			kzg.err = fmt.Errorf("%w: %v", ErrKZGSetup, kzg.err)
		}
	})
	return kzg.ctx, kzg.err
}

// Warm loads the KZG trusted setup used by the point evaluation contract, so
// that the first block with a point evaluation does not pay for it (about
// 1.5 s of CPU and 5 MB of memory, once per process). It is idempotent and
// safe for concurrent use; concurrent callers wait for the one load. Run it
// at start-up, in a goroutine if the caller does not want to wait. The error
// reports a defective embedded setup and cannot depend on any input.
func Warm() error {
	_, err := kzgContext()
	return err
}
