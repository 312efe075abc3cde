package statetest

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/balexec/balexec/internal/fixture"
	"github.com/balexec/balexec/internal/testdata"
)

// TestGeneralStateTests runs every case of ethereum/tests GeneralStateTests
// for the implemented forks (Shanghai and later) and fails on any case that
// does not pass, naming file, test, fork, index and both roots.
func TestGeneralStateTests(t *testing.T) {
	dir := testdata.Shared(t, "ethereum-tests/GeneralStateTests")
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	// Every fourth file by default, every tenth with -short (the race
	// detector's run in CI), all with BALEXEC_EXHAUSTIVE=1 (CI's
	// exhaustive step).
	step := 4
	if testing.Short() {
		step = 10
	}
	files = testdata.Sample(files, step)
	sum := RunFiles(files, Options{}, nil)
	for _, e := range sum.LoadErrors {
		t.Errorf("load: %v", e)
	}
	for _, f := range sum.Failures {
		rel, _ := filepath.Rel(dir, f.Case.Test.File)
		t.Errorf("%s %s %s[%d]: %v", rel, f.Case.Test.Name, f.Case.Fork, f.Case.Index, f.Err)
	}
	t.Logf("%d files: %d passed, %d failed, %d cases of unimplemented forks not run",
		len(files), sum.Passed, sum.Failed, sum.Unsupported)
	if sum.Passed == 0 {
		t.Fatal("no case ran")
	}
}

// TestEESTStateTests runs the execution-spec-tests state tests of release
// tests-v5.4.0 (Prague and Osaka, and earlier forks down to Shanghai) under
// the rule profile their _info.url names (go-ethereum's): every case passes,
// a rejected transaction for the reason the fixture names; the cases of
// forks before Shanghai are not run.
func TestEESTStateTests(t *testing.T) {
	dir := testdata.Shared(t, "eest/state_tests")
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		// -short (the race-detector run in CI) takes every tenth file, the
		// same sample as testdata.Sample gives everywhere else.
		files = testdata.Sample(files, 10)
	}
	sum := RunFiles(files, Options{}, nil)
	for _, e := range sum.LoadErrors {
		t.Errorf("load: %v", e)
	}
	for _, f := range sum.Failures {
		rel, _ := filepath.Rel(dir, f.Case.Test.File)
		t.Errorf("%s %s %s[%d]: %v", rel, f.Case.Test.Name, f.Case.Fork, f.Case.Index, f.Err)
	}
	t.Logf("%d files: %d passed, %d failed, %d cases of forks before Shanghai not run",
		len(files), sum.Passed, sum.Failed, sum.Unsupported)
	if sum.Passed == 0 || (!testing.Short() && sum.Unsupported == 0) {
		t.Fatal("no case ran, or none of a fork before Shanghai was found")
	}
}

// TestRunDetectsMismatches alters the expectations of a real test and checks
// that each alteration is reported: the runner can fail.
func TestRunDetectsMismatches(t *testing.T) {
	path := testdata.Shared(t, "ethereum-tests/GeneralStateTests/stExample/add11.json")
	load := func() Case {
		tests, err := ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c := tests[0].Cases()
		for _, x := range c {
			if x.Fork == "Cancun" {
				return x
			}
		}
		t.Fatal("no Cancun case")
		return Case{}
	}
	c := load()
	if _, err := Run(c, nil); err != nil {
		t.Fatalf("unaltered case fails: %v", err)
	}
	c = load()
	c.post().Hash[0] ^= 1
	if _, err := Run(c, nil); !errors.Is(err, ErrMismatch) {
		t.Errorf("wrong root: got %v", err)
	}
	c = load()
	c.post().Logs[5] ^= 1
	if _, err := Run(c, nil); !errors.Is(err, ErrMismatch) {
		t.Errorf("wrong logs hash: got %v", err)
	}
	c = load()
	c.post().ExpectException = "TransactionException.INTRINSIC_GAS_TOO_LOW"
	if _, err := Run(c, nil); !errors.Is(err, ErrMissingException) {
		t.Errorf("missing exception: got %v", err)
	}
	c = load()
	c.Test.json.Tx.GasLimit[c.post().Indexes.Gas] = 20000 // below intrinsic gas
	if _, err := Run(c, nil); !errors.Is(err, ErrUnexpectedException) {
		t.Errorf("unexpected exception: got %v", err)
	}
	c = load()
	c.Test.json.Tx.GasLimit[c.post().Indexes.Gas] = 20000
	c.post().ExpectException = "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS"
	if _, err := Run(c, nil); !errors.Is(err, fixture.ErrWrongException) {
		t.Errorf("rejected for another reason: got %v", err)
	}
	c = load()
	c.Fork = "Frontier"
	if _, err := Run(c, nil); !errors.Is(err, ErrUnsupportedFork) {
		t.Errorf("unsupported fork: got %v", err)
	}
}
