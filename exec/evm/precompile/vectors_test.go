package precompile_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balexec/balexec/exec/evm/precompile"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
)

// vector is a success case of the shared precompile files.
type vector struct {
	Input, Expected string
	Gas             uint64
	Name            string
	NoBenchmark     bool
}

// failVector is a case of a fail-*.json file.
type failVector struct {
	Input, ExpectedError, Name string
}

// vectorFile maps one shared file to the contract (and so the fork pricing)
// it tests.
type vectorFile struct {
	file string
	set  func() *precompile.Set
	addr types.Address
}

// vectorFiles lists every file of the shared precompiles folder. modexp.json
// is priced by EIP-198 (Byzantium to Istanbul), modexp_eip2565.json by
// EIP-2565 (Berlin to Prague), modexp_eip7883.json by EIP-7883 (Osaka on).
// The BN254 vectors use the EIP-1108 (Istanbul) prices. The G1Mul and G2Mul
// files exercise the MSM contracts with one pair.
var vectorFiles = []vectorFile{
	{"ecRecover.json", precompile.Osaka, precompile.AddrEcrecover},
	{"modexp.json", precompile.Byzantium, precompile.AddrModexp},
	{"modexp_eip2565.json", precompile.Berlin, precompile.AddrModexp},
	{"modexp_eip7883.json", precompile.Osaka, precompile.AddrModexp},
	{"bn256Add.json", precompile.Istanbul, precompile.AddrBN254Add},
	{"bn256ScalarMul.json", precompile.Istanbul, precompile.AddrBN254Mul},
	{"bn256Pairing.json", precompile.Istanbul, precompile.AddrBN254Pairing},
	{"blake2F.json", precompile.Istanbul, precompile.AddrBlake2F},
	{"fail-blake2f.json", precompile.Istanbul, precompile.AddrBlake2F},
	{"pointEvaluation.json", precompile.Cancun, precompile.AddrPointEval},
	{"blsG1Add.json", precompile.Prague, precompile.AddrBLSG1Add},
	{"blsG1Mul.json", precompile.Prague, precompile.AddrBLSG1MSM},
	{"blsG1MultiExp.json", precompile.Prague, precompile.AddrBLSG1MSM},
	{"blsG2Add.json", precompile.Prague, precompile.AddrBLSG2Add},
	{"blsG2Mul.json", precompile.Prague, precompile.AddrBLSG2MSM},
	{"blsG2MultiExp.json", precompile.Prague, precompile.AddrBLSG2MSM},
	{"blsPairing.json", precompile.Prague, precompile.AddrBLSPairing},
	{"blsMapG1.json", precompile.Prague, precompile.AddrBLSMapFpToG1},
	{"blsMapG2.json", precompile.Prague, precompile.AddrBLSMapFp2ToG2},
	{"fail-blsG1Add.json", precompile.Prague, precompile.AddrBLSG1Add},
	{"fail-blsG1Mul.json", precompile.Prague, precompile.AddrBLSG1MSM},
	{"fail-blsG1MultiExp.json", precompile.Prague, precompile.AddrBLSG1MSM},
	{"fail-blsG2Add.json", precompile.Prague, precompile.AddrBLSG2Add},
	{"fail-blsG2Mul.json", precompile.Prague, precompile.AddrBLSG2MSM},
	{"fail-blsG2MultiExp.json", precompile.Prague, precompile.AddrBLSG2MSM},
	{"fail-blsPairing.json", precompile.Prague, precompile.AddrBLSPairing},
	{"fail-blsMapG1.json", precompile.Prague, precompile.AddrBLSMapFpToG1},
	{"fail-blsMapG2.json", precompile.Prague, precompile.AddrBLSMapFp2ToG2},
	{"p256Verify.json", precompile.Osaka, precompile.AddrP256Verify},
}

