package precompile_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/types"
)

func addrs(bs ...uint16) []types.Address {
	out := make([]types.Address, len(bs))
	for i, b := range bs {
		out[i][18], out[i][19] = byte(b>>8), byte(b)
	}
	return out
}

func TestForkSets(t *testing.T) {
	cases := []struct {
		name string
		set  *precompile.Set
		want []types.Address
	}{
		{"Homestead", precompile.Homestead(), addrs(1, 2, 3, 4)},
		{"Byzantium", precompile.Byzantium(), addrs(1, 2, 3, 4, 5, 6, 7, 8)},
		{"Istanbul", precompile.Istanbul(), addrs(1, 2, 3, 4, 5, 6, 7, 8, 9)},
		{"Berlin", precompile.Berlin(), addrs(1, 2, 3, 4, 5, 6, 7, 8, 9)},
		{"Cancun", precompile.Cancun(), addrs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)},
		{"Prague", precompile.Prague(), addrs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)},
		{"Osaka", precompile.Osaka(), addrs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0x100)},
	}
	for _, tc := range cases {
		got := tc.set.Addresses()
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: addresses %v, want %v", tc.name, got, tc.want)
		}
		if !slices.IsSortedFunc(got, func(a, b types.Address) int { return a.Compare(&b) }) {
			t.Errorf("%s: addresses not sorted", tc.name)
		}
		for _, a := range tc.want {
			c, ok := tc.set.Get(a)
			if !ok || c == nil || c.Name() == "" {
				t.Errorf("%s: Get(%v) = %v, %v", tc.name, a, c, ok)
			}
		}
		// Addresses returns a copy: changing it does not change the set.
		got[0] = types.Address{0xff}
		if again := tc.set.Addresses(); again[0] != tc.want[0] {
			t.Errorf("%s: Addresses shares its slice", tc.name)
		}
	}
}

