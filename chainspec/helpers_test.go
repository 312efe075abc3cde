package chainspec

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
)

func readRepo(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// genesisConfig returns the raw "config" member of a genesis file.
func genesisConfig(t testing.TB, rel string) []byte {
	t.Helper()
	var g struct {
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(readRepo(t, rel), &g); err != nil {
		t.Fatal(err)
	}
	return g.Config
}

func hiveConfig(t testing.TB) *Config {
	t.Helper()
	cfg, err := ParseConfig(genesisConfig(t, "hivechain-amsterdam/genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func u64p(v uint64) *uint64 { return &v }

// hiveGenesisHash returns the parent hash of the hive chain's block 1: the
// hash of its genesis block.
func hiveGenesisHash(t testing.TB) types.Hash {
	t.Helper()
	chain := readRepo(t, "hivechain-amsterdam/chain.rlp")
	_, _, rest, err := rlp.Split(chain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := types.DecodeBlock(chain[:len(chain)-len(rest)])
	if err != nil {
		t.Fatal(err)
	}
	return b.Header.ParentHash
}
