package gethpeer

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec/blocktest"
)

// seedSet is the fixed set CI runs for fork f: dense short chains, and one
// long sparse chain so that BLOCKHASH reaches past 256 ancestors.
func seedSet(f Fork) []Params {
	var ps []Params
	for s := uint64(1); s <= 5; s++ {
		ps = append(ps, Params{Seed: s, Fork: f, Blocks: 8, TxsPerBlock: 30})
	}
	return append(ps, Params{Seed: 1000, Fork: f, Blocks: 270, TxsPerBlock: 2})
}

// TestDifferential runs the seed set of each fork through both clients and
// requires complete agreement (from Amsterdam on, the block access lists
// too), and checks that the set covers every kind of content the fork
// allows, both as generated and as go-ethereum executed it.
func TestDifferential(t *testing.T) {
	for _, f := range Forks() {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			var cov Coverage
			obs := outcomes{}
			for _, p := range seedSet(f) {
				t.Logf("seed: %d (%s)", p.Seed, p)
				c, err := Generate(p)
				if err != nil {
					t.Fatal(err)
				}
				cov.Add(&c.Coverage)
				if err := obs.observe(c); err != nil {
					t.Fatal(err)
				}
				rep, err := Compare(c)
				if err != nil {
					t.Errorf("%v\n%s", err, rep)
					continue
				}
				if rep.Blocks != p.Blocks || rep.Accounts == 0 {
					t.Errorf("%s: compared %d blocks and %d accounts", p, rep.Blocks, rep.Accounts)
				}
				t.Logf("%s", rep)
			}
			if missing := cov.Missing(f); len(missing) > 0 {
				t.Errorf("%s: the seed set never generates %v", f, missing)
			}
			checkOutcomes(t, f, obs)
			t.Logf("coverage: %s", cov.String())
			t.Logf("outcomes: %s", obs)
		})
	}
}

// checkOutcomes requires that go-ethereum really did what the generator
// meant: failures, deployments, creations, self-destructs, storage
// transitions, delegations, requests and every transaction type.
func checkOutcomes(t *testing.T, f Fork, o outcomes) {
	t.Helper()
	want := []string{
		"tx-failed", "tx-all-gas-used", "deploy-universal-ok", "deploy-failed",
		"contract-create-ok", "contract-create-failed", "contract-created-and-destroyed", "contract-drained",
		"slot-new", "slot-changed", "slot-zeroed", "account-created", "withdrawal-zero",
		"log-topics-0", "log-topics-1", "log-topics-2", "log-topics-3", "log-topics-4",
		"tx-type-0", "tx-type-1", "tx-type-2", "tx-type-3",
		"create2-onto-storage-account", "create2-storage-kept",
	}
	if f < Amsterdam {
		want = append(want, "account-deleted")
	}
	if f >= Prague {
		want = append(want, "tx-type-4", "delegation-set", "delegation-changed", "delegation-cleared",
			"request-type-0", "request-type-1", "request-type-2")
	}
	if f >= Amsterdam {
		want = append(want, "request-type-3", "request-type-4")
	}
	for _, k := range want {
		if o[k] == 0 {
			t.Errorf("%s: go-ethereum never shows %q", f, k)
		}
	}
}

