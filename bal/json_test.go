package bal_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/balexec/balexec/bal"
)

// TestJSONRoundTripRealLists writes every real hive BAL in the
// execution-spec-tests JSON form, reads it back and checks the RLP and the
// hash are unchanged.
func TestJSONRoundTripRealLists(t *testing.T) {
	for _, p := range loadPayloads(t) {
		l := mustDecode(t, p.raw)
		js, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back bal.BlockAccessList
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("block %d: %v", p.number, err)
		}
		if enc := back.EncodeRLP(); !bytes.Equal(enc, p.raw) {
			t.Fatalf("block %d: JSON round trip changed the list", p.number)
		}
	}
}

func TestJSONForm(t *testing.T) {
	in := `[{"address":"0x00000000000000000000000000000000000000aa",
	  "nonceChanges":[{"blockAccessIndex":"0x1","postNonce":"0x2"}],
	  "balanceChanges":[{"blockAccessIndex":"0x1","postBalance":"0x3e8"}],
	  "codeChanges":[{"blockAccessIndex":"0x1","newCode":"0x6000"}],
	  "storageChanges":[{"slot":"0x0000000000000000000000000000000000000000000000000000000000000001",
	    "slotChanges":[{"blockAccessIndex":"0x1","postValue":"0x5"}]}],
	  "storageReads":["0x2", "3"]}]`
	var l bal.BlockAccessList
	if err := json.Unmarshal([]byte(in), &l); err != nil {
		t.Fatal(err)
	}
	if err := l.Validate(30_000_000, 1); err != nil {
		t.Fatal(err)
	}
	a := l.Accounts[0]
	if a.NonceChanges[0].Nonce != 2 || a.BalanceChanges[0].Balance.Uint64() != 1000 || !bytes.Equal(a.CodeChanges[0].Code, []byte{0x60, 0x00}) ||
		a.StorageChanges[0].Slot.Uint64() != 1 || a.StorageChanges[0].Writes[0].Value.Uint64() != 5 || a.StorageReads[1].Uint64() != 3 {
		t.Fatalf("decoded %+v", a)
	}
	out, err := json.Marshal(&l)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"slot":"0x1"`)) || !bytes.Contains(out, []byte(`"postBalance":"0x3e8"`)) {
		t.Fatalf("encoded %s", out)
	}
	for _, bad := range []string{
		`[{"address":"0x00","nonceChanges":[]}]`,
		`[{"address":"0x00000000000000000000000000000000000000aa","nonceChanges":[{"blockAccessIndex":"0x100000000","postNonce":"0x1"}]}]`,
		`[{"address":"0x00000000000000000000000000000000000000aa","storageReads":["0x1g"]}]`,
		`{}`,
	} {
		if err := json.Unmarshal([]byte(bad), &l); err == nil || (bad != `{}` && !errors.Is(err, bal.ErrMalformed)) {
			t.Errorf("accepted %s", bad)
		}
	}
}

// TestJSONQuantities pins the spellings the fixture JSON accepts for a
// 64-bit quantity (a nonce) and a 256-bit one (a storage read).
func TestJSONQuantities(t *testing.T) {
	const addr = `"address":"0x00000000000000000000000000000000000000aa"`
	read := func(nonce, slot string) (uint64, uint64, error) {
		in := `[{` + addr + `,"nonceChanges":[{"blockAccessIndex":"0x1","postNonce":` + nonce + `}],"storageReads":[` + slot + `]}]`
		var l bal.BlockAccessList
		if err := json.Unmarshal([]byte(in), &l); err != nil {
			return 0, 0, err
		}
		a := l.Accounts[0]
		return a.NonceChanges[0].Nonce, a.StorageReads[0].Uint64(), nil
	}
	for _, tc := range []struct {
		in          string
		u64, u256   uint64
		ok64, ok256 bool
	}{
		{`"0x10"`, 16, 16, true, true},
		{`"0x0010"`, 16, 16, true, true}, // leading zeros
		{`"0xAb"`, 171, 171, true, true},
		{`"16"`, 16, 16, true, true}, // decimal
		{`"016"`, 16, 16, true, true},
		{`16`, 16, 16, true, true},  // JSON integer
		{`"0x"`, 0, 0, false, true}, // zero at 256 bits only
		{`"0X10"`, 0, 0, false, false},
		{`""`, 0, 0, false, false},
		{`null`, 0, 0, false, false},
		{`"+16"`, 0, 0, false, false},
		{`"-1"`, 0, 0, false, false},
		{`1e3`, 0, 0, false, false},
		{`"0x10000000000000000"`, 0, 0, false, true}, // 2^64: too big for a nonce only
		{`"18446744073709551615"`, 1<<64 - 1, 1<<64 - 1, true, true},
	} {
		n, _, err := read(tc.in, `"0x1"`)
		if (err == nil) != tc.ok64 || (err == nil && n != tc.u64) {
			t.Errorf("nonce %s: %d %v, want %d (ok %v)", tc.in, n, err, tc.u64, tc.ok64)
		}
		if err != nil && !errors.Is(err, bal.ErrMalformed) {
			t.Errorf("nonce %s: %v without ErrMalformed", tc.in, err)
		}
		_, s, err := read(`"0x1"`, tc.in)
		if (err == nil) != tc.ok256 || (err == nil && tc.in != `"0x10000000000000000"` && s != tc.u256) {
			t.Errorf("slot %s: %d %v, want %d (ok %v)", tc.in, s, err, tc.u256, tc.ok256)
		}
	}
}
