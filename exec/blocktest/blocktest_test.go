package blocktest

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/internal/fixture"
	"github.com/balexec/balexec/internal/testdata"
)

// TestBlockchainTests runs every ethereum/tests blockchain test, valid and
// invalid blocks, and fails on any test that does not pass.
func TestBlockchainTests(t *testing.T) {
	for _, sub := range []string{"ValidBlocks", "InvalidBlocks"} {
		t.Run(sub, func(t *testing.T) {
			dir := testdata.Shared(t, filepath.Join("ethereum-tests/BlockchainTests", sub))
			files, err := Files([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			sum := RunFiles(files, Options{}, nil)
			for _, e := range sum.LoadErrors {
				t.Errorf("load: %v", e)
			}
			for _, f := range sum.Failures {
				rel, _ := filepath.Rel(dir, f.Test.File)
				t.Errorf("%s %s: %v", rel, f.Test.Name, f.Err)
			}
			t.Logf("%s: %d files, %d passed, %d failed", sub, len(files), sum.Passed, sum.Failed)
			if sum.Passed == 0 {
				t.Fatal("no test ran")
			}
		})
	}
}

// runEEST runs every test under dir with opts and fails on any failure.
// With -short (the race-detector run in CI) it takes every tenth file
// unless all is set.
func runEEST(t *testing.T, dir string, opts Options, all bool) Summary {
	t.Helper()
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() && !all {
		var some []string
		for i := 0; i < len(files); i += 10 {
			some = append(some, files[i])
		}
		files = some
	}
	sum := RunFiles(files, opts, nil)
	for _, e := range sum.LoadErrors {
		t.Errorf("load: %v", e)
	}
	for _, f := range sum.Failures {
		rel, _ := filepath.Rel(dir, f.Test.File)
		t.Errorf("%s %s: %v", rel, f.Test.Name, f.Err)
	}
	t.Logf("%d files: %d passed, %d failed, %d of forks before Shanghai not run; parallel executor: %+v",
		len(files), sum.Passed, sum.Failed, sum.NotRun, sum.Parallel)
	if sum.Passed == 0 {
		t.Fatal("no test ran")
	}
	return sum
}

// TestEESTBlockchainTests runs the execution-spec-tests blockchain tests of
// release tests-v5.4.0 (Prague and Osaka, go-ethereum's rules): every test
// passes, with its invalid blocks rejected for the reason the fixture
// names, except those of networks before Shanghai, which are not run.
func TestEESTBlockchainTests(t *testing.T) {
	sum := runEEST(t, testdata.Shared(t, "eest/blockchain_tests"), Options{}, false)
	if !testing.Short() && sum.NotRun == 0 {
		t.Error("no test of a fork before Shanghai reported as not run")
	}
}

// TestEESTDevnet runs the EIP-7928 module of release tests-bal@v5.7.0 under
// the rule profile its _info.url names: all 600 tests (618 blocks) pass,
// sequentially and with every block that carries its list on the parallel
// executor, which must accept each valid block from its own run (an
// invalid block's speculative failure goes to the sequential verdict).
// With -short only the parallel run is made.
func TestEESTDevnet(t *testing.T) {
	dir := testdata.Shared(t, "eest/blockchain_tests_devnet")
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	withList := 0
	for _, f := range files {
		tests, err := ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			blocks, err := tt.ValidBlocks()
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range blocks {
				if b.AccessList != nil {
					withList++
				}
			}
		}
	}
	for _, workers := range []int{0, 2} {
		if testing.Short() && workers == 0 {
			continue
		}
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			sum := runEEST(t, dir, Options{ParallelWorkers: workers}, true)
			if sum.Passed != 600 {
				t.Errorf("%d tests passed, the release has 600", sum.Passed)
			}
			if workers > 0 && sum.Parallel.Parallel != withList {
				t.Errorf("parallel executor: %+v, want its own run accepted for the %d valid blocks with a list", sum.Parallel, withList)
			}
		})
	}
}

// TestEESTDevnetNeedsItsProfile: under go-ethereum's rules the same
// fixtures fail (the builder request contracts of EIP-8282 are missing from
// their pre-state, and gas differs), so the profile is what makes them pass.
func TestEESTDevnetNeedsItsProfile(t *testing.T) {
	dir := testdata.Shared(t, "eest/blockchain_tests_devnet/for_amsterdam/amsterdam/eip7928_block_level_access_lists/block_access_lists")
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	geth := chainspec.ProfileGeth
	sum := RunFiles(files, Options{Profile: &geth}, nil)
	if sum.Failed == 0 || sum.Failed < sum.Passed {
		t.Errorf("under go-ethereum's rules %d passed, %d failed", sum.Passed, sum.Failed)
	}
	for _, f := range sum.Failures {
		if !errors.Is(f.Err, ErrRejected) && !errors.Is(f.Err, fixture.ErrWrongException) {
			t.Errorf("%s: %v", f.Test.Name, f.Err)
		}
	}
}
