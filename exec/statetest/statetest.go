// Package statetest runs ethereum/tests GeneralStateTests: each test gives a
// pre-state, an environment, a matrix of transactions (data × gas × value)
// and, per fork, the expected post-state root and logs hash of each
// combination.
//
// # What is checked
//
// A case passes when its transaction, executed on the pre-state under the
// fork's rules, yields the expected state root and logs hash, or, for a case
// with expectException, when the transaction is rejected as invalid for the
// reason the fixture names (checked with the table of internal/fixture) and
// the state is left with the expected (pre-state) root. The check is exact:
// no tolerance and no skip list. Forks before Shanghai are not implemented
// and their cases are reported as unsupported, not run.
//
// The fork's rules are those of the test network of its name
// (chainspec.ConfigForNetwork) under the rule profile the test's release
// needs (its _info.url, see chainspec.ProfileForRelease), unless
// Options.Profile says otherwise.
//
// The rules follow go-ethereum's state-test runner (tests/state_test_util.go
// in v1.17.10): the sender is the test's "sender", fees are resolved against
// the environment's base fee (default 10), BLOCKHASH(n) is
// keccak256(decimal string of n), a zero-value credit to the coinbase follows
// the transaction so that EIP-161 applies to it, and the txbytes of each case
// must decode and recover a sender. EIP-7610 (a creation onto an address with
// storage collides) is on, as the tests expect.
//
// # Concurrency
//
// Parsed tests are read-only; cases may run on any number of goroutines, each
// with its own state.
package statetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strings"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/internal/fixture"
	"github.com/balexec/balexec/internal/hexjson"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Errors of the runner.
var (
	// ErrMismatch: a case's post-state root or logs hash differs.
	ErrMismatch = errors.New("statetest: post-state mismatch")
	// ErrUnexpectedException: the transaction was rejected but the case
	// expects it to run.
	ErrUnexpectedException = errors.New("statetest: transaction rejected unexpectedly")
	// ErrMissingException: the case expects the transaction to be rejected
	// but it ran.
	ErrMissingException = errors.New("statetest: expected exception did not occur")
	// ErrUnsupportedFork: the case's fork is not implemented.
	ErrUnsupportedFork = errors.New("statetest: unsupported fork")
	// ErrBadTest: the test file is malformed.
	ErrBadTest = errors.New("statetest: malformed test")

	// errValueOverflow: a value beyond 256 bits, which no transaction's
	// encoding can hold.
	errValueOverflow = fmt.Errorf("%w: transaction value exceeds 256 bits", rlp.ErrUintOverflow)
)

// ChainID is the chain id state tests are signed for.
const ChainID = 1

// Options change how a case is run.
type Options struct {
	// Profile, when not nil, is the rule profile to run under instead of
	// the one the test's release needs.
	Profile *chainspec.Profile
}

// Test is one named state test of a file.
type Test struct {
	File string
	Name string
	json stJSON
	pre  chainspec.Alloc
}

type stJSON struct {
	Info struct {
		URL string `json:"url"`
	} `json:"_info"`
	Env  stEnv               `json:"env"`
	Pre  json.RawMessage     `json:"pre"`
	Tx   stTx                `json:"transaction"`
	Post map[string][]stPost `json:"post"`
}

type stEnv struct {
	Coinbase      types.Address `json:"currentCoinbase"`
	GasLimit      hexU64        `json:"currentGasLimit"`
	Number        hexU64        `json:"currentNumber"`
	Timestamp     hexU64        `json:"currentTimestamp"`
	BaseFee       *hexU256      `json:"currentBaseFee"`
	Random        *hexU256      `json:"currentRandom"`
	Difficulty    *hexU256      `json:"currentDifficulty"`
	ExcessBlobGas *hexU64       `json:"currentExcessBlobGas"`
}

