// Package testdata locates the test vectors that balexec's tests read.
//
// Two sources exist. The repository's own testdata/ folder holds the small
// sets that unit tests always need (the hive Amsterdam chain, the RLP and trie
// tests, genesis files); its provenance is in testdata/PROVENANCE.md. The
// larger shared sets (ethereum/tests state and blockchain tests, precompile
// vectors, mainnet blocks) are read from the folder named by the
// BALEXEC_TESTDATA environment variable, by default ../shared/testdata next
// to the repository root.
//
// A test that needs shared data it cannot find skips with a message naming
// the missing path, unless BALEXEC_REQUIRE_TESTDATA is set (as CI sets it),
// in which case it fails.
package testdata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/balexec/balexec/types"
)

// The hive Amsterdam chain in testdata/hivechain-amsterdam (go-ethereum's,
// see PROVENANCE.md): the hash of its head, block 600 (headblock.json), and
// that block's state root, which headstate.json's dump also carries.
var (
	HiveHeadHash = types.MustHexToHash("0x9d78f73579811aa17b112188ce020cda4362b0d57a4a339a0c3911c4ace7220c")
	HiveHeadRoot = types.MustHexToHash("0x7714335f0d11ff7d9c447b48a5c8071bdead229c9b6a00f9a87ef663d1f5996c")
)

// EnvDir names the shared test-data folder; EnvRequire makes missing shared
// data a test failure instead of a skip.
const (
	EnvDir     = "BALEXEC_TESTDATA"
	EnvRequire = "BALEXEC_REQUIRE_TESTDATA"
	// EnvExhaustive, set to 1, makes the suites that take minutes run
	// every case; set to "rest", only the cases their default sample skips
	// (CI runs the sample in its test step and the rest in a step of its
	// own, so that every case runs once). By default they run a fixed
	// sample, so that `go test ./...` takes about two minutes.
	EnvExhaustive = "BALEXEC_EXHAUSTIVE"
)

// Exhaustive reports whether the long suites must run every case
// (BALEXEC_EXHAUSTIVE=1).
func Exhaustive() bool { return os.Getenv(EnvExhaustive) == "1" }

// Sample returns every step-th of files (the first, then every step-th
// after it); all of them when Exhaustive; and the others, those the sample
// leaves out, with BALEXEC_EXHAUSTIVE=rest. The sample is fixed, so a
// failure in it reproduces.
func Sample(files []string, step int) []string {
	if Exhaustive() || step <= 1 {
		return files
	}
	rest := os.Getenv(EnvExhaustive) == "rest"
	var out []string
	for i := range files {
		if (i%step == 0) != rest {
			out = append(out, files[i])
		}
	}
	return out
}

// RepoRoot returns the module root: the nearest parent of the working
// directory that holds go.mod with the balexec module.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && isRoot(b) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testdata: module root of github.com/balexec/balexec not found")
		}
		dir = parent
	}
}

func isRoot(gomod []byte) bool {
	const want = "module github.com/balexec/balexec\n"
	return len(gomod) >= len(want) && string(gomod[:len(want)]) == want
}

// SharedDir returns the shared test-data folder: $BALEXEC_TESTDATA, or
// ../shared/testdata relative to the module root.
func SharedDir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "testdata"), nil
}

// Shared returns the path of rel inside the shared test-data folder. If it
// does not exist the test is skipped, or fails when BALEXEC_REQUIRE_TESTDATA
// is set.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	dir, err := SharedDir()
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv(EnvRequire) != "" {
			tb.Fatalf("shared test data %s is missing (set %s to its folder): %v", rel, EnvDir, err)
		}
		tb.Skipf("shared test data %s not found (set %s to the shared testdata folder)", rel, EnvDir)
	}
	return p
}

// Repo returns the path of rel inside the repository's own testdata folder;
// the test fails if it is absent, since these files are committed.
func Repo(tb testing.TB, rel string) string {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(root, "testdata", rel)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("repository test data %s is missing: %v", rel, err)
	}
	return p
}
