package chainspec

import (
	"fmt"
	"maps"
	"slices"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Config is a chain's configuration: its id, when each fork activates, the
// blob schedule and the per-EIP switches.
//
// The forks before the merge are scheduled by block number and kept so that
// real genesis files load (and the genesis header gets its London base
// fee); balexec does not execute blocks under their rules, and [Config.Rules]
// answers [ErrForkNotSupported] for them. Shanghai and later forks are
// scheduled by timestamp. A nil activation means the fork never activates.
//
// A Config is plain data. Build one with the loaders ([ParseConfig],
// [ParseForkEnv], [ConfigForNetwork]) or by hand and then [Config.Validate]
// it; the methods assume a valid configuration but never panic on an
// invalid one. It is safe to share between goroutines once built.
type Config struct {
	ChainID uint64

	// Block-number forks, before the merge.
	HomesteadBlock      *uint64
	DAOForkBlock        *uint64
	DAOForkSupport      bool
	EIP150Block         *uint64
	EIP155Block         *uint64
	EIP158Block         *uint64
	ByzantiumBlock      *uint64
	ConstantinopleBlock *uint64
	PetersburgBlock     *uint64
	IstanbulBlock       *uint64
	MuirGlacierBlock    *uint64
	BerlinBlock         *uint64
	LondonBlock         *uint64
	ArrowGlacierBlock   *uint64
	GrayGlacierBlock    *uint64
	MergeNetsplitBlock  *uint64

	// TerminalTotalDifficulty is the merge's total difficulty (kept for
	// completeness; post-Shanghai rules do not depend on it).
	TerminalTotalDifficulty *uint256.Int

	// Timestamp forks.
	ShanghaiTime  *uint64
	CancunTime    *uint64
	PragueTime    *uint64
	OsakaTime     *uint64
	BPO1Time      *uint64
	BPO2Time      *uint64
	BPO3Time      *uint64
	BPO4Time      *uint64
	BPO5Time      *uint64
	AmsterdamTime *uint64

	// BlobSchedule holds the blob parameters of Cancun, Prague and the BPO
	// forks. A fork without an entry (every named fork from Osaka on, and a
	// BPO fork left out) uses the entry of the latest earlier active fork
	// that has one; see [Config.BlobConfig].
	BlobSchedule map[Fork]BlobConfig

	// DepositContractAddress is where EIP-6110 deposit logs come from.
	DepositContractAddress types.Address

	// ExtraEIPs switches EIPs on in addition to those of the active forks,
	// from Shanghai on, to describe devnet mixes such as "Osaka plus
	// EIP-7928". They must be EIPs balexec knows ([KnownEIPs]). EIP-7610 is
	// only ever switched on this way: go-ethereum does not implement it.
	ExtraEIPs []int

	// Profile is the rule profile: which EIPs Amsterdam switches on, and in
	// which version (see [Profile]). The zero value is go-ethereum
	// v1.17.10's. No configuration file names it; the caller sets it.
	Profile Profile
}

// ForkTime returns the activation time of a timestamp fork, nil when it is
// not scheduled (or f is not a timestamp fork).
func (c *Config) ForkTime(f Fork) *uint64 {
	switch f {
	case ForkShanghai:
		return c.ShanghaiTime
	case ForkCancun:
		return c.CancunTime
	case ForkPrague:
		return c.PragueTime
	case ForkOsaka:
		return c.OsakaTime
	case ForkBPO1:
		return c.BPO1Time
	case ForkBPO2:
		return c.BPO2Time
	case ForkBPO3:
		return c.BPO3Time
	case ForkBPO4:
		return c.BPO4Time
	case ForkBPO5:
		return c.BPO5Time
	case ForkAmsterdam:
		return c.AmsterdamTime
	}
	return nil
}

// forkTimePtr returns the field holding f's activation time.
func (c *Config) forkTimePtr(f Fork) **uint64 {
	switch f {
	case ForkShanghai:
		return &c.ShanghaiTime
	case ForkCancun:
		return &c.CancunTime
	case ForkPrague:
		return &c.PragueTime
	case ForkOsaka:
		return &c.OsakaTime
	case ForkBPO1:
		return &c.BPO1Time
	case ForkBPO2:
		return &c.BPO2Time
	case ForkBPO3:
		return &c.BPO3Time
	case ForkBPO4:
		return &c.BPO4Time
	case ForkBPO5:
		return &c.BPO5Time
	case ForkAmsterdam:
		return &c.AmsterdamTime
	}
	return nil
}

// IsActive reports whether the timestamp fork f is active at time. As in
// go-ethereum's LatestFork, London is taken to have passed; block-level
// checks use [Config.Rules], which also requires London by number.
// ForkPreShanghai is always "active".
func (c *Config) IsActive(f Fork, time uint64) bool {
	if f == ForkPreShanghai {
		return true
	}
	t := c.ForkTime(f)
	return t != nil && *t <= time
}

// IsShanghai reports whether Shanghai is active at time.
func (c *Config) IsShanghai(time uint64) bool { return c.IsActive(ForkShanghai, time) }

// IsCancun reports whether Cancun is active at time.
func (c *Config) IsCancun(time uint64) bool { return c.IsActive(ForkCancun, time) }

// IsPrague reports whether Prague is active at time.
func (c *Config) IsPrague(time uint64) bool { return c.IsActive(ForkPrague, time) }

// IsOsaka reports whether Osaka is active at time.
func (c *Config) IsOsaka(time uint64) bool { return c.IsActive(ForkOsaka, time) }

// IsAmsterdam reports whether Amsterdam is active at time.
func (c *Config) IsAmsterdam(time uint64) bool { return c.IsActive(ForkAmsterdam, time) }

// IsLondon reports whether London (EIP-1559) is active at block number.
func (c *Config) IsLondon(number uint64) bool {
	return c.LondonBlock != nil && *c.LondonBlock <= number
}

// IsActiveAt reports whether the timestamp fork f is active for the block
// with the given number and time: f is active at time and London at number,
// as go-ethereum's IsShanghai(num, time) and friends ask. Block-level rules
// use this form.
func (c *Config) IsActiveAt(f Fork, number, time uint64) bool {
	return c.IsLondon(number) && c.IsActive(f, time)
}

// Fork returns the latest fork active at time, ForkPreShanghai when none is.
func (c *Config) Fork(time uint64) Fork {
	for f := numForks - 1; f > ForkPreShanghai; f-- {
		if c.IsActive(f, time) {
			return f
		}
	}
	return ForkPreShanghai
}

// Validate checks that the configuration is one balexec can run:
//   - forks activate in go-ethereum's order, block forks without gaps up to
//     the last one scheduled (go-ethereum's CheckConfigForkOrder), and
//     Shanghai requires London;
//   - each named timestamp fork requires the one before it (Cancun needs
//     Shanghai, ..., Amsterdam needs Osaka) and BPO forks need Osaka, as
//     the EVM's rules are cumulative;
//   - Cancun, when scheduled, has a blob schedule entry; every entry has a
//     non-zero update fraction and maximum; only Cancun, Prague and BPO
//     forks have entries;
//   - ExtraEIPs are known EIPs;
//   - the profile is one balexec has.
func (c *Config) Validate() error {
	if c.Profile >= numProfiles {
		return fmt.Errorf("%w: %v", ErrInvalidConfig, c.Profile)
	}
	if err := c.checkBlockForkOrder(); err != nil {
		return err
	}
	if err := c.checkTimeForkOrder(); err != nil {
		return err
	}
	named := [...]Fork{ForkShanghai, ForkCancun, ForkPrague, ForkOsaka}
	for i := 1; i < len(named); i++ {
		if c.ForkTime(named[i]) != nil && c.ForkTime(named[i-1]) == nil {
			return fmt.Errorf("%w: %s scheduled without %s", ErrInvalidConfig, named[i], named[i-1])
		}
	}
	for _, f := range [...]Fork{ForkBPO1, ForkBPO2, ForkBPO3, ForkBPO4, ForkBPO5, ForkAmsterdam} {
		if c.ForkTime(f) != nil && c.OsakaTime == nil {
			return fmt.Errorf("%w: %s scheduled without Osaka", ErrInvalidConfig, f)
		}
	}
	// In fork order, so that the error does not depend on map order.
	for _, f := range slices.Sorted(maps.Keys(c.BlobSchedule)) {
		bc := c.BlobSchedule[f]
		if !f.carriesBlobConfig() {
			return fmt.Errorf("%w: blob schedule entry for %s: only Cancun, Prague and BPO forks have one", ErrInvalidConfig, f)
		}
		if bc.UpdateFraction == 0 {
			return fmt.Errorf("%w: blob schedule of %s: update fraction is zero", ErrInvalidConfig, f)
		}
		if bc.Max == 0 {
			return fmt.Errorf("%w: blob schedule of %s: maximum is zero", ErrInvalidConfig, f)
		}
	}
	if c.CancunTime != nil {
		if _, ok := c.BlobSchedule[ForkCancun]; !ok {
			return fmt.Errorf("%w: Cancun scheduled without a blob schedule entry", ErrInvalidConfig)
		}
	}
	for _, n := range c.ExtraEIPs {
		if n < 0 || n > 0xffff || !IsKnownEIP(EIP(n)) {
			return fmt.Errorf("%w: extra EIP-%d is not one balexec knows", ErrInvalidConfig, n)
		}
	}
	return nil
}

// checkBlockForkOrder checks the block-number forks: each non-optional fork
// must be scheduled if a later one is, and numbers must not decrease.
func (c *Config) checkBlockForkOrder() error {
	type blockFork struct {
		name     string
		at       *uint64
		optional bool
	}
	var last blockFork
	for _, cur := range [...]blockFork{
		{"homesteadBlock", c.HomesteadBlock, false},
		{"daoForkBlock", c.DAOForkBlock, true},
		{"eip150Block", c.EIP150Block, false},
		{"eip155Block", c.EIP155Block, false},
		{"eip158Block", c.EIP158Block, false},
		{"byzantiumBlock", c.ByzantiumBlock, false},
		{"constantinopleBlock", c.ConstantinopleBlock, false},
		{"petersburgBlock", c.PetersburgBlock, false},
		{"istanbulBlock", c.IstanbulBlock, false},
		{"muirGlacierBlock", c.MuirGlacierBlock, true},
		{"berlinBlock", c.BerlinBlock, false},
		{"londonBlock", c.LondonBlock, false},
		{"arrowGlacierBlock", c.ArrowGlacierBlock, true},
		{"grayGlacierBlock", c.GrayGlacierBlock, true},
		{"mergeNetsplitBlock", c.MergeNetsplitBlock, true},
	} {
		if last.name != "" {
			switch {
			case last.at == nil && cur.at != nil:
				return fmt.Errorf("%w: %s not scheduled, but %s is (block %d)", ErrInvalidConfig, last.name, cur.name, *cur.at)
			case last.at != nil && cur.at != nil && *last.at > *cur.at:
				return fmt.Errorf("%w: %s at block %d, but %s at block %d", ErrInvalidConfig, last.name, *last.at, cur.name, *cur.at)
			}
		}
		if !cur.optional || cur.at != nil {
			last = cur
		}
	}
	if c.ShanghaiTime != nil && c.LondonBlock == nil {
		return fmt.Errorf("%w: londonBlock not scheduled, but shanghaiTime is", ErrInvalidConfig)
	}
	return nil
}

// checkTimeForkOrder checks that scheduled timestamp forks do not activate
// before an earlier one in timeForkOrder.
func (c *Config) checkTimeForkOrder() error {
	var (
		lastFork Fork
		lastTime *uint64
	)
	for _, f := range timeForkOrder {
		t := c.ForkTime(f)
		if t == nil {
			continue
		}
		if lastTime != nil && *lastTime > *t {
			return fmt.Errorf("%w: %s at time %d, but %s at time %d", ErrInvalidConfig, lastFork, *lastTime, f, *t)
		}
		lastFork, lastTime = f, t
	}
	return nil
}
