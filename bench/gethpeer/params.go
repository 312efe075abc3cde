package gethpeer

import (
	"fmt"
	"strings"
)

// Fork is the fork a generated chain runs from genesis on.
type Fork uint8

// The forks the generator builds chains for. Each is the network of the
// same name in the ethereum/tests and execution-spec-tests fixtures (and in
// chainspec.ConfigForNetwork): every earlier fork active at genesis, and for
// Amsterdam BPO1 and BPO2 as well.
const (
	Cancun Fork = iota
	Prague
	Osaka
	Amsterdam
	numForks
)

var forkNames = [numForks]string{"Cancun", "Prague", "Osaka", "Amsterdam"}

// String returns the fork's network name.
func (f Fork) String() string {
	if f < numForks {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// Forks returns every fork the generator knows, oldest first.
func Forks() []Fork { return []Fork{Cancun, Prague, Osaka, Amsterdam} }

// ParseFork returns the fork with the given name (case-insensitive).
func ParseFork(name string) (Fork, error) {
	for f := range numForks {
		if strings.EqualFold(forkNames[f], name) {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown fork %q", ErrInvalidParams, name)
}

// Limits of Params, keeping a generated chain small enough to hold in
// memory and to generate in seconds.
const (
	MaxBlocks      = 512
	MaxTxsPerBlock = 256
)

// Params selects a generated chain. The same Params always give the same
// chain, byte for byte.
type Params struct {
	Seed   uint64
	Fork   Fork
	Blocks int // 1..MaxBlocks
	// TxsPerBlock is 0..MaxTxsPerBlock. A block carries fewer when its gas
	// runs out; with 8 or more, one block in five also gets gas-burning
	// transactions that fill it past its gas target.
	TxsPerBlock int
}

// Validate checks the parameters against the limits.
func (p Params) Validate() error {
	switch {
	case p.Fork >= numForks:
		return fmt.Errorf("%w: fork %d", ErrInvalidParams, p.Fork)
	case p.Blocks < 1 || p.Blocks > MaxBlocks:
		return fmt.Errorf("%w: %d blocks (want 1..%d)", ErrInvalidParams, p.Blocks, MaxBlocks)
	case p.TxsPerBlock < 0 || p.TxsPerBlock > MaxTxsPerBlock:
		return fmt.Errorf("%w: %d transactions per block (want 0..%d)", ErrInvalidParams, p.TxsPerBlock, MaxTxsPerBlock)
	}
	return nil
}

// String names the parameters as the command line takes them.
func (p Params) String() string {
	return fmt.Sprintf("seed=%d fork=%s blocks=%d txs=%d", p.Seed, p.Fork, p.Blocks, p.TxsPerBlock)
}
