package keccak_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/sha3"

	"github.com/balexec/balexec/internal/keccak"
)

var _ hash.Hash = (*keccak.Hasher)(nil)

// pattern returns n bytes counting modulo 251, so that no block repeats
// another.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// slowSum256 is the hash through x/crypto, the independent twin.
func slowSum256(parts ...[]byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	for _, p := range parts {
		h.Write(p)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func newRand(t testing.TB) *rand.Rand {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// TestPermuteZeroState checks the permutation of the all-zero state
// against the Keccak team's published intermediate values.
func TestPermuteZeroState(t *testing.T) {
	want := [25]uint64{
		0xF1258F7940E1DDE7, 0x84D5CCF933C0478A, 0xD598261EA65AA9EE, 0xBD1547306F80494D, 0x8B284E056253D057,
		0xFF97A42D7F8E6FD4, 0x90FEE5A0A44647C4, 0x8C5BDA0CD6192E76, 0xAD30A6F71B19059C, 0x30935AB7D08FFC64,
		0xEB5AA93F2317D635, 0xA9A6E6260D712103, 0x81A57C16DBCF555F, 0x43B831CD0347C826, 0x01F22F1A11A5569F,
		0x05E5635A21D9AE61, 0x64BEFEF28CC970F2, 0x613670957BC46611, 0xB87C5A554FD00ECB, 0x8C3EE88A1CCF32C8,
		0x940C7922AE3A2614, 0x1841F924A2C509E4, 0x16F53526E70465C2, 0x75F644E97F30A13B, 0xEAF1FF7B5CECA249,
	}
	var ref [25]uint64
	refPermute(&ref)
	if ref != want {
		t.Fatalf("reference permutation of zero state = %016x\nwant %016x", ref, want)
	}
	for name, permute := range keccak.Permutations {
		var s [25]uint64
		permute(&s)
		if s != want {
			t.Errorf("%s: permutation of zero state = %016x\nwant %016x", name, s, want)
		}
	}
}

// TestPermuteMatchesReference runs every built-in permutation against the
// step-by-step transcription of the specification on random states, and on
// states with a single bit set (each bit reaches every step differently).
func TestPermuteMatchesReference(t *testing.T) {
	rng := newRand(t)
	var states [][25]uint64
	for i := range 25 * 64 {
		var s [25]uint64
		s[i/64] = 1 << (i % 64)
		states = append(states, s)
	}
	for range 2000 {
		var s [25]uint64
		for i := range s {
			s[i] = rng.Uint64()
		}
		states = append(states, s)
	}
	for name, permute := range keccak.Permutations {
		t.Logf("testing permutation %q", name)
		for _, in := range states {
			want, got := in, in
			refPermute(&want)
			permute(&got)
			if got != want {
				t.Fatalf("%s(%016x)\n= %016x\nwant %016x", name, in, got, want)
			}
		}
	}
}

// TestGeneratedCodeUpToDate regenerates permute_generic.go and
// permute8_amd64.s and compares.
func TestGeneratedCodeUpToDate(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to run gen.go: %v", err)
	}
	dir := t.TempDir()
	outGo := filepath.Join(dir, "permute_generic.go")
	outAsm := filepath.Join(dir, "permute8_amd64.s")
	cmd := exec.Command(goTool, "run", "gen.go", "gen8.go", "-o", outGo, "-asm8", outAsm)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go gen8.go: %v\n%s", err, msg)
	}
	for _, f := range []struct{ generated, committed string }{
		{outGo, "permute_generic.go"},
		{outAsm, "permute8_amd64.s"},
	} {
		got, err := os.ReadFile(f.generated)
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadFile(f.committed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, have) {
			t.Errorf("%s is stale: run go generate", f.committed)
		}
	}
}

func TestSum256Vectors(t *testing.T) {
	for in, want := range map[string]string{
		"":    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
		"abc": "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
	} {
		if got := keccak.Sum256([]byte(in)); hex.EncodeToString(got[:]) != want {
			t.Errorf("Sum256(%q) = %x, want %s", in, got, want)
		}
	}
	// pattern(n), hashed with x/crypto's NewLegacyKeccak256: lengths
	// around one, two and many blocks.
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{1, "bc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a"},
		{135, "cbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"},
		{136, "7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"},
		{137, "ac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"},
		{271, "27eceb59ebc3dc8a04a5b135be641591a7278540e4556a2ba9f408194e666ec3"},
		{272, "8e2476e65823b24d96ebe239f2c1534cdf763e689e2410c3b1cb0c74e6177bfc"},
		{273, "3f02f134370e4debb95140ef49ddd3aed8c65ff1ed83a43f1b269421f179c5f9"},
		{1000, "af692982e84a5a9688359025660a7857cd28ee7c8d867cfa1677baf2e6d1f63b"},
		{100000, "6471ac9ab04fbc0d56ac61af4d291f678837a91f8e5d581a2a921d242234b6c7"},
	} {
		data := pattern(c.n)
		got := keccak.Sum256(data)
		if hex.EncodeToString(got[:]) != c.want {
			t.Errorf("Sum256(pattern(%d)) = %x, want %s", c.n, got, c.want)
		}
		var h keccak.Hasher
		for p := data; len(p) > 0; {
			k := min(len(p), 1+c.n/7)
			h.Write(p[:k])
			p = p[k:]
		}
		if got := h.Sum256(); hex.EncodeToString(got[:]) != c.want {
			t.Errorf("Hasher over pattern(%d) in sevenths = %x, want %s", c.n, got, c.want)
		}
		if got := refSum256(data); hex.EncodeToString(got[:]) != c.want {
			t.Errorf("reference sponge over pattern(%d) = %x, want %s", c.n, got, c.want)
		}
	}
}

