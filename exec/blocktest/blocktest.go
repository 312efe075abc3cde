// Package blocktest runs blockchain tests in the ethereum/tests and
// execution-spec-tests "blockchain_test" JSON format: a genesis block and
// pre-state, a list of blocks as RLP (those expected to be invalid carry
// expectException), and the expected head hash and post-state.
//
// # What is checked
//
// The genesis block must hash to the test's genesis hash and its allocation
// to its state root. Each block is decoded and imported with exec.Chain: a
// block expected to be valid must be accepted, a block expected to be invalid
// must be rejected (by decoding or by import) and leave the chain unchanged.
// At the end the head must be the test's last block hash and the head state
// must equal the post-state (compared as a state root, which covers every
// account, balance, nonce, code and storage slot, and extra accounts).
//
// A block that carries a "blockAccessList" (the execution-spec-tests JSON
// form of an Amsterdam block's list) is imported with that list: it must
// hash to the header's block access list hash and pass bal.Validate, and the
// list execution builds must hash the same, so it equals the fixture's.
//
// # Concurrency
//
// Tests are independent; run them on any number of goroutines.
package blocktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/runner"
	"github.com/balexec/balexec/types"
)

// Errors of the runner.
var (
	// ErrBadTest: the test file is malformed.
	ErrBadTest = errors.New("blocktest: malformed test")
	// ErrGenesis: the genesis block or state does not match the test.
	ErrGenesis = errors.New("blocktest: genesis mismatch")
	// ErrAccepted: a block expected to be invalid was accepted.
	ErrAccepted = errors.New("blocktest: invalid block accepted")
	// ErrRejected: a block expected to be valid was rejected.
	ErrRejected = errors.New("blocktest: valid block rejected")
	// ErrHead: the head after import is not the test's last block.
	ErrHead = errors.New("blocktest: last block hash mismatch")
	// ErrPostState: the head state differs from the test's post-state.
	ErrPostState = errors.New("blocktest: post-state mismatch")
)

// Test is one named blockchain test.
type Test struct {
	File string
	Name string
	json btJSON
}

type btJSON struct {
	Network       string          `json:"network"`
	Pre           json.RawMessage `json:"pre"`
	GenesisRLP    string          `json:"genesisRLP"`
	Genesis       btHeader        `json:"genesisBlockHeader"`
	Blocks        []btBlock       `json:"blocks"`
	PostState     json.RawMessage `json:"postState"`
	PostStateHash *types.Hash     `json:"postStateHash"`
	LastBlockHash types.Hash      `json:"lastblockhash"`
}

type btHeader struct {
	Hash      types.Hash `json:"hash"`
	StateRoot types.Hash `json:"stateRoot"`
}

type btBlock struct {
	RLP             string               `json:"rlp"`
	ExpectException string               `json:"expectException"`
	BlockHeader     *btHeader            `json:"blockHeader"`
	BlockAccessList *bal.BlockAccessList `json:"blockAccessList"`
}

// expectInvalid reports whether the block is expected to be rejected: it
// names an exception, or (go-ethereum's reading) has no decoded header.
func (b *btBlock) expectInvalid() bool { return b.ExpectException != "" || b.BlockHeader == nil }

// ParseFile reads the blockchain tests of one file, sorted by name.
func ParseFile(path string) ([]*Test, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadTest, path, err)
	}
	tests := make([]*Test, 0, len(raw))
	for name, body := range raw {
		t := &Test{File: path, Name: name}
		if err := json.Unmarshal(body, &t.json); err != nil {
			return nil, fmt.Errorf("%w: %s %s: %v", ErrBadTest, path, name, err)
		}
		tests = append(tests, t)
	}
	sort.Slice(tests, func(i, j int) bool { return tests[i].Name < tests[j].Name })
	return tests, nil
}

// Options change how a test is run; the outcome must not change.
type Options struct {
	// ParallelWorkers, when positive, sends blocks that carry their access
	// list to the parallel executor with that many workers.
	ParallelWorkers int
}

// Run executes the test and returns nil when it passes.
func (t *Test) Run() error {
	_, err := t.RunWith(Options{})
	return err
}

// NewChain returns a chain holding the test's genesis block and
// pre-state, checked against the test's genesis hash.
func (t *Test) NewChain() (*exec.Chain, error) {
	cfg, err := chainspec.ConfigForNetwork(t.json.Network)
	if err != nil {
		return nil, err
	}
	pre, err := chainspec.ParseAlloc(t.json.Pre)
	if err != nil {
		return nil, fmt.Errorf("%w: pre: %v", ErrBadTest, err)
	}
	graw, err := types.DecodeHex(t.json.GenesisRLP)
	if err != nil {
		return nil, fmt.Errorf("%w: genesisRLP: %v", ErrBadTest, err)
	}
	gblock, err := types.DecodeBlock(graw)
	if err != nil {
		return nil, fmt.Errorf("%w: genesisRLP: %v", ErrBadTest, err)
	}
	if got := gblock.Hash(); got != t.json.Genesis.Hash {
		return nil, fmt.Errorf("%w: genesis hash %s, test says %s", ErrGenesis, got, t.json.Genesis.Hash)
	}
	chain, err := exec.NewChain(cfg, &gblock.Header, pre)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGenesis, err)
	}
	return chain, nil
}

