package types_test

import (
	"fmt"
	"testing"

	"github.com/balexec/balexec/types"
)

// TestHashAddressFormat: %x prints the bytes, not the hex of the String
// form; %s, %v and %q the 0x form; pointers print like values.
func TestHashAddressFormat(t *testing.T) {
	h := types.Hash{0xab, 31: 0x01}
	a := types.Address{0xcd, 19: 0x02}
	cases := []struct{ got, want string }{
		{fmt.Sprintf("%x", h), "ab00000000000000000000000000000000000000000000000000000000000001"},
		{fmt.Sprintf("%#x", a), "0xcd00000000000000000000000000000000000002"},
		{fmt.Sprintf("%X", a), "CD00000000000000000000000000000000000002"},
		{fmt.Sprintf("%s", a), "0xcd00000000000000000000000000000000000002"},
		{fmt.Sprintf("%v", h), h.Hex()},
		{fmt.Sprintf("%v", &h), h.Hex()},
		{fmt.Sprintf("%q", a), `"0xcd00000000000000000000000000000000000002"`},
		{fmt.Sprint(a), a.Hex()},
		{fmt.Sprintf("%d", a), "%!d(0xcd00000000000000000000000000000000000002)"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}
