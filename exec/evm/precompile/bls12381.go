package precompile

import (
	"math"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// BLS12-381 contracts, EIP-2537 (0x0b-0x11, from Prague).
//
// A base-field element is 64 bytes: 16 zero bytes then the 48-byte big-endian
// value, which must be below the modulus. A G1 point is x || y (128 bytes); a
// G2 point is x.c0 || x.c1 || y.c0 || y.c1 (256 bytes). All zeros is the point
// at infinity. Decoding checks, in this order and coordinate by coordinate,
// the zero top bytes and the canonical value, then that the point is on its
// curve. The MSM and pairing contracts also require every point to be in the
// order-r subgroup; the ADD contracts do not (EIP-2537). Scalars are 32-byte
// big-endian integers, reduced modulo r (exact for subgroup points). Each
// contract accepts only its exact input lengths.

const (
	blsFpLen      = 64
	blsG1Len      = 2 * blsFpLen
	blsG2Len      = 4 * blsFpLen
	blsScalarLen  = 32
	blsG1PairLen  = blsG1Len + blsScalarLen // G1MSM element
	blsG2PairLen  = blsG2Len + blsScalarLen // G2MSM element
	blsPairingLen = blsG1Len + blsG2Len     // pairing element
)

// msmConfig runs gnark's multi-scalar multiplication on the calling goroutine
// only. The executor already runs one transaction per core, so fanning one
// MSM out over every CPU (gnark's default) would only add contention; the
// result does not depend on the task count.
var msmConfig = ecc.MultiExpConfig{NbTasks: 1}

// MSM discount tables of EIP-2537, in thousandths, for k = 1..128 pairs;
// larger k uses the last entry.
var (
	blsG1MSMDiscount = [128]uint16{1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519}
	blsG2MSMDiscount = [128]uint16{1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524}
)

// msmGas is k·mulGas·discount(k)/1000 for k = len/pairLen (0 when k is 0).
func msmGas(n, pairLen int, mulGas uint64, table *[128]uint16) uint64 {
	k := uint64(n / pairLen)
	if k == 0 {
		return 0
	}
	d := uint64(table[min(k, uint64(len(table)))-1])
	g := mulAdd(mulAdd(k, mulGas, 0), d, 0)
	if g == math.MaxUint64 {
		return g
	}
	return g / 1000
}

// blsG1Add (0x0b) adds two G1 points (no subgroup check).
type blsG1Add struct{}

func (blsG1Add) Name() string         { return "BLS12_G1ADD" }
func (blsG1Add) Gas(in []byte) uint64 { return gasBLSG1Add }

func (blsG1Add) Run(in []byte) ([]byte, error) {
	if len(in) != 2*blsG1Len {
		return nil, ErrInvalidInputLength
	}
	var a, b bls12381.G1Affine
	if err := decodeBLSG1(&a, in[:blsG1Len]); err != nil {
		return nil, err
	}
	if err := decodeBLSG1(&b, in[blsG1Len:]); err != nil {
		return nil, err
	}
	a.Add(&a, &b)
	return encodeBLSG1(&a), nil
}

// blsG1MSM (0x0c) computes Σ sᵢ·Pᵢ over k ≥ 1 (G1 point, scalar) pairs.
type blsG1MSM struct{}

func (blsG1MSM) Name() string { return "BLS12_G1MSM" }
func (blsG1MSM) Gas(in []byte) uint64 {
	return msmGas(len(in), blsG1PairLen, gasBLSG1Mul, &blsG1MSMDiscount)
}

func (blsG1MSM) Run(in []byte) ([]byte, error) {
	if len(in) == 0 || len(in)%blsG1PairLen != 0 {
		return nil, ErrInvalidInputLength
	}
	k := len(in) / blsG1PairLen
	points := make([]bls12381.G1Affine, k)
	scalars := make([]fr.Element, k)
	for i := range k {
		e := in[i*blsG1PairLen : (i+1)*blsG1PairLen]
		if err := decodeBLSG1(&points[i], e[:blsG1Len]); err != nil {
			return nil, err
		}
		if !points[i].IsInSubGroup() {
			return nil, ErrBLSG1NotInSubgroup
		}
		scalars[i].SetBytes(e[blsG1Len:])
	}
	var r bls12381.G1Affine
	if k == 1 {
		// One pair: a GLV scalar multiplication is about twice as fast as
		// the bucket method and gives the same point.
		var s big.Int
		scalars[0].BigInt(&s)
		r.ScalarMultiplication(&points[0], &s)
		return encodeBLSG1(&r), nil
	}
	if _, err := r.MultiExp(points, scalars, msmConfig); err != nil {
		// Only reachable on a length mismatch or a bad config: a bug here.
		panic("precompile: BLS12-381 G1 MSM: " + err.Error())
	}
	return encodeBLSG1(&r), nil
}

// blsG2Add (0x0d) adds two G2 points (no subgroup check).
type blsG2Add struct{}

func (blsG2Add) Name() string         { return "BLS12_G2ADD" }
func (blsG2Add) Gas(in []byte) uint64 { return gasBLSG2Add }

func (blsG2Add) Run(in []byte) ([]byte, error) {
	if len(in) != 2*blsG2Len {
		return nil, ErrInvalidInputLength
	}
	var a, b bls12381.G2Affine
	if err := decodeBLSG2(&a, in[:blsG2Len]); err != nil {
		return nil, err
	}
	if err := decodeBLSG2(&b, in[blsG2Len:]); err != nil {
		return nil, err
	}
	a.Add(&a, &b)
	return encodeBLSG2(&a), nil
}

// blsG2MSM (0x0e) computes Σ sᵢ·Qᵢ over k ≥ 1 (G2 point, scalar) pairs.
type blsG2MSM struct{}

func (blsG2MSM) Name() string { return "BLS12_G2MSM" }
func (blsG2MSM) Gas(in []byte) uint64 {
	return msmGas(len(in), blsG2PairLen, gasBLSG2Mul, &blsG2MSMDiscount)
}

func (blsG2MSM) Run(in []byte) ([]byte, error) {
	if len(in) == 0 || len(in)%blsG2PairLen != 0 {
		return nil, ErrInvalidInputLength
	}
	k := len(in) / blsG2PairLen
	points := make([]bls12381.G2Affine, k)
	scalars := make([]fr.Element, k)
	for i := range k {
		e := in[i*blsG2PairLen : (i+1)*blsG2PairLen]
		if err := decodeBLSG2(&points[i], e[:blsG2Len]); err != nil {
			return nil, err
		}
		if !points[i].IsInSubGroup() {
			return nil, ErrBLSG2NotInSubgroup
		}
		scalars[i].SetBytes(e[blsG2Len:])
	}
	var r bls12381.G2Affine
	if k == 1 {
		var s big.Int
		scalars[0].BigInt(&s)
		r.ScalarMultiplication(&points[0], &s)
		return encodeBLSG2(&r), nil
	}
	if _, err := r.MultiExp(points, scalars, msmConfig); err != nil {
		panic("precompile: BLS12-381 G2 MSM: " + err.Error())
	}
	return encodeBLSG2(&r), nil
}

// blsPairing (0x0f) checks that Π e(Pᵢ, Qᵢ) = 1 over k ≥ 1 pairs; the output
// is a 32-byte 1 or 0.
type blsPairing struct{}

func (blsPairing) Name() string { return "BLS12_PAIRING_CHECK" }
func (blsPairing) Gas(in []byte) uint64 {
	return mulAdd(uint64(len(in)/blsPairingLen), gasBLSPairingPair, gasBLSPairingBase)
}

func (blsPairing) Run(in []byte) ([]byte, error) {
	if len(in) == 0 || len(in)%blsPairingLen != 0 {
		return nil, ErrInvalidInputLength
	}
	k := len(in) / blsPairingLen
	ps := make([]bls12381.G1Affine, k)
	qs := make([]bls12381.G2Affine, k)
	for i := range k {
		e := in[i*blsPairingLen : (i+1)*blsPairingLen]
		if err := decodeBLSG1(&ps[i], e[:blsG1Len]); err != nil {
			return nil, err
		}
		if err := decodeBLSG2(&qs[i], e[blsG1Len:]); err != nil {
			return nil, err
		}
		if !ps[i].IsInSubGroup() {
			return nil, ErrBLSG1NotInSubgroup
		}
		if !qs[i].IsInSubGroup() {
			return nil, ErrBLSG2NotInSubgroup
		}
	}
	out := make([]byte, 32)
	if ok, err := bls12381.PairingCheck(ps, qs); err == nil && ok {
		out[31] = 1
	}
	return out, nil
}

// blsMapG1 (0x10) maps a base-field element to G1 (SSWU, RFC 9380).
type blsMapG1 struct{}

func (blsMapG1) Name() string         { return "BLS12_MAP_FP_TO_G1" }
func (blsMapG1) Gas(in []byte) uint64 { return gasBLSMapG1 }

func (blsMapG1) Run(in []byte) ([]byte, error) {
	if len(in) != blsFpLen {
		return nil, ErrInvalidInputLength
	}
	var u fp.Element
	if err := decodeBLSFp(&u, in); err != nil {
		return nil, err
	}
	p := bls12381.MapToG1(u)
	return encodeBLSG1(&p), nil
}

// blsMapG2 (0x11) maps an Fp2 element c0 || c1 to G2 (SSWU, RFC 9380).
type blsMapG2 struct{}

func (blsMapG2) Name() string         { return "BLS12_MAP_FP2_TO_G2" }
func (blsMapG2) Gas(in []byte) uint64 { return gasBLSMapG2 }

func (blsMapG2) Run(in []byte) ([]byte, error) {
	if len(in) != 2*blsFpLen {
		return nil, ErrInvalidInputLength
	}
	var u bls12381.E2
	if err := decodeBLSFp(&u.A0, in[:blsFpLen]); err != nil {
		return nil, err
	}
	if err := decodeBLSFp(&u.A1, in[blsFpLen:]); err != nil {
		return nil, err
	}
	q := bls12381.MapToG2(u)
	return encodeBLSG2(&q), nil
}

// decodeBLSFp decodes one 64-byte padded base-field element.
func decodeBLSFp(z *fp.Element, b []byte) error {
	for _, c := range b[:blsFpLen-fp.Bytes] {
		if c != 0 {
			return ErrBLSFieldElementTopBytes
		}
	}
	v, err := fp.BigEndian.Element((*[fp.Bytes]byte)(b[blsFpLen-fp.Bytes : blsFpLen]))
	if err != nil {
		return ErrBLSFieldElement
	}
	*z = v
	return nil
}

// decodeBLSG1 decodes a 128-byte G1 point and checks it is on the curve
// (infinity, all zeros, is accepted).
func decodeBLSG1(p *bls12381.G1Affine, b []byte) error {
	if err := decodeBLSFp(&p.X, b[:blsFpLen]); err != nil {
		return err
	}
	if err := decodeBLSFp(&p.Y, b[blsFpLen:]); err != nil {
		return err
	}
	if !p.IsOnCurve() {
		return ErrBLSNotOnCurve
	}
	return nil
}

// decodeBLSG2 decodes a 256-byte G2 point and checks it is on the curve
// (infinity, all zeros, is accepted).
func decodeBLSG2(q *bls12381.G2Affine, b []byte) error {
	if err := decodeBLSFp(&q.X.A0, b[0:64]); err != nil {
		return err
	}
	if err := decodeBLSFp(&q.X.A1, b[64:128]); err != nil {
		return err
	}
	if err := decodeBLSFp(&q.Y.A0, b[128:192]); err != nil {
		return err
	}
	if err := decodeBLSFp(&q.Y.A1, b[192:256]); err != nil {
		return err
	}
	if !q.IsOnCurve() {
		return ErrBLSNotOnCurve
	}
	return nil
}

func encodeBLSG1(p *bls12381.G1Affine) []byte {
	out := make([]byte, blsG1Len)
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(out[16:64]), p.X)
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(out[80:128]), p.Y)
	return out
}

func encodeBLSG2(q *bls12381.G2Affine) []byte {
	out := make([]byte, blsG2Len)
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(out[16:64]), q.X.A0)
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(out[80:128]), q.X.A1)
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(out[144:192]), q.Y.A0)
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(out[208:256]), q.Y.A1)
	return out
}
