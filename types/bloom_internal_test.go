package types

import "testing"

// TestFrequentBloomBits checks the memoized bloom bits against the hash of
// the same values, and that the values are the ones the comment names.
func TestFrequentBloomBits(t *testing.T) {
	transfer := Keccak256One([]byte("Transfer(address,address,uint256)"))
	if frequentBloom[1].data != string(transfer[:]) {
		t.Fatal("the second frequent value is not the Transfer topic")
	}
	system := MustHexToAddress("0xfffffffffffffffffffffffffffffffffffffffe")
	if frequentBloom[0].data != string(system[:]) {
		t.Fatal("the first frequent value is not the EIP-7708 log address")
	}
	for _, f := range frequentBloom {
		idx, mask := computeBloomBits([]byte(f.data))
		if gi, gm := bloomBits([]byte(f.data)); gi != idx || gm != mask {
			t.Fatalf("memoized bits of %x differ from computed ones", f.data)
		}
	}
	if a := testing.AllocsPerRun(100, func() { _, _ = bloomBits(transfer[:]) }); a != 0 {
		t.Fatalf("bloomBits allocates %v", a)
	}
}
