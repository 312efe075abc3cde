package types_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/holiman/uint256"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := types.DecodeHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func u256(s string) uint256.Int { return *uint256.MustFromDecimal(s) }

// testKey returns a deterministic private key whose bytes are all b.
func testKey(b byte) *secp256k1.PrivateKey {
	return secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{b}, 32))
}

// keyAddress derives the address of key independently of the package:
// keccak256 of the uncompressed public key without its prefix byte.
func keyAddress(key *secp256k1.PrivateKey) types.Address {
	pub := key.PubKey().SerializeUncompressed()
	h := types.Keccak256One(pub[1:])
	var a types.Address
	copy(a[:], h[12:])
	return a
}

// signHash signs hash and returns r, s and the recovery id.
func signHash(key *secp256k1.PrivateKey, hash types.Hash) (r, s uint256.Int, recid byte) {
	sig := ecdsa.SignCompact(key, hash[:], false)
	r.SetBytes(sig[1:33])
	s.SetBytes(sig[33:65])
	return r, s, sig[0] - 27
}

// signTx signs tx for chainID (nil: an unprotected legacy transaction) and
// seals it.
func signTx(tx *types.Transaction, key *secp256k1.PrivateKey, chainID *uint256.Int) {
	r, s, recid := signHash(key, tx.SigningHash(chainID))
	tx.R, tx.S = r, s
	switch {
	case tx.Type != types.LegacyTxType:
		tx.V.SetUint64(uint64(recid))
	case chainID == nil:
		tx.V.SetUint64(27 + uint64(recid))
	default:
		tx.V.Mul(chainID, uint256.NewInt(2))
		tx.V.AddUint64(&tx.V, 35+uint64(recid))
	}
	tx.Seal()
}

func signAuth(a *types.Authorization, key *secp256k1.PrivateKey) {
	r, s, recid := signHash(key, a.SigningHash())
	a.R, a.S, a.V = r, s, recid
}

// rlpList wraps encoded elements in a list header.
func rlpList(elems ...[]byte) []byte {
	var content []byte
	for _, e := range elems {
		content = append(content, e...)
	}
	return append(rlp.AppendListHeader(nil, len(content)), content...)
}

// listElems splits the RLP list b into the encodings of its elements.
func listElems(t testing.TB, b []byte) [][]byte {
	t.Helper()
	content, rest, err := rlp.SplitList(b)
	if err != nil || len(rest) != 0 {
		t.Fatalf("not a single list: %v", err)
	}
	var out [][]byte
	for len(content) > 0 {
		_, _, r, err := rlp.Split(content)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, content[:len(content)-len(r)])
		content = r
	}
	return out
}

// withField returns the canonical encoding enc (legacy or typed) with field i
// replaced by repl; a nil repl removes the field, and i == len appends.
func withField(t testing.TB, enc []byte, i int, repl []byte) []byte {
	t.Helper()
	var prefix []byte
	if enc[0] < 0xc0 {
		prefix, enc = enc[:1], enc[1:]
	}
	elems := listElems(t, enc)
	switch {
	case i == len(elems):
		elems = append(elems, repl)
	case repl == nil:
		elems = append(elems[:i:i], elems[i+1:]...)
	default:
		elems[i] = repl
	}
	return append(bytes.Clone(prefix), rlpList(elems...)...)
}

func hexStr(b []byte) string { return hex.EncodeToString(b) }
