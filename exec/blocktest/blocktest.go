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
// list execution builds must hash the same, so it equals the fixture's. A
// block expected to be invalid is imported with the list of its
// "rlp_decoded" form when it has one (the corrupted list of an
// INVALID_BLOCK_ACCESS_LIST case), so that it is rejected for the list's
// fault rather than only by the rebuilt list's hash.
//
// A rejection must be for the reason the fixture names: its expectException
// (one name, or alternatives joined by "|") is checked against the error
// with the table of internal/fixture; a name the table does not know fails
// the test.
//
// # Rules
//
// A test runs under the rule profile its release needs (its _info.url, see
// chainspec.ProfileForRelease), unless Options.Profile says otherwise.
// Tests of networks before Shanghai, and tests with a block before Shanghai
// (a transition from Paris), are not run: balexec does not implement those
// rules. They are reported as such (ErrNotRun), not as failures.
//
// # Concurrency
//
// Tests are independent; run them on any number of goroutines.
package blocktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/fixture"
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
	// ErrNotRun: the test needs the rules of a fork before Shanghai, which
	// balexec does not implement; it is not a failure.
	ErrNotRun = errors.New("blocktest: fork before Shanghai, not run")
)

// Test is one named blockchain test.
type Test struct {
	File string
	Name string
	json btJSON
}

type btJSON struct {
	Info struct {
		URL string `json:"url"`
	} `json:"_info"`
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
	// RLPDecoded is the decoded form of an invalid block; its list, kept
	// raw since it may be corrupt, is decoded when the block is imported.
	RLPDecoded *struct {
		BlockAccessList json.RawMessage `json:"blockAccessList"`
	} `json:"rlp_decoded"`
}

// accessList returns the RLP of the list the block is imported with: its
// blockAccessList, or for a block expected to be invalid the list of its
// rlp_decoded form; nil when it has neither.
func (b *btBlock) accessList() ([]byte, error) {
	switch {
	case b.BlockAccessList != nil:
		return b.BlockAccessList.EncodeRLP(), nil
	case b.expectInvalid() && b.RLPDecoded != nil && len(b.RLPDecoded.BlockAccessList) > 0:
		var l bal.BlockAccessList
		if err := json.Unmarshal(b.RLPDecoded.BlockAccessList, &l); err != nil {
			return nil, fmt.Errorf("%w: rlp_decoded block access list: %v", ErrBadTest, err)
		}
		return l.EncodeRLP(), nil
	}
	return nil, nil
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

// Options change how a test is run.
type Options struct {
	// ParallelWorkers, when positive, sends every block that carries its
	// access list to the parallel executor with that many workers; the
	// outcome must not change.
	ParallelWorkers int
	// Profile, when not nil, is the rule profile to run under instead of
	// the one the test's release needs.
	Profile *chainspec.Profile
}

// Run executes the test and returns nil when it passes.
func (t *Test) Run() error {
	_, err := t.RunWith(Options{})
	return err
}

// Release returns the release the test was filled from (from its
// _info.url; "" when it names none).
func (t *Test) Release() string { return fixture.Release(t.json.Info.URL) }

// Profile returns the rule profile the test runs under with opts.
func (t *Test) Profile(opts Options) (chainspec.Profile, error) {
	if opts.Profile != nil {
		return *opts.Profile, nil
	}
	return fixture.Profile(t.json.Info.URL)
}

// NewChain returns a chain holding the test's genesis block and
// pre-state, checked against the test's genesis hash, under the rule
// profile of the test's release. A network before Shanghai is ErrNotRun.
func (t *Test) NewChain() (*exec.Chain, error) { return t.newChain(Options{}) }

func (t *Test) newChain(opts Options) (*exec.Chain, error) {
	cfg, err := chainspec.ConfigForNetwork(t.json.Network)
	if errors.Is(err, chainspec.ErrForkNotSupported) {
		return nil, fmt.Errorf("%w: network %s", ErrNotRun, t.json.Network)
	}
	if err != nil {
		return nil, err
	}
	if cfg.Profile, err = t.Profile(opts); err != nil {
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
		list, err := b.accessList()
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", i, err)
		}
		out = append(out, Block{block, list})
	}
	return out, nil
}

