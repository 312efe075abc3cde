package bal_test

import (
	"bytes"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/holiman/uint256"
)

// FuzzDecode: Decode never panics, and whatever it accepts re-encodes to the
// same bytes; Validate and a Lookup over it do not panic either.
func FuzzDecode(f *testing.F) {
	for _, p := range loadPayloads(f)[:8] {
		f.Add(p.raw)
	}
	f.Add(largestPayload(f).raw)
	f.Add(validList().EncodeRLP())
	for _, ex := range gethExamples {
		f.Add(hexBytes(f, ex.enc))
	}
	f.Add([]byte{0xc0})
	f.Add([]byte{0xc1, 0xc0})
	f.Add(hexBytes(f, lst(lst("94"+"11111111111111111111111111111111111111ff", lst(lst("80", lst(lst("01", "02")))), lst("05"), lst(lst("01", "8201ff")), lst(lst("01", "01")), lst(lst("01", "6000"))))))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := bal.Decode(data)
		if err != nil {
			return
		}
		if enc := l.EncodeRLP(); !bytes.Equal(enc, data) {
			t.Fatalf("accepted %x but re-encodes as %x", data, enc)
		}
		_ = l.Validate(1<<40, 4)
		lk := bal.NewLookup(l)
		slot := uint256.Int{}
		for i := range l.Accounts {
			a := l.Accounts[i].Address
			for k := range uint32(6) {
				lk.Account(a, k)
				lk.Storage(a, &slot, k)
			}
			lk.FinalAt(i)
		}
	})
}

// FuzzBuilder: any sequence of fragment operations and merges builds the
// same list as the map-based reference model, and that list validates and
// round-trips.
func FuzzBuilder(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{0, 0, 6, 0}, uint8(0))
	f.Add([]byte{1, 0, 3, 2, 0, 3, 5, 7, 6, 0, 1, 1, 0, 3, 6, 1, 4, 0, 9, 1, 6, 0}, uint8(3))
	f.Add([]byte{2, 1, 0x81, 9, 9, 3, 2, 1, 1, 5, 4, 7, 0xff, 20, 7, 1, 2, 1, 0x81, 8, 8, 7, 1}, uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, txCount uint8) {
		if len(data) > 4096 {
			return
		}
		checkDriver(t, data, txCount)
	})
}
