package precompile_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/crypto/blake2b"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
)

// fuzzGasBudget is the most gas a fuzzed call may carry; inputs priced above
// it are only priced (as the EVM would fail them for lack of gas). One
// million gas bounds every contract's run time to tens of milliseconds.
const fuzzGasBudget = 1_000_000

// fuzzTargets are every Osaka contract plus the older pricing variants that
// differ in code paths (MODEXP without the EIP-7823 cap).
var fuzzTargets = func() []precompile.Contract {
	var cs []precompile.Contract
	for _, a := range precompile.Osaka().Addresses() {
		c, _ := precompile.Osaka().Get(a)
		cs = append(cs, c)
	}
	return append(cs, precompile.ModexpByzantium, precompile.ModexpBerlin)
}()

// outputLen returns the length a successful Run must produce, or -1 when it
// depends on the input in a way checked elsewhere.
func outputLen(c precompile.Contract, in []byte) []int {
	switch c.Name() {
	case "ECREC", "P256VERIFY":
		return []int{0, 32}
	case "SHA256", "RIPEMD160", "BN254_PAIRING", "BLS12_PAIRING_CHECK":
		return []int{32}
	case "ID":
		return []int{len(in)}
	case "BN254_ADD", "BN254_MUL", "BLAKE2F", "KZG_POINT_EVALUATION":
		return []int{64}
	case "BLS12_G1ADD", "BLS12_G1MSM", "BLS12_MAP_FP_TO_G1":
		return []int{128}
	case "BLS12_G2ADD", "BLS12_G2MSM", "BLS12_MAP_FP2_TO_G2":
		return []int{256}
	}
	return nil
}

func overlaps(a, b []byte) bool {
	if cap(a) == 0 || cap(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(cap(b)) && b0 < a0+uintptr(cap(a))
}

// addSharedSeeds adds a few inputs from each shared vector file, when the
// shared folder is present (fuzzing must not depend on it).
func addSharedSeeds(f *testing.F) {
	dir, err := testdata.SharedDir()
	if err != nil {
		return
	}
	for _, vf := range vectorFiles {
		b, err := os.ReadFile(filepath.Join(dir, "precompiles", vf.file))
		if err != nil {
			return
		}
		var cases []struct{ Input string }
		if json.Unmarshal(b, &cases) != nil {
			continue
		}
		sel := selectorOf(contractFor(f, vf))
		for i := 0; i < len(cases) && i < 3; i++ {
			f.Add(sel, mustHex(strings.TrimPrefix(cases[i].Input, "0x")))
		}
	}
}

func selectorOf(c precompile.Contract) uint8 {
	for i, t := range fuzzTargets {
		if t == c {
			return uint8(i)
		}
	}
	return 0
}

// FuzzContracts feeds arbitrary input to every contract: Gas never panics,
// Run never panics or hangs within the gas budget, leaves its input alone,
// returns an output it does not share, is deterministic, and produces the
// contract's output length.
func FuzzContracts(f *testing.F) {
	for i := range fuzzTargets {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), make([]byte, 32))
	}
	f.Add(selectorOf(osaka(precompile.AddrEcrecover)), ecrecoverValid)
	f.Add(selectorOf(osaka(precompile.AddrModexp)), header(max256, max256, max256))
	f.Add(selectorOf(precompile.ModexpBerlin), header(word(0), max256, word(0)))
	f.Add(selectorOf(precompile.ModexpBerlin), append(header(word(1), word(4000), word(1)), 3, 0xff, 0x07))
	f.Add(selectorOf(osaka(precompile.AddrBN254Mul)), append(append(word(1), word(2)...), max256...))
	f.Add(selectorOf(osaka(precompile.AddrBlake2F)), make([]byte, 213))
	addSharedSeeds(f)
	if err := precompile.Warm(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sel uint8, input []byte) {
		c := fuzzTargets[int(sel)%len(fuzzTargets)]
		gas := c.Gas(input)
		if gas != c.Gas(input) {
			t.Fatalf("%s: Gas is not deterministic", c.Name())
		}
		if gas > fuzzGasBudget {
			return
		}
		orig := bytes.Clone(input)
		out, err := c.Run(input)
		if !bytes.Equal(input, orig) {
			t.Fatalf("%s: Run modified its input", c.Name())
		}
		if overlaps(out, input) {
			t.Fatalf("%s: output aliases input", c.Name())
		}
		again, err2 := c.Run(input)
		if !bytes.Equal(out, again) || (err == nil) != (err2 == nil) {
			t.Fatalf("%s: Run is not deterministic", c.Name())
		}
		if err != nil {
			if out != nil {
				t.Fatalf("%s: output %x alongside error %v", c.Name(), out, err)
			}
			return
		}
		if want := outputLen(c, input); want != nil {
			ok := false
			for _, n := range want {
				ok = ok || len(out) == n
			}
			if !ok {
				t.Fatalf("%s: output length %d, want one of %v", c.Name(), len(out), want)
			}
		}
	})
}

// FuzzModexpModel compares MODEXP (all three pricings) with the naive model,
// for both gas and output, over small declared lengths and short inputs.
func FuzzModexpModel(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(1), []byte{3, 5, 7})
	f.Add(uint8(0), uint8(200), uint8(3), []byte{})
	f.Add(uint8(33), uint8(40), uint8(33), bytes.Repeat([]byte{0xff}, 106))
	f.Add(uint8(2), uint8(70), uint8(2), []byte{1, 0, 0x80})
	f.Add(uint8(1), uint8(0), uint8(1), []byte{1, 1})
	f.Fuzz(func(t *testing.T, bl, el, ml uint8, ops []byte) {
		checkModexpAgainstModel(t, modexpInput(uint64(bl), uint64(el), uint64(ml), ops))
	})
}

// FuzzBlake2b checks the compression function against x/crypto/blake2b.
func FuzzBlake2b(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{1}, 128))
	f.Add(bytes.Repeat([]byte{2}, 129))
	f.Fuzz(func(t *testing.T, msg []byte) {
		if got, want := blake2bSum512ViaF(msg), blake2b.Sum512(msg); got != want {
			t.Fatalf("len %d: %x, want %x", len(msg), got, want)
		}
	})
}

// FuzzSetGet checks Get against a plain map of the Osaka addresses.
func FuzzSetGet(f *testing.F) {
	f.Add([]byte{0x01})
	f.Add([]byte{0x01, 0x00})
	f.Add([]byte{0x12})
	f.Add(bytes.Repeat([]byte{0xff}, 20))
	want := make(map[types.Address]bool)
	for _, a := range precompile.Osaka().Addresses() {
		want[a] = true
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a := types.BytesToAddress(b)
		if _, ok := precompile.Osaka().Get(a); ok != want[a] {
			t.Fatalf("Get(%v) = %v, want %v", a, ok, want[a])
		}
	})
}
