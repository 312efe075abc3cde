package secp256k1

import "errors"

// Recovery errors, one per failure class, returned unwrapped (a failing
// recovery does not allocate); callers wrap them with their context.
var (
	// ErrInvalidRecoveryID: the recovery id is above 3.
	ErrInvalidRecoveryID = errors.New("secp256k1: invalid recovery id")
	// ErrInvalidR: r is 0 or not below the group order n.
	ErrInvalidR = errors.New("secp256k1: signature r is not in [1, n-1]")
	// ErrInvalidS: s is 0 or not below the group order n.
	ErrInvalidS = errors.New("secp256k1: signature s is not in [1, n-1]")
	// ErrXOverflow: recovery id 2 or 3 asks for the x coordinate r+n, and
	// r+n is not below the field prime p.
	ErrXOverflow = errors.New("secp256k1: r+n is not a field element")
	// ErrNotOnCurve: no curve point has the x coordinate the signature
	// names (x^3 + 7 is not a square mod p).
	ErrNotOnCurve = errors.New("secp256k1: signature x coordinate is not on the curve")
	// ErrPointAtInfinity: the recovered key would be the point at infinity.
	ErrPointAtInfinity = errors.New("secp256k1: recovered public key is the point at infinity")
)
