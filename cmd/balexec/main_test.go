package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/balexec/balexec/internal/testdata"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestTrieRootCommand(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"trie", "root", "--genesis", testdata.Repo(t, "genesis/mainnet.json")},
			"0xd7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"},
		{[]string{"trie", "root", "--genesis", testdata.Repo(t, "genesis/sepolia.json")},
			"0x5eb6e371a698b8d68f665192350ffcecbbbf322916f4b51bd79bb6887da3f494"},
		{[]string{"trie", "root", "--state-dump", testdata.Repo(t, "hivechain-amsterdam/headstate.json")},
			"0x7714335f0d11ff7d9c447b48a5c8071bdead229c9b6a00f9a87ef663d1f5996c"},
	}
	for _, c := range cases {
		out, err := runCmd(t, c.args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, out)
		}
		if strings.TrimSpace(out) != c.want {
			t.Errorf("%v printed %q, want %s", c.args, out, c.want)
		}
	}
	if _, err := runCmd(t, "trie", "root"); err == nil {
		t.Error("trie root without a file succeeded")
	}
}

func TestBalVerifyCommand(t *testing.T) {
	file := testdata.Repo(t, "hivechain-amsterdam/newpayload.json")
	out, err := runCmd(t, "bal", "verify", "--payloads", file)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.HasSuffix(out, "565 passed, 0 failed\n") {
		t.Fatalf("output ends %q", out[max(0, len(out)-200):])
	}
}

// TestBalVerifyDetectsMutations corrupts two block access lists of the
// payload file in different ways; both must be reported and the command
// must fail.
func TestBalVerifyDetectsMutations(t *testing.T) {
	data, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		t.Fatal(err)
	}
	var reqs []map[string]any
	if err := json.Unmarshal(data, &reqs); err != nil {
		t.Fatal(err)
	}
	mutated := 0
	for _, r := range reqs {
		p := r["params"].([]any)[0].(map[string]any)
		s, ok := p["blockAccessList"].(string)
		if !ok || len(s) < 100 {
			continue
		}
		switch mutated {
		case 0: // truncate: no longer decodes
			p["blockAccessList"] = s[:len(s)-2]
		case 1: // change a byte near the end: decodes differently or not at all
			b := []byte(s)
			if b[len(b)-3] == '0' {
				b[len(b)-3] = '1'
			} else {
				b[len(b)-3] = '0'
			}
			p["blockAccessList"] = string(b)
		}
		mutated++
		if mutated == 2 {
			break
		}
	}
	enc, err := json.Marshal(reqs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "payloads.json")
	if err := os.WriteFile(path, enc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "bal", "verify", "--payloads", path)
	if !errors.Is(err, errFailed) {
		t.Fatalf("command returned %v, want a failure\n%s", err, out)
	}
	// A changed byte of the list changes its hash, so the payload's block
	// hash no longer matches either; both count as failures.
	if !strings.HasSuffix(out, "563 passed, 2 failed\n") {
		t.Fatalf("output ends %q", out[max(0, len(out)-300):])
	}
}

