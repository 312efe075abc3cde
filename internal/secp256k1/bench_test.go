package secp256k1

import (
	"fmt"
	"math/rand/v2"
	"testing"

	dcr "github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// benchSig is one signature to recover and the key it must give.
type benchSig struct {
	hash  [32]byte
	sig   [64]byte
	recid byte
	pub   [64]byte
}

// benchSigs returns n signatures by distinct keys over distinct hashes,
// from a fixed seed.
func benchSigs(_ testing.TB, n int) []benchSig {
	seed := uint64(42)
	rng := rand.New(rand.NewPCG(seed, seed))
	out := make([]benchSig, n)
	for i := range out {
		var kb [32]byte
		for j := range kb {
			kb[j], out[i].hash[j] = byte(rng.Uint32()), byte(rng.Uint32())
		}
		key := dcr.PrivKeyFromBytes(kb[:])
		c := ecdsa.SignCompact(key, out[i].hash[:], false)
		copy(out[i].sig[:], c[1:])
		out[i].recid = c[0] - 27
		copy(out[i].pub[:], key.PubKey().SerializeUncompressed()[1:])
	}
	return out
}

// BenchmarkRecover times one public key recovery (an op), cycling through
// 64 signatures, with this package (impl=balexec) and with decred's
// RecoverCompact (impl=decred), the implementation it replaces.
func BenchmarkRecover(b *testing.B) {
	sigs := benchSigs(b, 64)
	impls := []struct {
		name string
		f    func(*[32]byte, *[64]byte, byte) ([64]byte, error)
	}{
		{"balexec", RecoverPubkey},
		{"decred", decredRecover},
	}
	generatorTable() // built outside the timing
	for _, impl := range impls {
		b.Run(fmt.Sprintf("impl=%s", impl.name), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s := &sigs[i%len(sigs)]
				pub, err := impl.f(&s.hash, &s.sig, s.recid)
				if err != nil || pub != s.pub {
					b.Fatalf("signature %d: %v", i%len(sigs), err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e3, "µs/recovery")
		})
	}
}

// BenchmarkGeneratorTable times building the generator's table, which the
// first recovery in a process pays.
func BenchmarkGeneratorTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		buildGeneratorTable()
	}
	b.ReportMetric(float64(gTableSize), "points")
}