// RunWith executes the test with opts and returns nil when it passes,
// with the counts of blocks the parallel executor took.
func (t *Test) RunWith(opts Options) (exec.ParallelStats, error) {
	chain, err := t.newChain(opts)
	if err != nil {
		return exec.ParallelStats{}, err
	}
	if opts.ParallelWorkers > 0 {
		chain.EnableParallel(opts.ParallelWorkers, 0)
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
			return checkException(i, b, err)
		}
		return fmt.Errorf("%w: block %d does not decode: %v", ErrRejected, i, err)
	}
	list, err := b.accessList()
	if err != nil {
		return fmt.Errorf("block %d: %w", i, err)
	}
	headBefore := chain.Head().Hash()
	_, err = chain.InsertWithAccessList(context.Background(), block, list)
	switch {
	case errors.Is(err, chainspec.ErrForkNotSupported):
		return fmt.Errorf("%w: block %d: %v", ErrNotRun, i, err)
	case err != nil && b.expectInvalid():
		if chain.Head().Hash() != headBefore {
			return fmt.Errorf("block %d: rejected block changed the head", i)
		}
		if errors.Is(err, exec.ErrTxRootMismatch) && fixture.TransactionsOnly(b.ExpectException) {
			err = executionVerdict(chain, block, err)
		}
		return checkException(i, b, err)
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

// executionVerdict returns why executing block on its parent's state fails,
// for a block rejected with rootErr because its header's transactions root
// is not its transactions'. The specification executes a block's
// transactions before it compares the transactions root; go-ethereum and
// balexec compare it first. The ethereum/tests fixtures that name a
// transaction's exception for such a block (their header commits to no
// transactions) get their reason from execution this way. It returns
// rootErr when the parent's state is missing or execution succeeds.
func executionVerdict(chain *exec.Chain, block *types.Block, rootErr error) error {
	parent, ok, _ := chain.Header(block.Header.ParentHash)
	if !ok {
		return rootErr
	}
	pre, err := chain.State(parent.Hash())
	if err != nil {
		return rootErr
	}
	getHash := func(n uint64) types.Hash {
		for h := parent; h != nil && h.Number >= n; {
			if h.Number == n {
				return h.Hash()
			}
			next, ok, _ := chain.Header(h.ParentHash)
			if !ok {
				break
			}
			h = next
		}
		return types.Hash{}
	}
	if _, err := exec.NewProcessor(chain.Config(), nil).Process(context.Background(), block, pre, getHash); err != nil {
		return fmt.Errorf("%w (executed after: %v)", err, rootErr)
	}
	return rootErr
}

// checkException checks that block i, expected to be invalid, was rejected
// with err for the reason its expectException names (any reason when it
// names none: a block without a header).
func checkException(i int, b *btBlock, err error) error {
	if b.ExpectException == "" {
		return nil
	}
	if err := fixture.CheckException(b.ExpectException, err); err != nil {
		return fmt.Errorf("block %d: %w", i, err)
	}
	return nil
}

// Outcome is the result of one test in a run over many files.
type Outcome struct {
	Test *Test
	// Err is nil when the test passed; it wraps ErrNotRun when the test was
	// not run.
	Err error
	// Parallel counts the test's blocks the parallel executor ran.
	Parallel exec.ParallelStats
}

// NotRun reports whether the test was not run (a fork before Shanghai).
func (o *Outcome) NotRun() bool { return errors.Is(o.Err, ErrNotRun) }

// Summary counts a run's outcomes.
type Summary struct {
	Passed, Failed, NotRun int
	Failures               []Outcome
	LoadErrors             []error
	// Parallel counts the blocks the parallel executor ran (with
	// Options.ParallelWorkers): accepted from its own run, or sent to the
	// sequential one after a speculative failure.
	Parallel exec.ParallelStats
}

// Files returns the .json files under each path, sorted.
func Files(paths []string) ([]string, error) { return runner.JSONFiles(paths) }

// RunFiles runs every test of every file with opts on min(GOMAXPROCS,
// files) workers and calls report, from the calling goroutine and in file
// order, for each file's outcomes.
func RunFiles(files []string, opts Options, report func(file string, outcomes []Outcome, loadErr error)) Summary {
	type fileResult struct {
		outcomes []Outcome
		err      error
	}
	var sum Summary
	runner.Ordered(len(files), func(i int) fileResult {
		tests, err := ParseFile(files[i])
		r := fileResult{err: err}
		for _, t := range tests {
			st, err := t.RunWith(opts)
			r.outcomes = append(r.outcomes, Outcome{Test: t, Err: err, Parallel: st})
		}
		return r
	}, func(i int, r fileResult) {
		if r.err != nil {
			sum.Failed++
			sum.LoadErrors = append(sum.LoadErrors, r.err)
		}
		for _, o := range r.outcomes {
			sum.Parallel.Parallel += o.Parallel.Parallel
			sum.Parallel.Sequential += o.Parallel.Sequential
			switch {
			case o.NotRun():
				sum.NotRun++
			case o.Err != nil:
				sum.Failed++
				sum.Failures = append(sum.Failures, o)
			default:
				sum.Passed++
			}
		}
		if report != nil {
			report(files[i], r.outcomes, r.err)
		}
	})
	return sum
}
