package precompile_test

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"testing"

	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fp"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"

	"github.com/balexec/balexec/exec/evm/precompile"
)

func putFp(dst []byte, e fp.Element) {
	fp.BigEndian.PutElement((*[fp.Bytes]byte)(dst[16:64]), e)
}

// TestMSMSinglePairMatchesMultiExp checks the one-pair fast path (GLV scalar
// multiplication) against gnark's bucket MSM, which the contract uses for two
// or more pairs: appending an (infinity, t) pair must not change the result.
func TestMSMSinglePairMatchesMultiExp(t *testing.T) {
	seed := uint64(7)
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	_, _, g1, g2 := bls12381.Generators()
	order := fr.Modulus()
	g1msm, g2msm := osaka(precompile.AddrBLSG1MSM), osaka(precompile.AddrBLSG2MSM)
	scalars := [][]byte{
		make([]byte, 32), word(1), word(2), order.FillBytes(make([]byte, 32)),
		new(big.Int).Add(order, big.NewInt(1)).FillBytes(make([]byte, 32)),
		new(big.Int).Sub(order, big.NewInt(1)).FillBytes(make([]byte, 32)),
		max256,
	}
	for range 20 {
		s := make([]byte, 32)
		for i := range s {
			s[i] = byte(rng.Uint32())
		}
		scalars = append(scalars, s)
	}
	for i, s := range scalars {
		k := new(big.Int).SetUint64(rng.Uint64() | 1)
		var p1 bls12381.G1Affine
		p1.ScalarMultiplication(&g1, k)
		var p2 bls12381.G2Affine
		p2.ScalarMultiplication(&g2, k)

		one1 := make([]byte, 160)
		putFp(one1[0:64], p1.X)
		putFp(one1[64:128], p1.Y)
		copy(one1[128:], s)
		two1 := append(bytes.Clone(one1), make([]byte, 128)...) // + (∞, s)
		two1 = append(two1, s...)
		a, err1 := g1msm.Run(one1)
		b, err2 := g1msm.Run(two1)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Fatalf("G1 scalar %d: single %x (%v) vs MSM %x (%v)", i, a, err1, b, err2)
		}

		one2 := make([]byte, 288)
		putFp(one2[0:64], p2.X.A0)
		putFp(one2[64:128], p2.X.A1)
		putFp(one2[128:192], p2.Y.A0)
		putFp(one2[192:256], p2.Y.A1)
		copy(one2[256:], s)
		two2 := append(bytes.Clone(one2), make([]byte, 256)...)
		two2 = append(two2, s...)
		a, err1 = g2msm.Run(one2)
		b, err2 = g2msm.Run(two2)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Fatalf("G2 scalar %d: single %x (%v) vs MSM %x (%v)", i, a, err1, b, err2)
		}
	}
}
