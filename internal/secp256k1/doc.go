// Package secp256k1 recovers the public key behind an ECDSA signature on the
// secp256k1 curve: the sender recovery of every Ethereum transaction and the
// ECRECOVER precompile. It is pure Go, written for that one operation
// ([RecoverPubkey]) and for speed, and checked against decred's secp256k1
// (its slow twin) and a math/big reference in the tests.
//
// # Variable time: public data only
//
// Nothing here runs in constant time: branches, table indices and loop
// lengths depend on the signature, the hash and intermediate values. That
// is fine for what it is for, signatures and hashes that are public (on the
// chain or in a call), and it must never be used with secret data such as
// private keys or nonces. It has no signing.
//
// # How a recovery runs
//
// SEC 1 section 4.1.6: from r and the recovery id, the nonce point R (one
// square root); then Q = u1*G + u2*R with u1 = -e/r and u2 = s/r mod n (one
// inversion mod n). The double multiplication splits both scalars with the
// GLV endomorphism into four halves of at most 128 bits, writes them in
// width-w NAF and runs them in one loop of at most 129 doublings; R's odd
// multiples are built per recovery without an inversion (as affine points
// of an isomorphic curve), G's come from a table built once. One inversion
// mod p makes Q affine. Inversions use Bernstein and Yang's divstep
// algorithm; the square root is an exponentiation by an addition chain.
//
// # Representation and invariants
//
//   - Field elements (fe) are four 64-bit limbs holding any value below
//     2^256; arithmetic results are only weakly reduced (below 2^256, not
//     necessarily below p), and normalize gives the canonical value where
//     it matters: comparisons, parity and output bytes.
//   - Scalars (scalar) are four 64-bit limbs, always fully reduced mod n.
//   - Every arithmetic operation writes its receiver and is correct when
//     the receiver aliases any operand.
//   - The halves of a split scalar are below 2^128 in absolute value, so
//     the loop has at most 129 doublings (glv.go gives the bound).
//   - Bad input never panics: every signature, hash and recovery id either
//     recovers a key or returns one of the sentinels in errors.go.
//
// # Concurrency
//
// [RecoverPubkey] is safe for concurrent use. The only shared state is the
// generator's table of 2^(gWindow-2) odd multiples of G (64 bytes each),
// built by the first recovery of the process under a sync.Once (about a
// third of a millisecond) and read-only afterwards. Everything else lives
// on the caller's stack: a recovery does not allocate.
package secp256k1