// TestGethImport imports generated chains into fresh go-ethereum
// BlockChains under both of its processors (for Amsterdam, the BAL-driven
// parallel one and the sequential one): go-ethereum must accept what its
// chain maker produced, and every Amsterdam block must carry its list.
func TestGethImport(t *testing.T) {
	for _, f := range []Fork{Prague, Amsterdam} {
		p := Params{Seed: 21, Fork: f, Blocks: 4, TxsPerBlock: 30}
		c, err := Generate(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, proc := range []GethProcessor{GethDefault, GethSequential} {
			bc, err := c.GethBlockChain(proc)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.InsertGeth(bc); err != nil {
				t.Errorf("processor %d: %v", proc, err)
			}
			bc.Stop()
		}
		for i, b := range c.Blocks {
			if (b.AccessList() != nil) != (f >= Amsterdam) {
				t.Errorf("%s: block %d: access list present: %v", p, i+1, b.AccessList() != nil)
			}
		}
	}
}

// TestDeterministic: the same parameters give the same chain, byte for
// byte, and the same fixture.
func TestDeterministic(t *testing.T) {
	for _, f := range Forks() {
		p := Params{Seed: 42, Fork: f, Blocks: 3, TxsPerBlock: 20}
		var fixtures [2][]byte
		var chains [2]*Chain
		for k := range 2 {
			c, err := Generate(p)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := c.WriteFixture(&buf); err != nil {
				t.Fatal(err)
			}
			fixtures[k], chains[k] = buf.Bytes(), c
		}
		for i := range chains[0].Blocks {
			if !bytes.Equal(mustRLP(chains[0].Blocks[i]), mustRLP(chains[1].Blocks[i])) {
				t.Errorf("%s: block %d differs between two runs", p, i+1)
			}
		}
		if !bytes.Equal(fixtures[0], fixtures[1]) {
			t.Errorf("%s: fixtures differ between two runs", p)
		}
		other, err := Generate(Params{Seed: 43, Fork: f, Blocks: 3, TxsPerBlock: 20})
		if err != nil {
			t.Fatal(err)
		}
		if other.Blocks[0].Hash() == chains[0].Blocks[0].Hash() {
			t.Errorf("%s: seeds 42 and 43 give the same block", f)
		}
	}
}

// TestFixture writes fixtures and runs them with balexec's blockchain-test
// runner (what `balexec blocktest` does). For Amsterdam it also checks that
// every block's blockAccessList reads back through balexec's JSON form into
// go-ethereum's list, byte for byte.
func TestFixture(t *testing.T) {
	dir := t.TempDir()
	for _, f := range Forks() {
		p := Params{Seed: 7, Fork: f, Blocks: 4, TxsPerBlock: 25}
		c, err := Generate(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chainspec.ConfigForNetwork(f.String()); err != nil {
			t.Fatalf("balexec does not know network %s: %v", f, err)
		}
		path := filepath.Join(dir, f.String()+".json")
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WriteFixture(out); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
		tests, err := blocktest.ParseFile(path)
		if err != nil || len(tests) != 1 {
			t.Fatalf("%s: %d tests, %v", f, len(tests), err)
		}
		if err := tests[0].Run(); err != nil {
			t.Errorf("%s fixture: %v", f, err)
		}
		if f >= Amsterdam {
			checkFixtureBAL(t, c, path)
		}
	}
}

// checkFixtureBAL reads the fixture's block access lists with balexec's
// JSON reader and compares their encoding with go-ethereum's lists.
func checkFixtureBAL(t *testing.T, c *Chain, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]struct {
		Blocks []struct {
			BlockAccessList *bal.BlockAccessList `json:"blockAccessList"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	test := file[c.FixtureName()]
	if len(test.Blocks) != len(c.Blocks) {
		t.Fatalf("fixture has %d blocks, want %d", len(test.Blocks), len(c.Blocks))
	}
	for i, b := range test.Blocks {
		if b.BlockAccessList == nil {
			t.Fatalf("block %d: no blockAccessList", i+1)
		}
		if got, want := b.BlockAccessList.EncodeRLP(), mustRLP(c.Blocks[i].AccessList()); !bytes.Equal(got, want) {
			t.Errorf("block %d: fixture list encodes to %x, go-ethereum's is %x", i+1, got, want)
		}
	}
}

func TestParams(t *testing.T) {
	bad := []Params{
		{Fork: numForks, Blocks: 1},
		{Fork: Cancun, Blocks: 0},
		{Fork: Cancun, Blocks: MaxBlocks + 1},
		{Fork: Cancun, Blocks: 1, TxsPerBlock: -1},
		{Fork: Cancun, Blocks: 1, TxsPerBlock: MaxTxsPerBlock + 1},
	}
	for _, p := range bad {
		if _, err := Generate(p); !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%+v: %v, want ErrInvalidParams", p, err)
		}
	}
	for _, f := range Forks() {
		got, err := ParseFork(strings.ToLower(f.String()))
		if err != nil || got != f {
			t.Errorf("ParseFork(%s) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseFork("Frontier"); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("ParseFork(Frontier): %v", err)
	}
	// A block with no transactions still compares.
	c, err := Generate(Params{Seed: 9, Fork: Osaka, Blocks: 2, TxsPerBlock: 0})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Compare(c); err != nil {
		t.Errorf("%v\n%s", err, rep)
	}
}

// TestConfigMatchesNetwork: the configuration balexec parses from a
// generated genesis is the one its fixtures' network name selects.
func TestConfigMatchesNetwork(t *testing.T) {
	for _, f := range Forks() {
		c, err := Generate(Params{Seed: 1, Fork: f, Blocks: 1, TxsPerBlock: 0})
		if err != nil {
			t.Fatal(err)
		}
		gen, _, err := c.balexecGenesis()
		if err != nil {
			t.Fatal(err)
		}
		net, err := chainspec.ConfigForNetwork(f.String())
		if err != nil {
			t.Fatal(err)
		}
		for _, time := range []uint64{0, 1 << 40} {
			if a, b := gen.Config.Fork(time), net.Fork(time); a != b {
				t.Errorf("%s: fork at %d: genesis %s, network %s", f, time, a, b)
			}
			a, _ := gen.Config.BlobConfig(time)
			b, _ := net.BlobConfig(time)
			if a != b {
				t.Errorf("%s: blob config: genesis %+v, network %+v", f, a, b)
			}
			if a, b := gen.Config.EIPs(time), net.EIPs(time); a != b {
				t.Errorf("%s: EIPs differ", f)
			}
		}
		if gen.Config.ChainID != net.ChainID || gen.Config.DepositContractAddress != net.DepositContractAddress {
			t.Errorf("%s: chain id or deposit contract differ", f)
		}
	}
}
