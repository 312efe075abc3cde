package gethpeer

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/balexec/balexec/internal/testdata"
)

// FuzzDifferential generates a short chain from the seed, on a fork the
// seed picks, and requires balexec to agree with go-ethereum.
func FuzzDifferential(f *testing.F) {
	for _, s := range []uint64{0, 1, 2, 3, 17, 1 << 40, ^uint64(0)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		p := Params{Seed: seed, Fork: Forks()[seed%uint64(numForks)], Blocks: 2 + int(seed>>2%3), TxsPerBlock: 10 + int(seed>>4%16)}
		t.Logf("seed: %d (%s)", seed, p)
		c, err := Generate(p)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := Compare(c); err != nil {
			t.Fatalf("%v\n%s", err, rep)
		}
	})
}

// FuzzBulkWorkload builds a small transfers or erc20 workload from the seed
// and requires all four importers to accept it: go-ethereum's two
// processors and balexec's two, the parallel one without falling back.
func FuzzBulkWorkload(f *testing.F) {
	for _, s := range []uint64{0, 1, 7, 1 << 33} {
		f.Add(s, uint8(1), false)
		f.Add(s, uint8(40), true)
	}
	f.Fuzz(func(t *testing.T, seed uint64, txs uint8, token bool) {
		p := BulkParams{Seed: seed, Blocks: 1 + int(seed%3), TxsPerBlock: 1 + int(txs%64)}
		t.Logf("seed: %d (%s, token %v)", seed, p, token)
		build := TransfersWorkload
		if token {
			build = ERC20Workload
		}
		w, err := build(p)
		if err != nil {
			t.Fatal(err)
		}
		importAll(t, w)
	})
}

// FuzzHiveWorkload feeds HiveWorkload mutated payload lists: it must
// return a workload or an ErrSetup error, never panic. (It does not parse
// the genesis file, which Prepare hands to each side.)
func FuzzHiveWorkload(f *testing.F) {
	data, err := os.ReadFile(testdata.Repo(f, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		f.Fatal(err)
	}
	var reqs []json.RawMessage
	if err := json.Unmarshal(data, &reqs); err != nil {
		f.Fatal(err)
	}
	// Small seeds: the genesis payload and block 1 (V2), and block 36, the
	// first Amsterdam payload (V5, with its access list), alone.
	for _, r := range [][2]int{{0, 2}, {36, 37}} {
		seed, err := json.Marshal(reqs[r[0]:r[1]])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed, uint64(r[0]+1))
	}
	f.Add([]byte(`[{"method":"engine_newPayloadV4","params":[{}]}]`), uint64(1))
	f.Fuzz(func(t *testing.T, payloads []byte, first uint64) {
		w, err := HiveWorkload([]byte("{}"), payloads, first)
		if err != nil {
			if !errors.Is(err, ErrSetup) {
				t.Fatalf("error without ErrSetup: %v", err)
			}
			return
		}
		if w.Timed < 0 || w.Timed >= len(w.Blocks) {
			t.Fatalf("timed index %d of %d blocks", w.Timed, len(w.Blocks))
		}
	})
}