// TestGetMisses probes addresses next to every precompile slot.
func TestGetMisses(t *testing.T) {
	s := precompile.Osaka()
	miss := []types.Address{
		{},               // 0x00
		addrs(0x12)[0],   // just past the BLS block
		addrs(0xff)[0],   //
		addrs(0x101)[0],  // next to P256VERIFY
		addrs(0x0200)[0], //
		addrs(0x1001)[0], // 0x1001: high byte not 0x01
		{0: 1, 19: 1},    // 0x01 with a high byte set
		{17: 1, 19: 1},   // byte 17 set
		{17: 1, 18: 1},   // 0x10100
		types.BytesToAddress([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
	}
	for _, a := range miss {
		if c, ok := s.Get(a); ok || c != nil {
			t.Errorf("Get(%v) = %v, %v; want miss", a, c, ok)
		}
	}
	// A fork without P256VERIFY misses 0x100; one without BLS misses 0x0b.
	if _, ok := precompile.Prague().Get(precompile.AddrP256Verify); ok {
		t.Error("Prague must not have P256VERIFY")
	}
	if _, ok := precompile.Cancun().Get(precompile.AddrBLSG1Add); ok {
		t.Error("Cancun must not have BLS12-381")
	}
	var zero precompile.Set
	if _, ok := zero.Get(precompile.AddrEcrecover); ok || len(zero.Addresses()) != 0 {
		t.Error("the zero Set must be empty")
	}
}

// TestPricingPerFork checks the fork-dependent prices.
func TestPricingPerFork(t *testing.T) {
	get := func(s *precompile.Set, a types.Address) precompile.Contract {
		c, _ := s.Get(a)
		return c
	}
	pair := make([]byte, 192)
	for _, tc := range []struct {
		name string
		got  uint64
		want uint64
	}{
		{"Byzantium BN254 add", get(precompile.Byzantium(), precompile.AddrBN254Add).Gas(nil), 500},
		{"Istanbul BN254 add", get(precompile.Istanbul(), precompile.AddrBN254Add).Gas(nil), 150},
		{"Byzantium BN254 mul", get(precompile.Byzantium(), precompile.AddrBN254Mul).Gas(nil), 40000},
		{"Osaka BN254 mul", get(precompile.Osaka(), precompile.AddrBN254Mul).Gas(nil), 6000},
		{"Byzantium BN254 pairing 1", get(precompile.Byzantium(), precompile.AddrBN254Pairing).Gas(pair), 180000},
		{"Osaka BN254 pairing 1", get(precompile.Osaka(), precompile.AddrBN254Pairing).Gas(pair), 79000},
		{"Berlin modexp empty", get(precompile.Berlin(), precompile.AddrModexp).Gas(nil), 200},
		{"Osaka modexp empty", get(precompile.Osaka(), precompile.AddrModexp).Gas(nil), 500},
		{"Byzantium modexp empty", get(precompile.Byzantium(), precompile.AddrModexp).Gas(nil), 0},
		{"sha256 33 bytes", get(precompile.Osaka(), precompile.AddrSHA256).Gas(make([]byte, 33)), 84},
		{"ripemd160 32 bytes", get(precompile.Osaka(), precompile.AddrRIPEMD160).Gas(make([]byte, 32)), 720},
		{"identity 0 bytes", get(precompile.Osaka(), precompile.AddrIdentity).Gas(nil), 15},
		{"identity 65 bytes", get(precompile.Osaka(), precompile.AddrIdentity).Gas(make([]byte, 65)), 24},
		{"ecrecover", get(precompile.Osaka(), precompile.AddrEcrecover).Gas(nil), 3000},
		{"point evaluation", get(precompile.Osaka(), precompile.AddrPointEval).Gas(nil), 50000},
		{"p256verify", get(precompile.Osaka(), precompile.AddrP256Verify).Gas(nil), 6900},
		{"bls pairing empty", get(precompile.Osaka(), precompile.AddrBLSPairing).Gas(nil), 37700},
		{"bls pairing 2", get(precompile.Osaka(), precompile.AddrBLSPairing).Gas(make([]byte, 768)), 37700 + 2*32600},
		{"bls g1msm empty", get(precompile.Osaka(), precompile.AddrBLSG1MSM).Gas(nil), 0},
		{"bls g1msm 2", get(precompile.Osaka(), precompile.AddrBLSG1MSM).Gas(make([]byte, 320)), 2 * 12000 * 949 / 1000},
		{"bls g1msm 200", get(precompile.Osaka(), precompile.AddrBLSG1MSM).Gas(make([]byte, 200*160)), 200 * 12000 * 519 / 1000},
		{"bls g2msm 2", get(precompile.Osaka(), precompile.AddrBLSG2MSM).Gas(make([]byte, 576)), 2 * 22500 * 1000 / 1000},
		{"bls g2msm 128", get(precompile.Osaka(), precompile.AddrBLSG2MSM).Gas(make([]byte, 128*288)), 128 * 22500 * 524 / 1000},
		{"bls g2msm 129", get(precompile.Osaka(), precompile.AddrBLSG2MSM).Gas(make([]byte, 129*288)), 129 * 22500 * 524 / 1000},
		{"blake2f short", get(precompile.Osaka(), precompile.AddrBlake2F).Gas(make([]byte, 212)), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: gas %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

// TestGetAllocs: the EVM calls Get on every CALL; it must not allocate.
func TestGetAllocs(t *testing.T) {
	s := precompile.Osaka()
	hit, miss, p256 := precompile.AddrModexp, types.Address{1: 2}, precompile.AddrP256Verify
	var sink int
	allocs := testing.AllocsPerRun(1000, func() {
		if c, ok := s.Get(hit); ok && c != nil {
			sink++
		}
		if _, ok := s.Get(miss); ok {
			sink++
		}
		if _, ok := s.Get(p256); ok {
			sink++
		}
	})
	if allocs != 0 {
		t.Fatalf("Get allocates %.1f times per call", allocs)
	}
	if sink != 2*1001 { // AllocsPerRun makes one warm-up call
		t.Fatalf("unexpected hit count %d", sink)
	}
	dst := make([]types.Address, 0, 32)
	if a := testing.AllocsPerRun(100, func() { dst = s.AppendAddresses(dst[:0]) }); a != 0 {
		t.Fatalf("AppendAddresses into a large enough slice allocates %.1f times", a)
	}
}

// TestGasDoesNotAllocate: the EVM prices every precompile call before
// running it; pricing must be free of allocations for any input.
func TestGasDoesNotAllocate(t *testing.T) {
	inputs := [][]byte{nil, make([]byte, 213), make([]byte, 1000), header(max256, max256, max256), header(word(5), word(100), word(7))}
	for _, c := range fuzzTargets {
		for _, in := range inputs {
			if a := testing.AllocsPerRun(50, func() { _ = c.Gas(in) }); a != 0 {
				t.Errorf("%s: Gas(%d bytes) allocates %.1f times", c.Name(), len(in), a)
			}
		}
	}
}

// TestConcurrentUse runs contracts and Warm from several goroutines at once;
// with -race it checks that the sets and the lazily built KZG verification
// key are safe to share.
func TestConcurrentUse(t *testing.T) {
	s := precompile.Osaka()
	type call struct {
		addr types.Address
		in   []byte
	}
	calls := []call{
		{precompile.AddrEcrecover, ecrecoverValid},
		{precompile.AddrModexp, append(header(word(1), word(1), word(1)), 3, 5, 7)},
		{precompile.AddrBN254Add, append(append(word(1), word(2)...), append(word(1), word(2)...)...)},
		{precompile.AddrBlake2F, make([]byte, 213)},
		{precompile.AddrIdentity, []byte("abc")},
		{precompile.AddrPointEval, make([]byte, 192)}, // fails the hash check after no work
	}
	want := make([][]byte, len(calls))
	for i, c := range calls {
		p, _ := s.Get(c.addr)
		want[i], _ = p.Run(c.in)
	}
	done := make(chan error, 4)
	for range 4 {
		go func() {
			if err := precompile.Warm(); err != nil {
				done <- err
				return
			}
			for range 20 {
				for i, c := range calls {
					p, _ := s.Get(c.addr)
					if out, _ := p.Run(c.in); !bytes.Equal(out, want[i]) {
						done <- errors.New(p.Name() + ": result differs between goroutines")
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