// randomSplit cuts data into up to five parts at random points (parts may
// be empty).
func randomSplit(rng *rand.Rand, data []byte) [][]byte {
	k := rng.IntN(5)
	cuts := make([]int, 0, k+2)
	cuts = append(cuts, 0)
	for range k {
		cuts = append(cuts, rng.IntN(len(data)+1))
	}
	cuts = append(cuts, len(data))
	for i := 1; i < len(cuts); i++ { // sort the few cuts
		for j := i; j > 0 && cuts[j] < cuts[j-1]; j-- {
			cuts[j], cuts[j-1] = cuts[j-1], cuts[j]
		}
	}
	parts := make([][]byte, 0, k+1)
	for i := 1; i < len(cuts); i++ {
		parts = append(parts, data[cuts[i-1]:cuts[i]])
	}
	return parts
}

// TestMatchesXCrypto compares Sum256 and the Hasher, written in random
// pieces, with x/crypto on random inputs of every length up to 700.
func TestMatchesXCrypto(t *testing.T) {
	rng := newRand(t)
	for n := 0; n <= 700; n++ {
		for range 3 {
			data := make([]byte, n)
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			want := slowSum256(data)
			if got := keccak.Sum256(data); got != want {
				t.Fatalf("Sum256(%x) = %x, want %x", data, got, want)
			}
			parts := randomSplit(rng, data)
			var h keccak.Hasher
			for _, p := range parts {
				if k, err := h.Write(p); k != len(p) || err != nil {
					t.Fatalf("Write returned %d, %v for %d bytes", k, err, len(p))
				}
			}
			if got := h.Sum256(); got != want {
				t.Fatalf("Hasher over %d parts of %x = %x, want %x", len(parts), data, got, want)
			}
			if got := h.Sum([]byte("prefix")); !bytes.Equal(got, append([]byte("prefix"), want[:]...)) {
				t.Fatalf("Sum appended %x, want prefix and %x", got, want)
			}
			// Summing does not disturb the hasher, and copies are
			// independent.
			c := h
			extra := []byte{byte(n), 0xee}
			c.Write(extra)
			if got, want := c.Sum256(), slowSum256(data, extra); got != want {
				t.Fatalf("continued copy = %x, want %x", got, want)
			}
			if got := h.Sum256(); got != slowSum256(data) {
				t.Fatalf("original after copy = %x, want %x", got, want)
			}
			h.Reset()
			h.Write(extra)
			if got, want := h.Sum256(), slowSum256(extra); got != want {
				t.Fatalf("after Reset = %x, want %x", got, want)
			}
		}
	}
}

func FuzzSum256MatchesXCrypto(f *testing.F) {
	f.Add([]byte{}, uint16(0), uint16(0))
	f.Add([]byte("abc"), uint16(1), uint16(2))
	f.Add(pattern(135), uint16(135), uint16(135))
	f.Add(pattern(136), uint16(0), uint16(136))
	f.Add(pattern(137), uint16(1), uint16(136))
	f.Add(pattern(272), uint16(100), uint16(236))
	f.Add(pattern(532), uint16(32), uint16(500))
	f.Fuzz(func(t *testing.T, data []byte, cut1, cut2 uint16) {
		if len(data) > 1<<16 {
			return
		}
		want := slowSum256(data)
		if got := keccak.Sum256(data); got != want {
			t.Fatalf("Sum256(%x) = %x, want %x", data, got, want)
		}
		i := min(int(cut1), len(data))
		j := min(max(int(cut2), i), len(data))
		var h keccak.Hasher
		h.Write(data[:i])
		h.Write(data[i:j])
		h.Write(data[j:])
		if got := h.Sum256(); got != want {
			t.Fatalf("Hasher over %x | %x | %x = %x, want %x", data[:i], data[i:j], data[j:], got, want)
		}
	})
}

func TestNoAllocs(t *testing.T) {
	data := pattern(4096)
	for n := 0; n <= len(data); n += 1 + n/3 {
		a := testing.AllocsPerRun(20, func() {
			_ = keccak.Sum256(data[:n])
			var h keccak.Hasher
			h.Write(data[:n/2])
			h.Write(data[n/2 : n])
			_ = h.Sum256()
		})
		if a != 0 {
			t.Fatalf("hashing %d bytes allocates %v times", n, a)
		}
	}
}

var benchSizes = []int{32, 136, 532, 4096}

func BenchmarkSum256(b *testing.B) {
	for _, n := range benchSizes {
		data := pattern(n)
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				keccak.Sum256(data)
			}
		})
	}
}

// BenchmarkSum256XCrypto is the baseline: x/crypto's legacy Keccak-256 at
// its best, one hasher reset and reused, summing into a buffer.
func BenchmarkSum256XCrypto(b *testing.B) {
	for _, n := range benchSizes {
		data := pattern(n)
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			h := sha3.NewLegacyKeccak256()
			var out [32]byte
			for b.Loop() {
				h.Reset()
				h.Write(data)
				h.Sum(out[:0])
			}
		})
	}
}

func BenchmarkPermute(b *testing.B) {
	for name, permute := range keccak.Permutations {
		b.Run("impl="+name, func(b *testing.B) {
			b.ReportAllocs()
			var s [25]uint64
			for b.Loop() {
				permute(&s)
			}
		})
	}
}
