package exec

import (
	"bytes"
	"os"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/internal/testdata"
)

func readRepo(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readGenesis(t testing.TB, rel string) *chainspec.Genesis {
	t.Helper()
	g, err := chainspec.ReadGenesis(bytes.NewReader(readRepo(t, rel)))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func u64p(v uint64) *uint64 { return &v }