func contractFor(tb testing.TB, vf vectorFile) precompile.Contract {
	tb.Helper()
	c, ok := vf.set().Get(vf.addr)
	if !ok {
		tb.Fatalf("%s: no contract at %v", vf.file, vf.addr)
	}
	return c
}

func decodeHex(tb testing.TB, file, name, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		tb.Fatalf("%s: case %q: bad hex: %v", file, name, err)
	}
	return b
}

func readJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

// TestSharedVectors runs every case of every file in the shared precompiles
// folder, and fails if the folder holds a file the table does not map.
func TestSharedVectors(t *testing.T) {
	dir := testdata.Shared(t, "precompiles")
	if err := precompile.Warm(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	mapped := make(map[string]bool)
	for _, vf := range vectorFiles {
		mapped[vf.file] = true
	}
	seen := 0
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".json" {
			continue
		}
		seen++
		if !mapped[e.Name()] {
			t.Errorf("shared file %s is not mapped to a contract", e.Name())
		}
	}
	if seen != len(vectorFiles) {
		t.Errorf("shared folder has %d json files, table maps %d", seen, len(vectorFiles))
	}
	for _, vf := range vectorFiles {
		t.Run(strings.TrimSuffix(vf.file, ".json"), func(t *testing.T) {
			path := filepath.Join(dir, vf.file)
			c := contractFor(t, vf)
			var pass, total int
			if strings.HasPrefix(vf.file, "fail-") {
				var cases []failVector
				readJSON(t, path, &cases)
				for _, tc := range cases {
					total++
					if runFailCase(t, vf.file, c, tc) {
						pass++
					}
				}
			} else {
				var cases []vector
				readJSON(t, path, &cases)
				for _, tc := range cases {
					total++
					if runCase(t, vf.file, c, tc) {
						pass++
					}
				}
			}
			if total == 0 {
				t.Fatalf("%s: no cases", vf.file)
			}
			t.Logf("%s: %d/%d cases pass (%s)", vf.file, pass, total, c.Name())
		})
	}
}

func runCase(t *testing.T, file string, c precompile.Contract, tc vector) bool {
	t.Helper()
	in := decodeHex(t, file, tc.Name, tc.Input)
	want := decodeHex(t, file, tc.Name, tc.Expected)
	orig := bytes.Clone(in)
	ok := true
	if gas := c.Gas(in); gas != tc.Gas {
		t.Errorf("%s: case %q: gas %d, want %d", file, tc.Name, gas, tc.Gas)
		ok = false
	}
	out, err := c.Run(in)
	if err != nil {
		t.Errorf("%s: case %q: unexpected error %v", file, tc.Name, err)
		return false
	}
	if !bytes.Equal(out, want) {
		t.Errorf("%s: case %q: output\n  %x\nwant\n  %x", file, tc.Name, out, want)
		ok = false
	}
	if !bytes.Equal(in, orig) {
		t.Errorf("%s: case %q: Run modified its input", file, tc.Name)
		ok = false
	}
	// The output is the caller's: scribbling on it must not change the next
	// result (no shared result buffers).
	for i := range out {
		out[i] ^= 0xff
	}
	if again, _ := c.Run(in); !bytes.Equal(again, want) {
		t.Errorf("%s: case %q: output buffer is shared between calls", file, tc.Name)
		ok = false
	}
	return ok
}

func runFailCase(t *testing.T, file string, c precompile.Contract, tc failVector) bool {
	t.Helper()
	in := decodeHex(t, file, tc.Name, tc.Input)
	_ = c.Gas(in) // must not panic
	out, err := c.Run(in)
	if err == nil {
		t.Errorf("%s: case %q: no error (output %x), want %q", file, tc.Name, out, tc.ExpectedError)
		return false
	}
	if err.Error() != tc.ExpectedError {
		t.Errorf("%s: case %q: error %q, want %q", file, tc.Name, err, tc.ExpectedError)
		return false
	}
	return true
}
