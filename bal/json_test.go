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
