package trie

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// Hex-prefix vectors from the Yellow Paper's appendix C examples and the
// compact-encoding examples of the Ethereum wiki.
func TestHexPrefix(t *testing.T) {
	cases := []struct {
		nibbles []byte
		leaf    bool
		hp      string
	}{
		{[]byte{1, 2, 3, 4, 5}, false, "112345"},
		{[]byte{0, 1, 2, 3, 4, 5}, false, "00012345"},
		{[]byte{0, 0xf, 1, 0xc, 0xb, 8}, true, "200f1cb8"},
		{[]byte{0xf, 1, 0xc, 0xb, 8}, true, "3f1cb8"},
		{[]byte{}, true, "20"},
		{[]byte{}, false, "00"},
		{[]byte{7}, false, "17"},
		{[]byte{7}, true, "37"},
	}
	for _, c := range cases {
		want, _ := hex.DecodeString(c.hp)
		enc := appendHPKey(nil, c.nibbles, c.leaf)
		// appendHPKey writes the RLP string; strip its header.
		if len(want) > 1 {
			if enc[0] != 0x80+byte(len(want)) {
				t.Fatalf("%x: header %x", c.nibbles, enc[0])
			}
			enc = enc[1:]
		}
		if !bytes.Equal(enc, want) {
			t.Errorf("HP(%x, leaf=%v) = %x, want %x", c.nibbles, c.leaf, enc, want)
		}
		if got := hpKeySize(len(c.nibbles)); got != len(appendHPKey(nil, c.nibbles, c.leaf)) {
			t.Errorf("hpKeySize(%d) = %d", len(c.nibbles), got)
		}
		key, leaf, err := decodeHP(want)
		if err != nil || leaf != c.leaf || !bytes.Equal(key, c.nibbles) {
			t.Errorf("decodeHP(%x) = %x %v %v", want, key, leaf, err)
		}
	}
	for _, bad := range []string{"", "40", "01", "21", "ff"} {
		b, _ := hex.DecodeString(bad)
		if _, _, err := decodeHP(b); !errors.Is(err, ErrInvalidNode) {
			t.Errorf("decodeHP(%s): err = %v, want ErrInvalidNode", bad, err)
		}
	}
}

// Long keys need a long-form RLP string header.
func TestHPKeySizeLong(t *testing.T) {
	for n := 0; n < 300; n++ {
		key := make([]byte, n)
		for _, leaf := range []bool{false, true} {
			if got, want := hpKeySize(n), len(appendHPKey(nil, key, leaf)); got != want {
				t.Fatalf("n=%d: size %d, encoding %d", n, got, want)
			}
		}
	}
}
