package types_test

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/sha3"

	. "github.com/balexec/balexec/types"
)

func TestKeccak256Vectors(t *testing.T) {
	cases := map[string]string{
		"":    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
		"abc": "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
	}
	for in, want := range cases {
		got := Keccak256One([]byte(in))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("keccak(%q) = %x, want %s", in, got, want)
		}
	}
	long := bytes.Repeat([]byte{0x5a}, 3*4096+7)
	if Keccak256One(long) != Keccak256(long[:100], long[100:4096+1], long[4096+1:]) {
		t.Error("split input hashes differently")
	}
	if EmptyRootHash != MustHexToHash("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421") {
		t.Error("empty root hash")
	}
	if EmptyListHash != MustHexToHash("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347") {
		t.Error("empty list hash")
	}
}

func TestKeccak256NoAllocs(t *testing.T) {
	buf := bytes.Repeat([]byte{0xa5}, 4096)
	for n := 0; n <= len(buf); n += 1 + n/2 {
		a := testing.AllocsPerRun(20, func() {
			_ = Keccak256One(buf[:n])
			_ = Keccak256(buf[:n/3], buf[n/3:n])
		})
		if a != 0 {
			t.Fatalf("Keccak256 of %d bytes allocates %v times", n, a)
		}
	}
}

// TestKeccak256MatchesXCrypto checks the variadic form, split at random,
// against x/crypto's legacy Keccak-256.
func TestKeccak256MatchesXCrypto(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for n := 0; n <= 600; n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		h := sha3.NewLegacyKeccak256()
		h.Write(data)
		var want Hash
		h.Sum(want[:0])
		i := rng.IntN(n + 1)
		j := i + rng.IntN(n-i+1)
		if got := Keccak256(data[:i], data[i:j], data[j:]); got != want {
			t.Fatalf("Keccak256 of %x in parts at %d, %d = %x, want %x", data, i, j, got, want)
		}
		if got := Keccak256One(data); got != want {
			t.Fatalf("Keccak256One(%x) = %x, want %x", data, got, want)
		}
	}
}

func BenchmarkKeccak256(b *testing.B) {
	for _, size := range []int{32, 136, 1024} {
		data := make([]byte, size)
		b.Run(byteSize(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				_ = Keccak256One(data)
			}
		})
	}
}

func byteSize(n int) string {
	switch {
	case n >= 1024:
		return string(rune('0'+n/1024)) + "KiB"
	}
	return itoa(n) + "B"
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
