package precompile

import "errors"

// Errors returned by Run. Any error means the call fails and consumes all the
// gas given to it; the EVM does not distinguish between them.
//
// NB: unlike the rest of balexec these messages carry no "precompile: "
// prefix. They are go-ethereum's messages, which the shared fail-*.json
// vectors specify verbatim, and tracers that print them should agree with
// go-ethereum's. Every error is still one of these sentinels (or wraps one
// with %w), so callers match with errors.Is.
var (
	// ErrInvalidInputLength: the input is not one of the lengths the contract
	// accepts (BLAKE2F, KZG point evaluation, every BLS12-381 contract).
	ErrInvalidInputLength = errors.New("invalid input length")
	// ErrInvalidFinalFlag: the BLAKE2F final-block flag is neither 0 nor 1.
	ErrInvalidFinalFlag = errors.New("invalid final flag")

	// ErrModexpLengthLimit: from Osaka (EIP-7823), a MODEXP base, exponent
	// or modulus length above 1024 bytes.
	ErrModexpLengthLimit = errors.New("one or more of base/exponent/modulus length exceeded 1024 bytes")
	// ErrModexpRunLimit: a MODEXP input whose gas exceeds MaxModexpRunGas.
	// No transaction can pay for it; Run refuses it instead of trying.
	ErrModexpRunLimit = errors.New("modexp input exceeds the run gas limit")

	// ErrBN254PairingSize: BN254 pairing input is not a multiple of 192 bytes.
	ErrBN254PairingSize = errors.New("bad elliptic curve pairing size")
	// ErrBN254FieldElement: a BN254 coordinate is not below the field modulus.
	ErrBN254FieldElement = errors.New("invalid fp.Element encoding")
	// ErrBN254NotOnCurve: a BN254 G1 or G2 point is not on its curve.
	ErrBN254NotOnCurve = errors.New("point is not on curve")
	// ErrBN254NotInSubgroup: a BN254 G2 point is not in the order-r subgroup.
	ErrBN254NotInSubgroup = errors.New("point is not in correct subgroup")

	// ErrBLSFieldElementTopBytes: a 64-byte BLS12-381 field element has a
	// non-zero byte in its top 16 bytes.
	ErrBLSFieldElementTopBytes = errors.New("invalid field element top bytes")
	// ErrBLSFieldElement: a BLS12-381 field element is not below the modulus.
	ErrBLSFieldElement = errors.New("invalid fp.Element encoding")
	// ErrBLSNotOnCurve: a BLS12-381 G1 or G2 point is not on its curve.
	ErrBLSNotOnCurve = errors.New("invalid point: not on curve")
	// ErrBLSG1NotInSubgroup: a G1 point of an MSM or pairing input is not in
	// the order-r subgroup.
	ErrBLSG1NotInSubgroup = errors.New("g1 point is not on correct subgroup")
	// ErrBLSG2NotInSubgroup: a G2 point of an MSM or pairing input is not in
	// the order-r subgroup.
	ErrBLSG2NotInSubgroup = errors.New("g2 point is not on correct subgroup")

	// ErrKZGVersionedHash: the versioned hash is not 0x01 ||
	// sha256(commitment)[1:].
	ErrKZGVersionedHash = errors.New("mismatched versioned hash")
	// ErrKZGProof: the KZG proof does not verify, or a commitment, proof or
	// scalar does not decode; wrapped with the library's reason.
	ErrKZGProof = errors.New("error verifying kzg proof")
	// ErrKZGSetup: the KZG verification key's constants failed to load (a
	// build defect, never caused by input).
	ErrKZGSetup = errors.New("kzg trusted setup unavailable")
)

// Reasons wrapped by ErrKZGProof, with go-eth-kzg's texts (go-ethereum
// appends the library's reason to ErrKZGProof's message). A commitment or
// proof that does not decode is wrapped with gnark-crypto's own error.
var (
	// errKZGNonCanonicalScalar: z or y is not below BLS_MODULUS.
	errKZGNonCanonicalScalar = errors.New("scalar is not canonical when interpreted as a big integer in big-endian")
	// errKZGPairing: the points decode but the pairing check fails.
	errKZGPairing = errors.New("can't verify opening proof")
)
