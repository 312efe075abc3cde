package blocktest

import (
	"path/filepath"
	"testing"

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
			sum := RunFiles(files, nil)
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
