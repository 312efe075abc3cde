package secp256k1

import "math/bits"

// RecoverPubkey returns the uncompressed public key X || Y (32 bytes each,
// big-endian, without the 0x04 prefix) that produced the ECDSA signature
// sig = r || s over hash, given the recovery id recid, following SEC 1
// section 4.1.6.
//
// The signature nonce point R has x coordinate r (recid 0 and 1) or r+n
// (recid 2 and 3, which only a signer who met an x of at least n emits,
// with probability about 2^-127), and y of parity recid&1. The key is then
// Q = r^-1 (s R - e G), e being hash as a big-endian integer reduced mod n.
// This is the behaviour of libsecp256k1's secp256k1_ecdsa_recover and of
// decred's RecoverCompact for all four ids.
//
// It does not apply the low-s rule. The errors are the package's sentinels,
// returned as they are: ErrInvalidRecoveryID, ErrInvalidR, ErrInvalidS,
// ErrXOverflow, ErrNotOnCurve and ErrPointAtInfinity. It does not allocate
// and is safe for concurrent use; the first call in a process also builds
// the generator's table.
func RecoverPubkey(hash *[32]byte, sig *[64]byte, recid byte) (pub [64]byte, err error) {
	if recid > 3 {
		return pub, ErrInvalidRecoveryID
	}
	var r, s scalar
	if r.setBytes((*[32]byte)(sig[:32])) || r.isZero() {
		return pub, ErrInvalidR
	}
	if s.setBytes((*[32]byte)(sig[32:])) || s.isZero() {
		return pub, ErrInvalidS
	}

	// R = (x, y).
	x := fe(r)
	if recid&2 != 0 {
		var c uint64
		x[0], c = bits.Add64(r[0], scN[0], 0)
		x[1], c = bits.Add64(r[1], scN[1], c)
		x[2], c = bits.Add64(r[2], scN[2], c)
		x[3], c = bits.Add64(r[3], scN[3], c)
		if c != 0 || !x.isCanonical() {
			return pub, ErrXOverflow
		}
	}
	var y fe
	y.sqr(&x)
	y.mul(&y, &x)
	y.add(&y, &fe{7})
	if !y.sqrt(&y) {
		return pub, ErrNotOnCurve
	}
	y.normalize()
	if y.isOdd() != (recid&1 == 1) {
		y.neg(&y)
	}

	// u1 = -e/r, u2 = s/r.
	var e, ri, u1, u2 scalar
	e.setBytes(hash)
	ri.inv(&r)
	u1.mul(&e, &ri)
	u1.neg(&u1)
	u2.mul(&s, &ri)

	qx, qy, ok := ecmult(&u1, &u2, &x, &y)
	if !ok {
		return pub, ErrPointAtInfinity
	}
	qx.putBytes(pub[:32])
	qy.putBytes(pub[32:])
	return pub, nil
}