type stTx struct {
	Data                 []string            `json:"data"`
	GasLimit             []hexU64            `json:"gasLimit"`
	Value                []string            `json:"value"`
	Nonce                string              `json:"nonce"`
	GasPrice             *hexU256            `json:"gasPrice"`
	MaxFeePerGas         *hexU256            `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexU256            `json:"maxPriorityFeePerGas"`
	To                   string              `json:"to"`
	Sender               *types.Address      `json:"sender"`
	AccessLists          []*types.AccessList `json:"accessLists"`
	BlobVersionedHashes  []types.Hash        `json:"blobVersionedHashes"`
	MaxFeePerBlobGas     *hexU256            `json:"maxFeePerBlobGas"`
	AuthorizationList    []stAuth            `json:"authorizationList"`
	SecretKey            string              `json:"secretKey"`
	hasBlob              bool                // blobVersionedHashes present (even empty)
}

type stAuth struct {
	ChainID hexU256       `json:"chainId"`
	Address types.Address `json:"address"`
	Nonce   hexU64        `json:"nonce"`
	V       hexU64        `json:"v"`
	R       hexU256       `json:"r"`
	S       hexU256       `json:"s"`
}

type stPost struct {
	Hash            types.Hash `json:"hash"`
	Logs            types.Hash `json:"logs"`
	TxBytes         string     `json:"txbytes"`
	ExpectException string     `json:"expectException"`
	Indexes         struct {
		Data  int `json:"data"`
		Gas   int `json:"gas"`
		Value int `json:"value"`
	} `json:"indexes"`
}

// ParseFile reads the state tests of one file, sorted by name.
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
		var txFields map[string]json.RawMessage
		if err := json.Unmarshal(body, &struct {
			Tx *map[string]json.RawMessage `json:"transaction"`
		}{&txFields}); err != nil {
			return nil, fmt.Errorf("%w: %s %s: %v", ErrBadTest, path, name, err)
		}
		_, t.json.Tx.hasBlob = txFields["blobVersionedHashes"]
		if t.pre, err = chainspec.ParseAlloc(t.json.Pre); err != nil {
			return nil, fmt.Errorf("%w: %s %s: pre: %v", ErrBadTest, path, name, err)
		}
		tests = append(tests, t)
	}
	sort.Slice(tests, func(i, j int) bool { return tests[i].Name < tests[j].Name })
	return tests, nil
}

// Case is one post-state entry of a test: a fork and an index into its post
// list.
type Case struct {
	Test  *Test
	Fork  string
	Index int
}

func (c Case) String() string {
	return fmt.Sprintf("%s %s %s[%d]", c.Test.File, c.Test.Name, c.Fork, c.Index)
}

func (c Case) post() *stPost { return &c.Test.json.Post[c.Fork][c.Index] }

// Cases returns every case of t, ordered by fork name and index.
func (t *Test) Cases() []Case {
	forkNames := make([]string, 0, len(t.json.Post))
	for f := range t.json.Post {
		forkNames = append(forkNames, f)
	}
	sort.Strings(forkNames)
	var out []Case
	for _, f := range forkNames {
		for i := range t.json.Post[f] {
			out = append(out, Case{Test: t, Fork: f, Index: i})
		}
	}
	return out
}

// Supported reports whether the case's fork is implemented: its network is
// not one of a fork before Shanghai.
func (c Case) Supported() bool {
	_, err := chainspec.ConfigForNetwork(c.Fork)
	return !errors.Is(err, chainspec.ErrForkNotSupported)
}

// Result is the outcome of one case.
type Result struct {
	Root, WantRoot types.Hash
	Logs, WantLogs types.Hash
	// TxErr is the reason the transaction was rejected, if it was.
	TxErr error
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

// Run executes the case under the rule profile of its release and returns
// nil when it passes. A mismatch error names the expected and actual roots.
func Run(c Case, analyses evm.AnalysisCache) (Result, error) {
	return RunWith(c, Options{}, analyses)
}

// RunWith executes the case with opts and returns nil when it passes.
func RunWith(c Case, opts Options, analyses evm.AnalysisCache) (Result, error) {
	return run(c, opts, evm.Config{Analyses: analyses})
}

// RunTableOnly is RunWith with the interpreter's fast path switched off
// (its slow twin); the outcome must be the same.
func RunTableOnly(c Case, opts Options, analyses evm.AnalysisCache) (Result, error) {
	return run(c, opts, evm.Config{Analyses: analyses, TableOnly: true})
}

// rulesOf returns the chain configuration and the EVM rules of the case's
// network at the test's block.
func (c Case) rulesOf(opts Options) (*chainspec.Config, evm.Rules, error) {
	cfg, err := chainspec.ConfigForNetwork(c.Fork)
	if err != nil {
		return nil, evm.Rules{}, fmt.Errorf("%w: %s: %w", ErrUnsupportedFork, c.Fork, err)
	}
	if cfg.Profile, err = c.Test.Profile(opts); err != nil {
		return nil, evm.Rules{}, err
	}
	env := &c.Test.json.Env
	rules, err := cfg.Rules(uint64(env.Number), uint64(env.Timestamp))
	if err != nil {
		return nil, evm.Rules{}, fmt.Errorf("%w: %s: %w", ErrUnsupportedFork, c.Fork, err)
	}
	rules.EIP7610 = true
	return cfg, rules, nil
}

func run(c Case, opts Options, evmCfg evm.Config) (Result, error) {
	var res Result
	cfg, rules, err := c.rulesOf(opts)
	if err != nil {
		return res, err
	}
	post := c.post()
	res.WantRoot, res.WantLogs = post.Hash, post.Logs

	mem := c.Test.pre.Memory()
	sdb := state.New(mem)
	block, maxBlobs := c.Test.blockContext(cfg, &rules)
	vm, err := evm.NewEVM(block, rules, evmCfg)
	if err != nil {
		return res, err
	}
	vm.Reset(sdb)

	msg, txErr := c.Test.message(post, maxBlobs, &block.BaseFee)
	if txErr == nil {
		_, txErr = evm.ApplyMessage(vm, &msg, evm.NewGasPool(block.GasLimit))
	}
	res.TxErr = txErr
	if txErr != nil {
		if errors.Is(txErr, ErrBadTest) {
			return res, txErr
		}
		// The state is as before the transaction.
		if res.Root, err = memoryRoot(mem); err != nil {
			return res, err
		}
		res.Logs = types.LogsHash(nil)
		if post.ExpectException == "" {
			return res, fmt.Errorf("%w: %v", ErrUnexpectedException, txErr)
		}
		if err := fixture.CheckException(post.ExpectException, txErr); err != nil {
			return res, err
		}
		if res.Root != res.WantRoot {
			return res, fmt.Errorf("%w: rejected (%v), pre-state root %s, want %s", ErrMismatch, txErr, res.Root, res.WantRoot)
		}
		return res, nil
	}
	coinbase := block.Coinbase
	sdb.AddBalance(coinbase, new(uint256.Int))
	res.Logs = types.LogsHash(sdb.Logs())
	changes := sdb.Finalise()
	if err := sdb.Err(); err != nil {
		return res, err
	}
	mem.Apply(changes.Accounts)
	if res.Root, err = memoryRoot(mem); err != nil {
		return res, err
	}
	if post.ExpectException != "" {
		return res, fmt.Errorf("%w: want %q", ErrMissingException, post.ExpectException)
	}
	if res.Root != res.WantRoot || res.Logs != res.WantLogs {
		return res, fmt.Errorf("%w: root %s want %s, logs %s want %s", ErrMismatch, res.Root, res.WantRoot, res.Logs, res.WantLogs)
	}
	return res, nil
}

// blockContext returns the block a case runs in and the most blobs it may
// hold (zero before Cancun).
func (t *Test) blockContext(cfg *chainspec.Config, rules *evm.Rules) (evm.BlockContext, uint64) {
	env := &t.json.Env
	b := evm.BlockContext{
		Coinbase: env.Coinbase,
		Number:   uint64(env.Number),
		Time:     uint64(env.Timestamp),
		GasLimit: uint64(env.GasLimit),
		GetHash:  testBlockHash,
	}
	if env.BaseFee != nil {
		b.BaseFee = uint256.Int(*env.BaseFee)
	} else {
		b.BaseFee.SetUint64(0x0a)
	}
	if env.Random != nil {
		r := uint256.Int(*env.Random)
		b.PrevRandao = r.Bytes32()
	}
	var maxBlobs uint64
	if bc, ok := cfg.BlobConfig(b.Time); ok && rules.IsCancun {
		maxBlobs = bc.Max
		if env.ExcessBlobGas != nil {
			b.BlobBaseFee = exec.BlobBaseFee(uint64(*env.ExcessBlobGas), bc.UpdateFraction)
		}
	}
	return b, maxBlobs
}

// testBlockHash is the BLOCKHASH of state tests: keccak256 of the block
// number written in decimal.
func testBlockHash(n uint64) types.Hash {
	return types.Keccak256One([]byte(new(big.Int).SetUint64(n).String()))
}

// message builds the transaction of a case. A returned error other than
// ErrBadTest means the transaction is invalid.
func (t *Test) message(post *stPost, maxBlobs uint64, baseFee *uint256.Int) (evm.Message, error) {
	tx := &t.json.Tx
	var m evm.Message
	ix := post.Indexes
	if ix.Data < 0 || ix.Data >= len(tx.Data) || ix.Gas < 0 || ix.Gas >= len(tx.GasLimit) || ix.Value < 0 || ix.Value >= len(tx.Value) {
		return m, fmt.Errorf("%w: index out of range %+v", ErrBadTest, ix)
	}
	if tx.Sender == nil {
		return m, fmt.Errorf("%w: no sender", ErrBadTest)
	}
	// The nonce and the values are hexjson.Fixture quantities that may also
	// be "" (zero).
	const quantity = hexjson.Fixture | hexjson.EmptyZero
	nonce, err := hexjson.ParseUint64(tx.Nonce, quantity)
	switch {
	case errors.Is(err, hexjson.ErrOverflow):
		// EIP-2681: such a transaction cannot exist.
		return m, fmt.Errorf("%w: nonce %.40s exceeds 2^64-1", evm.ErrNonceMax, tx.Nonce)
	case err != nil:
		return m, fmt.Errorf("%w: nonce %q: %v", ErrBadTest, tx.Nonce, err)
	}
	m.From = *tx.Sender
	m.Nonce = nonce
	if tx.To == "" {
		m.IsCreate = true
	} else {
		to, err := types.HexToAddress(tx.To)
		if err != nil {
			return m, fmt.Errorf("%w: to %q", ErrBadTest, tx.To)
		}
		m.To = to
	}
	data, err := types.DecodeHex(tx.Data[ix.Data])
	if err != nil {
		return m, fmt.Errorf("%w: data: %v", ErrBadTest, err)
	}
	m.Data = data
	m.GasLimit = uint64(tx.GasLimit[ix.Gas])
	// A value beyond 256 bits is written "0x:bigint 0x..." and makes the
	// transaction impossible.
	v := tx.Value[ix.Value]
	value, err := hexjson.ParseUint256(strings.TrimPrefix(v, "0x:bigint "), quantity)
	switch {
	case errors.Is(err, hexjson.ErrOverflow):
		return m, fmt.Errorf("%w: value %.40s", errValueOverflow, v)
	case err != nil:
		return m, fmt.Errorf("%w: value %q: %v", ErrBadTest, v, err)
	}
	m.Value = value
	if tx.AccessLists != nil && ix.Data < len(tx.AccessLists) && tx.AccessLists[ix.Data] != nil {
		m.AccessList = *tx.AccessLists[ix.Data]
	}
	// Fees, resolved against the base fee as go-ethereum's runner does.
	var feeCap, tipCap uint256.Int
	switch {
	case tx.MaxFeePerGas != nil:
		feeCap = uint256.Int(*tx.MaxFeePerGas)
	case tx.GasPrice != nil:
		feeCap = uint256.Int(*tx.GasPrice)
	default:
		return m, fmt.Errorf("%w: no gas price", ErrBadTest)
	}
	if tx.MaxPriorityFeePerGas != nil {
		tipCap = uint256.Int(*tx.MaxPriorityFeePerGas)
	} else {
		tipCap = feeCap
	}
	m.GasFeeCap, m.GasTipCap = feeCap, tipCap
	var price uint256.Int
	if _, overflow := price.AddOverflow(&tipCap, baseFee); overflow || price.Gt(&feeCap) {
		price = feeCap
	}
	m.GasPrice = price
	switch {
	case tx.AuthorizationList != nil:
		m.Type = types.SetCodeTxType
	case tx.hasBlob:
		m.Type = types.BlobTxType
	case tx.MaxFeePerGas != nil:
		m.Type = types.DynamicFeeTxType
	case tx.AccessLists != nil:
		m.Type = types.AccessListTxType
	default:
		m.Type = types.LegacyTxType
	}
	if tx.hasBlob {
		m.BlobHashes = tx.BlobVersionedHashes
		if m.BlobHashes == nil {
			m.BlobHashes = []types.Hash{}
		}
		if tx.MaxFeePerBlobGas != nil {
			m.BlobFeeCap = uint256.Int(*tx.MaxFeePerBlobGas)
		}
		// Before Cancun (no maximum) the EVM rejects the type itself.
		if maxBlobs > 0 && uint64(len(m.BlobHashes)) > maxBlobs {
			return m, fmt.Errorf("%w: %d blobs, at most %d per block", exec.ErrTooManyBlobs, len(m.BlobHashes), maxBlobs)
		}
	}
	for _, a := range tx.AuthorizationList {
		if uint64(a.V) > 0xff {
			return m, fmt.Errorf("%w: authorization v %d", ErrBadTest, uint64(a.V))
		}
		m.AuthList = append(m.AuthList, types.Authorization{
			ChainID: uint256.Int(a.ChainID), Address: a.Address, Nonce: uint64(a.Nonce),
			V: uint8(a.V), R: uint256.Int(a.R), S: uint256.Int(a.S),
		})
	}
	// The case's transaction bytes must decode and be signed correctly.
	if post.TxBytes != "" {
		raw, err := types.DecodeHex(post.TxBytes)
		if err != nil {
			return m, fmt.Errorf("%w: txbytes: %v", ErrBadTest, err)
		}
		ttx, err := types.DecodeTransaction(raw)
		if err != nil {
			return m, fmt.Errorf("txbytes do not decode: %w", err)
		}
		if _, err := ttx.Sender(uint256.NewInt(ChainID)); err != nil {
			return m, fmt.Errorf("txbytes sender: %w", err)
		}
	}
	return m, nil
}

// hexU64 and hexU256 read the tests' quantities: JSON strings of 0x-hex,
// lower-case prefix, often with leading zeros, "0x" being zero
// (hexjson.Fixture).
type hexU64 uint64

func (h *hexU64) UnmarshalJSON(b []byte) error {
	v, ok, err := hexjson.Uint64(b, hexjson.Fixture)
	if err != nil || !ok {
		return fmt.Errorf("%w: bad uint64 %.40s: %v", ErrBadTest, b, err)
	}
	*h = hexU64(v)
	return nil
}

type hexU256 uint256.Int

func (h *hexU256) UnmarshalJSON(b []byte) error {
	z, ok, err := hexjson.Uint256(b, hexjson.Fixture)
	if err != nil || !ok {
		return fmt.Errorf("%w: bad uint256 %.40s: %v", ErrBadTest, b, err)
	}
	*h = hexU256(z)
	return nil
}

// memoryRoot returns the state root of an in-memory state, built from
// scratch.
func memoryRoot(m *state.Memory) (types.Hash, error) {
	root, _, err := trie.UpdateState(types.EmptyRootHash, trie.NewMemStore(), m.Updates())
	return root, err
}
