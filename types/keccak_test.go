package types_test

import (
	"bytes"
	"encoding/hex"
	"testing"

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
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	var buf [64]byte
	n := testing.AllocsPerRun(100, func() {
		_ = Keccak256One(buf[:])
		_ = Keccak256(buf[:20], buf[20:])
	})
	if n != 0 {
		t.Fatalf("Keccak256 allocates %v times", n)
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
