package bench

import "fmt"

// Params size a workload. The same name and Params give the same workload,
// byte for byte.
type Params struct {
	// Seed drives every choice: keys, addresses, recipients, amounts,
	// orders.
	Seed uint64
	// Blocks is the number of blocks (0: DefaultBlocks; at most MaxBlocks).
	Blocks int
	// GasLimit is every block's gas limit, the genesis's included (0:
	// DefaultGasLimit; MinGasLimit..MaxGasLimit). Blocks are filled to it.
	GasLimit uint64
	// Senders is the number of funded keys that send the transactions (0:
	// DefaultSenders; at most MaxSenders). Each transaction's sender is drawn
	// from them, so a sender may have several transactions in a block.
	Senders int
}

// Defaults and limits of Params. The limits keep a workload in memory and
// its generation in seconds; MaxBlocks also keeps the base fee, which rises
// by an eighth after each full block, affordable to the senders.
const (
	DefaultBlocks   = 4
	MaxBlocks       = 64
	DefaultGasLimit = 100_000_000
	MinGasLimit     = 2_000_000
	MaxGasLimit     = 500_000_000
	DefaultSenders  = 2048
	MaxSenders      = 1 << 16
)

// WithDefaults returns p with its zero fields set to the defaults.
func (p Params) WithDefaults() Params {
	if p.Blocks == 0 {
		p.Blocks = DefaultBlocks
	}
	if p.GasLimit == 0 {
		p.GasLimit = DefaultGasLimit
	}
	if p.Senders == 0 {
		p.Senders = DefaultSenders
	}
	return p
}

// Validate checks p (with the defaults applied) against the limits; errors
// wrap ErrInvalidParams.
func (p Params) Validate() error {
	p = p.WithDefaults()
	switch {
	case p.Blocks < 1 || p.Blocks > MaxBlocks:
		return fmt.Errorf("%w: %d blocks (want 1..%d)", ErrInvalidParams, p.Blocks, MaxBlocks)
	case p.GasLimit < MinGasLimit || p.GasLimit > MaxGasLimit:
		return fmt.Errorf("%w: gas limit %d (want %d..%d)", ErrInvalidParams, p.GasLimit, MinGasLimit, MaxGasLimit)
	case p.Senders < 1 || p.Senders > MaxSenders:
		return fmt.Errorf("%w: %d senders (want 1..%d)", ErrInvalidParams, p.Senders, MaxSenders)
	}
	return nil
}

// String names the parameters (defaults applied).
func (p Params) String() string {
	p = p.WithDefaults()
	return fmt.Sprintf("seed=%d blocks=%d gaslimit=%d senders=%d", p.Seed, p.Blocks, p.GasLimit, p.Senders)
}
