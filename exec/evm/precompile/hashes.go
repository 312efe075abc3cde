package precompile

import (
	"crypto/sha256"

	"github.com/holiman/uint256"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // RIPEMD-160 is consensus, not a choice.

	"github.com/balexec/balexec/types"
)

// ecrecover (0x01) recovers the address that signed a hash. Input is
// hash(32) || v(32) || r(32) || s(32), right-padded with zeros to 128 bytes;
// bytes past 128 are ignored. v must be 27 or 28 with 31 leading zero bytes,
// r and s must lie in [1, N-1] (no low-s rule: that applies to transaction
// signatures only). Invalid input returns empty output and no error.
type ecrecover struct{}

func (ecrecover) Name() string         { return "ECREC" }
func (ecrecover) Gas(in []byte) uint64 { return gasEcrecover }

func (ecrecover) Run(input []byte) ([]byte, error) {
	var in [128]byte
	copy(in[:], input)
	for _, b := range in[32:63] {
		if b != 0 {
			return nil, nil
		}
	}
	if v := in[63]; v != 27 && v != 28 {
		return nil, nil
	}
	// RecoverAddress rejects r or s outside [1, N-1] and signatures of no
	// point, and applies no low-s rule.
	var r, s uint256.Int
	r.SetBytes(in[64:96])
	s.SetBytes(in[96:128])
	addr, err := types.RecoverAddress(types.Hash(in[:32]), &r, &s, in[63]-27)
	if err != nil {
		return nil, nil
	}
	out := make([]byte, 32)
	copy(out[12:], addr[:])
	return out, nil
}

// sha256Hash (0x02) is SHA-256 of the input.
type sha256Hash struct{}

func (sha256Hash) Name() string { return "SHA256" }
func (sha256Hash) Gas(in []byte) uint64 {
	return wordGas(len(in), gasSHA256Base, gasSHA256Word)
}
func (sha256Hash) Run(in []byte) ([]byte, error) {
	h := sha256.Sum256(in)
	return h[:], nil
}

// ripemd160Hash (0x03) is RIPEMD-160 of the input, left-padded to 32 bytes.
type ripemd160Hash struct{}

func (ripemd160Hash) Name() string { return "RIPEMD160" }
func (ripemd160Hash) Gas(in []byte) uint64 {
	return wordGas(len(in), gasRIPEMD160Base, gasRIPEMD160Word)
}
func (ripemd160Hash) Run(in []byte) ([]byte, error) {
	h := ripemd160.New()
	h.Write(in)
	out := make([]byte, 12, 32)
	return h.Sum(out), nil
}

// identity (0x04) returns a copy of its input.
type identity struct{}

func (identity) Name() string { return "ID" }
func (identity) Gas(in []byte) uint64 {
	return wordGas(len(in), gasIdentityBase, gasIdentityWord)
}
func (identity) Run(in []byte) ([]byte, error) {
	out := make([]byte, len(in))
	copy(out, in)
	return out, nil
}
