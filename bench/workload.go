package bench

import (
	"fmt"
	"github.com/balexec/balexec/chainspec"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/types"
)

// The workloads' names.
const (
	Transfers = "transfers"
	ERC20     = "erc20"
	DEX       = "dex"
	NFT       = "nft"
	Storage   = "storage"
	Compute   = "compute"
	Skew      = "skew"
	Mixed     = "mixed"
)

// spec describes a workload: how often each kind of transaction is drawn,
// and whether a block carries one heavy transaction.
type spec struct {
	name    string
	weights [numKinds]int
	skew    bool
}

// specs are the workloads, in the order Workloads lists them. The mixed
// blend draws by count (transfers 40%, token transfers 25%, swaps 15%,
// mints 10%, fresh storage 4%, compute 6%); at the default size its gas
// (receipts' gas used, state gas included) goes 20% to transfers, 14% to
// token transfers, 17% to swaps, 13% to mints, 19% to fresh storage and
// 17% to compute (TestMixedShares logs the shares).
var specs = []spec{
	{name: Transfers, weights: [numKinds]int{kindTransfer: 1}},
	{name: ERC20, weights: [numKinds]int{kindToken: 1}},
	{name: DEX, weights: [numKinds]int{kindSwap: 1}},
	{name: NFT, weights: [numKinds]int{kindMint: 1}},
	{name: Storage, weights: [numKinds]int{kindStore: 1}},
	{name: Compute, weights: [numKinds]int{kindCompute: 1}},
	{name: Skew, weights: [numKinds]int{kindTransfer: 1, kindToken: 1}, skew: true},
	{name: Mixed, weights: [numKinds]int{kindTransfer: 40, kindToken: 25, kindSwap: 15, kindMint: 10, kindStore: 4, kindCompute: 6}},
}

// Workloads returns the names of the workloads Generate knows.
func Workloads() []string {
	out := make([]string, len(specs))
	for i := range specs {
		out[i] = specs[i].name
	}
	return out
}

func specByName(name string) (*spec, bool) {
	for i := range specs {
		if specs[i].name == name {
			return &specs[i], true
		}
	}
	return nil, false
}

// A Workload is a generated chain: a genesis and blocks, each with its
// block access list as balexec's sequential execution built it. It is
// read-only once generated; its blocks (and the transactions in them, whose
// senders are cached) may be read by many goroutines.
type Workload struct {
	Name   string
	Params Params // with the defaults applied
	// GenesisJSON is the genesis file, in go-ethereum's form: balexec's
	// chainspec.ParseGenesis and go-ethereum's core.Genesis read it.
	GenesisJSON []byte
	Blocks      []Block

	// Txs is the number of transactions in all blocks, Gas the sum of the
	// headers' gas used.
	Txs int
	Gas uint64
}

// Block is one block of a workload.
type Block struct {
	// RLP is the block's encoding (header, transactions, no uncles,
	// withdrawals), BAL its block access list's, as the engine API carries
	// them.
	RLP []byte
	BAL []byte
	// Block is the block decoded, its transactions' senders cached (shared:
	// decode RLP for a copy of one's own).
	Block *types.Block
	// Senders are the transactions' senders, in order, as a client knows
	// them from its pool.
	Senders []types.Address
}

// Generate generates the workload called name (one of Workloads) with p.
// Errors: ErrUnknownWorkload, ErrInvalidParams, ErrGenerate.
func Generate(name string, p Params) (*Workload, error) {
	sp, ok := specByName(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q (have %v)", ErrUnknownWorkload, name, Workloads())
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = p.WithDefaults()
	g, err := newGenerator(sp, p)
	if err != nil {
		return nil, err
	}
	w := &Workload{Name: name, Params: p, GenesisJSON: g.genesisJSON}
	for range p.Blocks {
		b, err := g.nextBlock()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", name, p, err)
		}
		w.Blocks = append(w.Blocks, b)
		w.Txs += len(b.Block.Transactions)
		w.Gas += b.Block.Header.GasUsed
	}
	return w, nil
}

// NewChain returns a chain holding the workload's genesis, ready to import
// its blocks.
func (w *Workload) NewChain() (*exec.Chain, error) {
	c, _, err := newChain(w.GenesisJSON)
	return c, err
}

// newChain parses a genesis file and returns the chain at its genesis and
// its configuration. It is the one place the package reads a genesis.
func newChain(genesisJSON []byte) (*exec.Chain, *chainspec.Config, error) {
	gen, err := chainspec.ParseGenesis(genesisJSON)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: genesis: %w", ErrGenerate, err)
	}
	h, err := gen.Header()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: genesis header: %w", ErrGenerate, err)
	}
	c, err := exec.NewChain(gen.Config, &h, gen.Alloc)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: genesis chain: %w", ErrGenerate, err)
	}
	return c, gen.Config, nil
}

// String summarises the workload.
func (w *Workload) String() string {
	n := max(len(w.Blocks), 1)
	return fmt.Sprintf("%s (%s): %d blocks, %d txs (%.0f per block), %.1f Mgas per block",
		w.Name, w.Params, len(w.Blocks), w.Txs, float64(w.Txs)/float64(n), float64(w.Gas)/float64(n)/1e6)
}