// Block is one block of a test as it is imported: the decoded block and its
// access list's RLP (nil when the fixture gives none).
type Block struct {
	Block      *types.Block
	AccessList []byte
}

// ValidBlocks returns the blocks the test expects to be accepted, in order.
func (t *Test) ValidBlocks() ([]Block, error) {
	var out []Block
	for i := range t.json.Blocks {
		b := &t.json.Blocks[i]
		if b.expectInvalid() {
			continue
		}
		raw, err := types.DecodeHex(b.RLP)
		if err != nil {
			return nil, fmt.Errorf("%w: block %d rlp: %v", ErrBadTest, i, err)
		}
		block, err := types.DecodeBlock(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: block %d: %v", ErrBadTest, i, err)
		}
		var list []byte
		if b.BlockAccessList != nil {
			list = b.BlockAccessList.EncodeRLP()
		}
		out = append(out, Block{block, list})
	}
	return out, nil
}

// RunWith executes the test with opts and returns nil when it passes,
// with the counts of blocks the parallel executor took.
func (t *Test) RunWith(opts Options) (exec.ParallelStats, error) {
	chain, err := t.NewChain()
	if err != nil {
		return exec.ParallelStats{}, err
	}
	if opts.ParallelWorkers > 0 {
		chain.EnableParallel(opts.ParallelWorkers, 1)
	}
	err = t.run(chain)
	return chain.ParallelStats(), err
}

func (t *Test) run(chain *exec.Chain) error {
	for i := range t.json.Blocks {
		b := &t.json.Blocks[i]
		if err := t.insert(chain, i, b); err != nil {
			return err
		}
	}
	head := chain.Head()
	if got := head.Hash(); got != t.json.LastBlockHash {
		return fmt.Errorf("%w: head %s (block %d), want %s", ErrHead, got, head.Number, t.json.LastBlockHash)
	}
	want := head.Root
	switch {
	case t.json.PostStateHash != nil:
		want = *t.json.PostStateHash
	case len(t.json.PostState) > 0:
		post, err := chainspec.ParseAlloc(t.json.PostState)
		if err != nil {
			return fmt.Errorf("%w: postState: %v", ErrBadTest, err)
		}
		if want, err = post.Root(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: no post-state", ErrBadTest)
	}
	if head.Root != want {
		return fmt.Errorf("%w: head state root %s, post-state root %s", ErrPostState, head.Root, want)
	}
	return nil
}

func (t *Test) insert(chain *exec.Chain, i int, b *btBlock) error {
	raw, err := types.DecodeHex(b.RLP)
	if err != nil {
		return fmt.Errorf("%w: block %d rlp: %v", ErrBadTest, i, err)
	}
	block, err := types.DecodeBlock(raw)
	if err != nil {
		if b.expectInvalid() {
			return nil
		}
		return fmt.Errorf("%w: block %d does not decode: %v", ErrRejected, i, err)
	}
	var list []byte
	if b.BlockAccessList != nil {
		list = b.BlockAccessList.EncodeRLP()
	}
	headBefore := chain.Head().Hash()
	_, err = chain.InsertWithAccessList(block, list)
	switch {
	case err != nil && b.expectInvalid():
		if chain.Head().Hash() != headBefore {
			return fmt.Errorf("block %d: rejected block changed the head", i)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%w: block %d (%s): %v", ErrRejected, i, block.Hash(), err)
	case b.expectInvalid():
		return fmt.Errorf("%w: block %d (%s), expected %q", ErrAccepted, i, block.Hash(), b.ExpectException)
	}
	if got := block.Hash(); b.BlockHeader != nil && got != b.BlockHeader.Hash {
		return fmt.Errorf("%w: block %d hash %s, test says %s", ErrBadTest, i, got, b.BlockHeader.Hash)
	}
	return nil
}

// Outcome is the result of one test in a run over many files.
type Outcome struct {
	Test *Test
	Err  error
}

// Summary counts a run's outcomes.
type Summary struct {
	Passed, Failed int
	Failures       []Outcome
	LoadErrors     []error
}

// Files returns the .json files under each path, sorted.
func Files(paths []string) ([]string, error) { return runner.JSONFiles(paths) }

// RunFiles runs every test of every file on min(GOMAXPROCS, files) workers
// and calls report, from the calling goroutine and in file order, for each
// file's outcomes.
func RunFiles(files []string, report func(file string, outcomes []Outcome, loadErr error)) Summary {
	type fileResult struct {
		outcomes []Outcome
		err      error
	}
	var sum Summary
	runner.Ordered(len(files), func(i int) fileResult {
		tests, err := ParseFile(files[i])
		r := fileResult{err: err}
		for _, t := range tests {
			r.outcomes = append(r.outcomes, Outcome{Test: t, Err: t.Run()})
		}
		return r
	}, func(i int, r fileResult) {
		if r.err != nil {
			sum.Failed++
			sum.LoadErrors = append(sum.LoadErrors, r.err)
		}
		for _, o := range r.outcomes {
			if o.Err != nil {
				sum.Failed++
				sum.Failures = append(sum.Failures, o)
			} else {
				sum.Passed++
			}
		}
		if report != nil {
			report(files[i], r.outcomes, r.err)
		}
	})
	return sum
}
