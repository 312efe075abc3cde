package gethpeer

import (
	"fmt"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	btypes "github.com/balexec/balexec/types"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
)

// The two sides, set up apart from the import so that a later benchmark can
// time only the import: go-ethereum's BlockChain.InsertChain (sequential or
// BAL-parallel processor) beside balexec's exec.Chain.Insert on the same
// blocks.

// GethProcessor selects go-ethereum's block processor.
type GethProcessor int

const (
	// GethDefault lets go-ethereum choose: its BAL-driven parallel processor
	// for Amsterdam blocks that carry an access list, the sequential one
	// otherwise.
	GethDefault GethProcessor = iota
	// GethSequential forces the sequential processor.
	GethSequential
)

// GethBlockChain returns a fresh go-ethereum BlockChain in memory holding
// the chain's genesis. The caller must Stop it.
func (c *Chain) GethBlockChain(proc GethProcessor) (*core.BlockChain, error) {
	cfg := core.DefaultConfig()
	cfg.VmConfig.DisableParallelExecution = proc == GethSequential
	bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), c.Genesis, Engine(), cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrGethImport, err)
	}
	return bc, nil
}

// InsertGeth imports the chain's blocks into bc (from GethBlockChain) and
// checks that the head is the chain's last block.
func (c *Chain) InsertGeth(bc *core.BlockChain) error {
	if n, err := bc.InsertChain(types.Blocks(c.Blocks)); err != nil {
		return fmt.Errorf("%w: %s: block %d: %v", ErrGethImport, c.Params, n+1, err)
	}
	if head, last := bc.CurrentBlock().Hash(), c.Blocks[len(c.Blocks)-1].Hash(); head != last {
		return fmt.Errorf("%w: %s: head %s, want %s", ErrGethImport, c.Params, head, last)
	}
	return nil
}

// BalexecSide is balexec's side of a chain: the chain at genesis, its
// configuration, and the blocks decoded by balexec's codec.
type BalexecSide struct {
	Config  *chainspec.Config
	Genesis btypes.Header
	Chain   *exec.Chain
	Blocks  []*btypes.Block
}

// Balexec parses the chain's genesis file with chainspec.ParseGenesis, checks
// that balexec's genesis hash is go-ethereum's, and decodes every block
// from go-ethereum's RLP with types.DecodeBlock.
func (c *Chain) Balexec() (*BalexecSide, error) {
	gen, hdr, err := c.balexecGenesis()
	if err != nil {
		return nil, err
	}
	if got, want := hdr.Hash(), btypes.Hash(c.GenesisBlock.Hash()); got != want {
		return nil, fmt.Errorf("%w: genesis hash: geth %s, balexec %s (header RLP geth %x, balexec %x)",
			ErrSetup, want, got, mustRLP(c.GenesisBlock.Header()), hdr.AppendRLP(nil))
	}
	chain, err := exec.NewChain(gen.Config, &hdr, gen.Alloc)
	if err != nil {
		return nil, fmt.Errorf("%w: balexec chain: %w", ErrSetup, err)
	}
	side := &BalexecSide{Config: gen.Config, Genesis: hdr, Chain: chain}
	for i, b := range c.Blocks {
		bb, err := btypes.DecodeBlock(mustRLP(b))
		if err != nil {
			return nil, fmt.Errorf("%w: block %d: balexec cannot decode go-ethereum's RLP: %w", ErrSetup, i+1, err)
		}
		side.Blocks = append(side.Blocks, bb)
	}
	return side, nil
}

// balexecGenesis parses the chain's genesis file with balexec and builds its
// genesis header.
func (c *Chain) balexecGenesis() (*chainspec.Genesis, btypes.Header, error) {
	gjson, err := c.GenesisJSON()
	if err != nil {
		return nil, btypes.Header{}, fmt.Errorf("%w: genesis JSON: %v", ErrSetup, err)
	}
	gen, err := chainspec.ParseGenesis(gjson)
	if err != nil {
		return nil, btypes.Header{}, fmt.Errorf("%w: balexec cannot parse the genesis: %w", ErrSetup, err)
	}
	hdr, err := gen.Header()
	if err != nil {
		return nil, btypes.Header{}, fmt.Errorf("%w: balexec genesis header: %w", ErrSetup, err)
	}
	return gen, hdr, nil
}
