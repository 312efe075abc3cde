package exec

import (
	"bytes"
	"errors"
	"testing"
)

// TestAppendDepositRequest builds the ABI data of a DepositEvent(bytes
// pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes
// index) and checks the 192-byte request taken from it.
func TestAppendDepositRequest(t *testing.T) {
	field := func(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }
	pubkey, creds, amount, sig, index := field(1, 48), field(2, 32), field(3, 8), field(4, 96), field(5, 8)
	word := func(x int) []byte {
		w := make([]byte, 32)
		w[31] = byte(x)
		w[30] = byte(x >> 8)
		return w
	}
	pad := func(b []byte) []byte { return append(b, make([]byte, (32-len(b)%32)%32)...) }
	var data []byte
	// Offsets of the five dynamic values.
	offsets := []int{160, 256, 320, 384, 512}
	for _, o := range offsets {
		data = append(data, word(o)...)
	}
	for _, v := range [][]byte{pubkey, creds, amount, sig, index} {
		data = append(data, word(len(v))...)
		data = append(data, pad(append([]byte(nil), v...))...)
	}
	if len(data) != 576 {
		t.Fatalf("test data is %d bytes", len(data))
	}
	got, err := appendDepositRequest([]byte{DepositRequestType}, data)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte{DepositRequestType}, pubkey...)
	for _, v := range [][]byte{creds, amount, sig, index} {
		want = append(want, v...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("request\n got %x\nwant %x", got, want)
	}
	if _, err := appendDepositRequest(nil, data[:575]); !errors.Is(err, ErrDepositLog) {
		t.Fatalf("short log: %v", err)
	}
}
