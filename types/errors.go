package types

import "errors"

// Errors of the types package. Decoders wrap them with context (and, where the
// cause is an RLP-level failure, with the RLP sentinel as well), so callers
// match with errors.Is.
var (
	// ErrMalformed: an encoding is not well-formed canonical RLP of the
	// expected shape (wrong arity, wrong field size, non-canonical integer,
	// trailing bytes, ...). The RLP-level cause is wrapped alongside.
	ErrMalformed = errors.New("types: malformed encoding")

	// ErrTxTypeNotSupported: the transaction (or receipt) type is not one of
	// the known EIP-2718 types, or the type byte is out of range.
	ErrTxTypeNotSupported = errors.New("types: transaction type not supported")
	// ErrShortTypedTx: a typed transaction envelope has no payload.
	ErrShortTypedTx = errors.New("types: typed transaction too short")
	// ErrLegacyTxInEnvelope: a byte-string envelope in a block body holds a
	// legacy (list-encoded) transaction instead of a typed one.
	ErrLegacyTxInEnvelope = errors.New("types: legacy transaction wrapped as typed envelope")
	// ErrTxMissingTo: a blob or set-code transaction has no recipient; those
	// types cannot create contracts.
	ErrTxMissingTo = errors.New("types: transaction type requires a recipient")

	// ErrInvalidSig: signature values are out of range (r or s not in
	// [1, n-1], s above n/2, bad recovery id or v) or recovery failed.
	ErrInvalidSig = errors.New("types: invalid transaction v, r, s values")
	// ErrInvalidChainID: the chain id of a transaction (typed, or derived
	// from an EIP-155 v) is not the chain's.
	ErrInvalidChainID = errors.New("types: invalid chain id for signer")

	// ErrInvalidPayload: an engine API request or execution payload is
	// malformed or inconsistent with its method version.
	ErrInvalidPayload = errors.New("types: invalid execution payload")
	// ErrInvalidRequests: execution requests are empty or not strictly
	// ordered by type.
	ErrInvalidRequests = errors.New("types: invalid execution requests")
)