func TestStateTestCommand(t *testing.T) {
	dir := testdata.Shared(t, "ethereum-tests/GeneralStateTests/stExample")
	out, err := runCmd(t, "statetest", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, " passed, 0 failed\n") || strings.Contains(out, "FAIL") {
		t.Fatalf("output: %s", out)
	}
	// A case whose expected root is wrong is printed and fails the command.
	data, err := os.ReadFile(filepath.Join(dir, "add11.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "add11.json")
	if err := os.WriteFile(path, []byte(corruptFirstHash(t, string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, "statetest", path)
	if !errors.Is(err, errFailed) || !strings.Contains(out, "FAIL ") || !strings.HasSuffix(out, "0 passed, 1 failed\n") {
		t.Fatalf("corrupted case: err %v, output %s", err, out)
	}
}

// corruptFirstHash flips the first digit of the first "hash" value of a test
// file.
func corruptFirstHash(t *testing.T, s string) string {
	i := strings.Index(s, `"hash"`)
	if i < 0 {
		t.Fatal("no hash in test file")
	}
	j := strings.Index(s[i:], `0x`) + i + 2
	d := s[j]
	if d == '0' {
		d = '1'
	} else {
		d = '0'
	}
	return s[:j] + string(d) + s[j+1:]
}

// TestReplayHiveChain imports the hive chain, blocks 1-600 (Shanghai at
// genesis through Osaka with BPO1 and BPO2, then Amsterdam from block 36),
// from the RLP file and from the engine payloads. With the payloads every
// Amsterdam block's access list is checked before execution and must equal
// the list execution builds, byte for byte; the final state must equal the
// head state dump.
func TestReplayHiveChain(t *testing.T) {
	genesis := testdata.Repo(t, "hivechain-amsterdam/genesis.json")
	out, err := runCmd(t, "replay", "--genesis", genesis, "--chain", testdata.Repo(t, "hivechain-amsterdam/chain.rlp"))
	if err != nil || !strings.HasSuffix(out, "600 passed, 0 failed\n") {
		t.Fatalf("replay of chain.rlp: %v\n%s", err, out[max(0, len(out)-400):])
	}
	out, err = runCmd(t, "replay", "--genesis", genesis,
		"--payloads", testdata.Repo(t, "hivechain-amsterdam/newpayload.json"),
		"--state-dump", testdata.Repo(t, "hivechain-amsterdam/headstate.json"))
	if err != nil || !strings.Contains(out, "final state: ok") || !strings.HasSuffix(out, "600 passed, 0 failed\n") ||
		!strings.Contains(out, "imported 600 blocks (612 txs, 133.6 Mgas) sequentially in ") {
		t.Fatalf("replay of the payloads: %v\n%s", err, out[max(0, len(out)-400):])
	}
	for n := 1; n <= 600; n++ {
		if !strings.Contains(out, "block "+strconv.Itoa(n)+" 0x") {
			t.Fatalf("block %d missing from the output", n)
		}
	}
	// The same on the parallel executor: every Amsterdam block with a
	// transaction is accepted by the parallel run itself.
	out, err = runCmd(t, "replay", "--genesis", genesis, "--parallel", "2",
		"--payloads", testdata.Repo(t, "hivechain-amsterdam/newpayload.json"),
		"--state-dump", testdata.Repo(t, "hivechain-amsterdam/headstate.json"))
	if err != nil || !strings.Contains(out, "parallel executor: 565 blocks accepted, 0 sent to the sequential run") ||
		!strings.Contains(out, "imported 600 blocks (612 txs, 133.6 Mgas) on the parallel executor with 2 workers in ") ||
		!strings.HasSuffix(out, "600 passed, 0 failed\n") {
		t.Fatalf("parallel replay: %v\n%s", err, out[max(0, len(out)-400):])
	}
}

func TestBlockTestCommand(t *testing.T) {
	dir := testdata.Shared(t, "ethereum-tests/BlockchainTests/ValidBlocks/bcExample")
	out, err := runCmd(t, "blocktest", dir)
	if err != nil || strings.Contains(out, "FAIL") || !strings.Contains(out, " passed, 0 failed\n") {
		t.Fatalf("err %v, output %s", err, out)
	}
}

// TestBlockTestRules: a tests-bal@v5.7.0 fixture passes under the profile
// its release names and with --parallel, fails under --rules
// geth-v1.17.10, and an unknown profile name is an error.
func TestBlockTestRules(t *testing.T) {
	file := testdata.Shared(t, "eest/blockchain_tests_devnet/for_amsterdam/amsterdam/eip7928_block_level_access_lists/block_access_lists/bal_nonexistent_value_transfer.json")
	out, err := runCmd(t, "blocktest", file)
	if err != nil || strings.Contains(out, "FAIL") || !strings.HasSuffix(out, " passed, 0 failed\n") {
		t.Fatalf("default profile: %v\n%s", err, out)
	}
	out, err = runCmd(t, "blocktest", "--parallel", "2", file)
	if err != nil || !strings.Contains(out, "parallel executor: ") || !strings.HasSuffix(out, " passed, 0 failed\n") {
		t.Fatalf("--parallel 2: %v\n%s", err, out)
	}
	out, err = runCmd(t, "blocktest", "--rules", "geth-v1.17.10", file)
	if !errors.Is(err, errFailed) || !strings.Contains(out, "FAIL ") || !strings.HasSuffix(out, "0 passed, 2 failed\n") {
		t.Fatalf("--rules geth-v1.17.10: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "blocktest", "--rules", "bal-devnet-4", file); err == nil || errors.Is(err, errFailed) {
		t.Fatalf("unknown profile: %v", err)
	}
	// Networks before Shanghai are reported as not run, not as failures
	// (Berlin, London and Paris: 19 tests each).
	dir := testdata.Shared(t, "eest/blockchain_tests/osaka/eip7883_modexp_gas_increase")
	out, err = runCmd(t, "blocktest", dir)
	if err != nil || strings.Contains(out, "FAIL") || !strings.HasPrefix(out, "57 tests of forks before Shanghai not run\n") {
		t.Fatalf("pre-Shanghai: %v\n%s", err, out)
	}
}

// TestBenchCommand times a small generated workload and the go-ethereum
// fixture in the repository (one run each), and checks the report's shape:
// a line per block, the summary, the model check and curve, and the JSON
// and SVG files. It asserts no timing: those are the command's output.
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	svg, js := filepath.Join(dir, "b.svg"), filepath.Join(dir, "b.json")
	out, err := runCmd(t, "bench", "--workload", "transfers", "--blocks", "2", "--gaslimit", "4000000", "--runs", "1",
		"--workers", "2,1", "--senders", "warm", "--svg", svg, "--json", js)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"par1 ms", "par2 ms", "summary transfers: 2 blocks", "model check", "1 workers", "2 workers", "model speedup", "bound"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	var reports []struct {
		Workers []int
		Blocks  []struct{ Txs int }
	}
	data, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 || len(reports[0].Blocks) != 2 || len(reports[0].Workers) != 2 {
		t.Fatalf("json report: %v %+v", err, reports)
	}
	if b, err := os.ReadFile(svg); err != nil || !bytes.HasPrefix(b, []byte("<svg")) || !bytes.Contains(b, []byte("polyline")) {
		t.Fatalf("svg: %v", err)
	}

	out, err = runCmd(t, "bench", "--runs", "1", "--workers", "2", testdata.Repo(t, "gethpeer/amsterdam-seed11.json"))
	if err != nil || !strings.Contains(out, "summary gethpeer_Amsterdam_seed11") || strings.Count(out, "\n") < 6 {
		t.Fatalf("fixture: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"bench"},
		{"bench", "--workload", "transfers", "x.json"},
		{"bench", "--workload", "nosuch"},
		{"bench", "--workload", "transfers", "--senders", "lukewarm"},
		{"bench", "--workload", "transfers", "--workers", "0"},
		{"bench", "--workload", "transfers", "--runs", "0"},
		{"bench", testdata.Repo(t, "genesis/sepolia.json")},
	} {
		if _, err := runCmd(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestHelpIsNotAnError: --help prints a command's flags and succeeds.
func TestHelpIsNotAnError(t *testing.T) {
	for _, cmd := range []string{"replay", "bench"} {
		out, err := runCmd(t, cmd, "--help")
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "-") {
			t.Fatalf("%s --help: %v\n%s", cmd, err, out)
		}
	}
}

func runCmdSplit(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestImportAndDBStats imports the first half of the hive chain's payloads
// into a store, then the whole file (which resumes after the first half),
// then the whole file again (nothing to do), replays over the store with the
// state dump, and reads the store's stats: block 600 and its root.
func TestImportAndDBStats(t *testing.T) {
	genesis := testdata.Repo(t, "hivechain-amsterdam/genesis.json")
	payloads := testdata.Repo(t, "hivechain-amsterdam/newpayload.json")
	data, err := os.ReadFile(payloads)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []json.RawMessage
	if err := json.Unmarshal(data, &reqs); err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(t.TempDir(), "half.json")
	firstHalf, err := json.Marshal(reqs[:301]) // the genesis payload and blocks 1-300
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(half, firstHalf, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "db")
	const root = "0x7714335f0d11ff7d9c447b48a5c8071bdead229c9b6a00f9a87ef663d1f5996c"
	steps := []struct {
		args []string
		want []string
	}{
		{[]string{"import", "--datadir", dir, "--genesis", genesis, "--payloads", half, "--parallel", "2"},
			[]string{"300 to import", "head 300 ", "300 passed, 0 failed\n"}},
		{[]string{"import", "--datadir", dir, "--genesis", genesis, "--payloads", payloads},
			[]string{"300 already imported, 300 to import", "head 600 0x9d78f735", "state root " + root, "300 passed, 0 failed\n"}},
		{[]string{"import", "--datadir", dir, "--genesis", genesis, "--payloads", payloads},
			[]string{"600 already imported, 0 to import", "head 600 ", "0 passed, 0 failed\n"}},
		{[]string{"replay", "--datadir", dir, "--genesis", genesis, "--payloads", payloads,
			"--state-dump", testdata.Repo(t, "hivechain-amsterdam/headstate.json")},
			[]string{"600 blocks already in the store", "final state: ok", "0 passed, 0 failed\n"}},
		{[]string{"db", "stats", "--datadir", dir},
			[]string{"head       block 600 0x9d78f73579811aa17b112188ce020cda4362b0d57a4a339a0c3911c4ace7220c", "state root " + root, "\naccount ", "\nnode "}},
	}
	for _, s := range steps {
		out, errOut, err := runCmdSplit(t, s.args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s%s", s.args, err, out, errOut)
		}
		for _, w := range s.want {
			if !strings.Contains(out, w) {
				t.Fatalf("%v: output lacks %q:\n%s", s.args[:1], w, out)
			}
		}
		if s.args[0] == "import" && !strings.Contains(errOut, "blocks/s") {
			t.Fatalf("import printed no progress: %q", errOut)
		}
	}
	// The import command needs a datadir; db needs its subcommand.
	if _, _, err := runCmdSplit(t, "import", "--genesis", genesis, "--payloads", payloads); err == nil {
		t.Fatal("import without --datadir succeeded")
	}
	if _, _, err := runCmdSplit(t, "db", "--datadir", dir); err == nil {
		t.Fatal("db without a subcommand succeeded")
	}
}

// TestRoughEdges: inputs a newcomer hits get a clear error, consistently
// across commands.
func TestRoughEdges(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	// trie root checks the genesis file as replay does.
	if out, err := runCmd(t, "trie", "root", "--genesis", empty); err == nil || !strings.Contains(out+err.Error(), "config") {
		t.Fatalf("trie root of {}: %v\n%s", err, out)
	}
	// A present but empty list ("0x") is a failure, not an absent list.
	data, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		t.Fatal(err)
	}
	var reqs []map[string]any
	if err := json.Unmarshal(data, &reqs); err != nil {
		t.Fatal(err)
	}
	req := reqs[37]
	req["params"].([]any)[0].(map[string]any)["blockAccessList"] = "0x"
	zero, _ := json.Marshal([]any{req})
	zeroFile := filepath.Join(dir, "zero.json")
	if err := os.WriteFile(zeroFile, zero, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, "bal", "verify", "--payloads", zeroFile); !errors.Is(err, errFailed) || !strings.Contains(out, "0 passed, 1 failed") {
		t.Fatalf("bal verify of a 0x list: %v\n%s", err, out)
	}
	// A folder without fixtures is an error for both runners.
	for _, cmd := range []string{"statetest", "blocktest"} {
		if _, err := runCmd(t, cmd, dir+"/nothing-here"); err == nil {
			t.Fatalf("%s of a missing folder: no error", cmd)
		}
		sub := filepath.Join(dir, "nofixtures")
		os.MkdirAll(sub, 0o755)
		if _, err := runCmd(t, cmd, sub); err == nil || !strings.Contains(err.Error(), "no .json") {
			t.Fatalf("%s of a folder without fixtures: %v", cmd, err)
		}
	}
}

// TestReplayBadInput: a negative worker count, a chain file with no blocks
// and a truncated payloads file are errors that name what is wrong, not
// empty successes; progress goes nowhere when standard error is not a
// terminal.
func TestReplayBadInput(t *testing.T) {
	genesis := testdata.Repo(t, "hivechain-amsterdam/genesis.json")
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.rlp")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	payloads, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.json")
	if err := os.WriteFile(truncated, payloads[:len(payloads)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--parallel", "-1", "--genesis", genesis, "--chain", testdata.Repo(t, "hivechain-amsterdam/chain.rlp")}, "--parallel -1"},
		{[]string{"import", "--datadir", dir, "--parallel", "-2", "--genesis", genesis, "--chain", empty}, "--parallel -2"},
		{[]string{"replay", "--genesis", genesis, "--chain", empty}, empty + ": no blocks"},
		{[]string{"replay", "--genesis", genesis, "--payloads", truncated}, truncated + ": "},
	}
	for _, c := range cases {
		stdout, stderr, err := runCmdSplit(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q\n%s", c.args, err, c.want, stdout)
		}
		if strings.Contains(stdout, "passed") {
			t.Errorf("%v: a summary for no run: %s", c.args, stdout)
		}
		if stderr != "" {
			t.Errorf("%v: standard error, not a terminal, got %q", c.args, stderr)
		}
	}
}
