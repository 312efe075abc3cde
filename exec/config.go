package exec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strings"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// Fork names a hard fork scheduled by timestamp: Shanghai and every fork
// after it. The order of the constants is go-ethereum's fork order
// (params/forks), which is also the priority of [Config.Fork]: the highest
// active fork wins.
type Fork uint8

// The forks balexec knows by name. ForkPreShanghai is not a fork: it stands
// for "no timestamp fork active yet", whose rules balexec does not run.
const (
	ForkPreShanghai Fork = iota
	ForkShanghai
	ForkCancun
	ForkPrague
	ForkOsaka
	ForkBPO1
	ForkBPO2
	ForkBPO3
	ForkBPO4
	ForkBPO5
	ForkAmsterdam
	numForks
)

var forkNames = [numForks]string{
	"pre-Shanghai", "Shanghai", "Cancun", "Prague", "Osaka",
	"BPO1", "BPO2", "BPO3", "BPO4", "BPO5", "Amsterdam",
}

// String returns the fork's name as go-ethereum and the test suites spell
// it ("Cancun", "BPO1").
func (f Fork) String() string {
	if f < numForks {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// carriesBlobConfig reports whether the fork may have its own blob schedule
// entry. From Prague on only BPO forks change blob parameters; named forks
// inherit the latest earlier entry.
func (f Fork) carriesBlobConfig() bool {
	return f == ForkCancun || f == ForkPrague || (f >= ForkBPO1 && f <= ForkBPO5)
}

// timeForkOrder is the order in which timestamp forks must activate
// (go-ethereum's CheckConfigForkOrder). Amsterdam may precede BPO3..BPO5.
var timeForkOrder = [...]Fork{
	ForkShanghai, ForkCancun, ForkPrague, ForkOsaka,
	ForkBPO1, ForkBPO2, ForkAmsterdam, ForkBPO3, ForkBPO4, ForkBPO5,
}

// BlobConfig is a fork's EIP-4844 blob parameters: the target and maximum
// number of blobs per block and the blob base fee update fraction.
type BlobConfig struct {
	Target         uint64
	Max            uint64
	UpdateFraction uint64
}

// MaxBlobGas returns the blob gas of Max blobs.
func (b BlobConfig) MaxBlobGas() uint64 { return b.Max * types.BlobGasPerBlob }

// TargetBlobGas returns the blob gas of Target blobs.
func (b BlobConfig) TargetBlobGas() uint64 { return b.Target * types.BlobGasPerBlob }

// The standard blob schedules of Ethereum mainnet and the test suites.
var (
	CancunBlobConfig = BlobConfig{Target: 3, Max: 6, UpdateFraction: 3338477}
	PragueBlobConfig = BlobConfig{Target: 6, Max: 9, UpdateFraction: 5007716}
	BPO1BlobConfig   = BlobConfig{Target: 10, Max: 15, UpdateFraction: 8346193}
	BPO2BlobConfig   = BlobConfig{Target: 14, Max: 21, UpdateFraction: 11684671}
	BPO3BlobConfig   = BlobConfig{Target: 21, Max: 32, UpdateFraction: 20609697}
	BPO4BlobConfig   = BlobConfig{Target: 14, Max: 21, UpdateFraction: 13739630}
)

// MainnetDepositContract is the EIP-6110 deposit contract of Ethereum
// mainnet, which the test-suite networks from Prague on also use.
var MainnetDepositContract = types.MustHexToAddress("0x00000000219ab540356cBB839Cbe05303d7705Fa")

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

// isForkAt is go-ethereum's IsShanghai(num, time) and friends: the fork is
// active at time and London is active at number.
func (c *Config) isForkAt(f Fork, number, time uint64) bool {
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

// BlobConfig returns the blob parameters in force at time: the entry of the
// latest active fork among BPO5..BPO1, Prague and Cancun that has one, as
// go-ethereum's eip4844 package walks the schedule. It reports false before
// Cancun or when no active fork has an entry.
func (c *Config) BlobConfig(time uint64) (BlobConfig, bool) {
	for f := ForkBPO5; f >= ForkCancun; f-- {
		if !f.carriesBlobConfig() || !c.IsActive(f, time) {
			continue
		}
		if bc, ok := c.BlobSchedule[f]; ok {
			return bc, true
		}
	}
	return BlobConfig{}, false
}

// EIPs returns the set of EIPs active at time: those of every active fork
// plus ExtraEIPs. It is empty before Shanghai. Code that needs to know
// whether a particular EIP applies asks this set, so a devnet mix of EIPs
// needs no fork of its own.
func (c *Config) EIPs(time uint64) EIPSet {
	var s EIPSet
	if !c.IsShanghai(time) {
		return s
	}
	for f := ForkShanghai; f < numForks; f++ {
		if c.IsActive(f, time) {
			s = s.Union(forkEIPSets[f])
		}
	}
	for _, n := range c.ExtraEIPs {
		if n >= 0 && n <= 0xffff {
			s.add(EIP(n))
		}
	}
	return s
}

// Rules returns the EVM rules of the block with the given number and
// timestamp. Blocks before Shanghai (or before London by number) get
// ErrForkNotSupported.
//
// The fork flags follow the active forks (the BPO forks run under Osaka's
// flags). Each Amsterdam EIP switch is on when [Config.EIPs] holds the EIP,
// so a devnet's ExtraEIPs switch single EIPs on: EIP7825Amended (the
// amended gas cap of EIP-7825) goes with EIP-8037, which amends it; EIP7954
// is the 64 KiB code and 128 KiB initcode limits. EIP7610 is set only when
// ExtraEIPs asks for it. A mix the EVM cannot run (see evm.Rules) is
// ErrInvalidConfig.
func (c *Config) Rules(number, time uint64) (evm.Rules, error) {
	var r evm.Rules
	if !c.isForkAt(ForkShanghai, number, time) {
		return r, fmt.Errorf("%w: block %d at time %d runs %s rules", ErrForkNotSupported, number, time, c.preShanghaiName(number))
	}
	r.ChainID.SetUint64(c.ChainID)
	r.IsShanghai = true
	r.IsCancun = c.IsCancun(time)
	r.IsPrague = c.IsPrague(time)
	r.IsOsaka = c.IsOsaka(time)
	r.IsAmsterdam = c.IsAmsterdam(time)
	eips := c.EIPs(time)
	r.EIP7928 = eips.Has(EIP7928)
	r.EIP8037 = eips.Has(EIP8037)
	r.EIP8038 = eips.Has(EIP8038)
	r.EIP2780 = eips.Has(EIP2780)
	r.EIP7976 = eips.Has(EIP7976)
	r.EIP7981 = eips.Has(EIP7981)
	r.EIP7708 = eips.Has(EIP7708)
	r.EIP8246 = eips.Has(EIP8246)
	r.EIP7843 = eips.Has(EIP7843)
	r.EIP8024 = eips.Has(EIP8024)
	r.EIP7954 = eips.Has(EIP7954)
	r.EIP7825Amended = eips.Has(EIP8037)
	r.EIP8282 = eips.Has(EIP8282)
	r.EIP7610 = eips.Has(EIP7610)
	if err := r.Validate(); err != nil {
		return evm.Rules{}, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return r, nil
}

// preShanghaiName names the rules of a block before Shanghai, for errors.
func (c *Config) preShanghaiName(number uint64) string {
	if c.IsLondon(number) {
		return "pre-Shanghai (London or Paris)"
	}
	return "pre-London"
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
//   - ExtraEIPs are known EIPs.
func (c *Config) Validate() error {
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

// EIP is an Ethereum Improvement Proposal by number. The EIPs balexec tracks
// are the consensus changes of Shanghai and later forks (see [KnownEIPs]).
type EIP uint16

// The EIPs of each fork, and EIP-7610, which no fork schedules here.
const (
	// Shanghai.
	EIP3651 EIP = 3651 // warm coinbase
	EIP3855 EIP = 3855 // PUSH0
	EIP3860 EIP = 3860 // initcode size limit and metering
	EIP4895 EIP = 4895 // beacon-chain withdrawals
	EIP6049 EIP = 6049 // SELFDESTRUCT deprecation notice (no rule change)

	// Cancun.
	EIP1153 EIP = 1153 // transient storage
	EIP4788 EIP = 4788 // beacon block root in the EVM
	EIP4844 EIP = 4844 // blob transactions
	EIP5656 EIP = 5656 // MCOPY
	EIP6780 EIP = 6780 // SELFDESTRUCT only in the same transaction
	EIP7516 EIP = 7516 // BLOBBASEFEE

	// Prague.
	EIP2537 EIP = 2537 // BLS12-381 precompiles
	EIP2935 EIP = 2935 // historical block hashes in state
	EIP6110 EIP = 6110 // validator deposits on chain
	EIP7002 EIP = 7002 // execution-layer triggerable withdrawals
	EIP7251 EIP = 7251 // consolidations (MAX_EFFECTIVE_BALANCE)
	EIP7623 EIP = 7623 // calldata cost floor
	EIP7685 EIP = 7685 // execution-layer requests
	EIP7691 EIP = 7691 // blob throughput increase
	EIP7702 EIP = 7702 // set-code transactions

	// Osaka.
	EIP7594 EIP = 7594 // PeerDAS: at most 6 blobs per transaction
	EIP7823 EIP = 7823 // MODEXP input bounds
	EIP7825 EIP = 7825 // transaction gas cap 2^24
	EIP7883 EIP = 7883 // MODEXP repricing
	EIP7918 EIP = 7918 // blob base fee bounded by execution cost
	EIP7934 EIP = 7934 // RLP block size cap
	EIP7939 EIP = 7939 // CLZ
	EIP7951 EIP = 7951 // P256VERIFY

	// Amsterdam (go-ethereum v1.17.10's set).
	EIP2780 EIP = 2780 // resource-based intrinsic gas
	EIP7708 EIP = 7708 // ETH transfer logs
	EIP7843 EIP = 7843 // SLOTNUM and the header slot number
	EIP7928 EIP = 7928 // block-level access lists
	EIP7954 EIP = 7954 // larger contract and initcode size limits
	EIP7976 EIP = 7976 // calldata floor 64 gas per byte
	EIP7981 EIP = 7981 // access-list data cost
	EIP8024 EIP = 8024 // DUPN, SWAPN, EXCHANGE
	EIP8037 EIP = 8037 // multidimensional (state) gas
	EIP8038 EIP = 8038 // state-access repricing
	EIP8246 EIP = 8246 // SELFDESTRUCT no longer burns
	EIP8282 EIP = 8282 // builder deposit and exit requests

	// Only through Config.ExtraEIPs.
	EIP7610 EIP = 7610 // storage makes a creation collision (retroactive)
)

// String returns "EIP-n".
func (e EIP) String() string { return fmt.Sprintf("EIP-%d", uint16(e)) }

// The EIPs each fork switches on (BPO forks only change blob parameters).
var (
	shanghaiEIPs  = [...]EIP{EIP3651, EIP3855, EIP3860, EIP4895, EIP6049}
	cancunEIPs    = [...]EIP{EIP1153, EIP4788, EIP4844, EIP5656, EIP6780, EIP7516}
	pragueEIPs    = [...]EIP{EIP2537, EIP2935, EIP6110, EIP7002, EIP7251, EIP7623, EIP7685, EIP7691, EIP7702}
	osakaEIPs     = [...]EIP{EIP7594, EIP7823, EIP7825, EIP7883, EIP7918, EIP7934, EIP7939, EIP7951}
	amsterdamEIPs = [...]EIP{EIP2780, EIP7708, EIP7843, EIP7928, EIP7954, EIP7976, EIP7981, EIP8024, EIP8037, EIP8038, EIP8246, EIP8282}
)

// knownEIPs lists every EIP an EIPSet can hold, in increasing order; an
// EIP's bit in the set is its index here.
var knownEIPs = [...]EIP{
	EIP1153, EIP2537, EIP2780, EIP2935, EIP3651, EIP3855, EIP3860, EIP4788,
	EIP4844, EIP4895, EIP5656, EIP6049, EIP6110, EIP6780, EIP7002, EIP7251,
	EIP7516, EIP7594, EIP7610, EIP7623, EIP7685, EIP7691, EIP7702, EIP7708,
	EIP7823, EIP7825, EIP7843, EIP7883, EIP7918, EIP7928, EIP7934, EIP7939,
	EIP7951, EIP7954, EIP7976, EIP7981, EIP8024, EIP8037, EIP8038, EIP8246,
	EIP8282,
}

// forkEIPSets[f] is the set of EIPs fork f itself switches on. Built once,
// read-only afterwards.
var forkEIPSets = func() (sets [numForks]EIPSet) {
	for _, e := range shanghaiEIPs {
		sets[ForkShanghai].add(e)
	}
	for _, e := range cancunEIPs {
		sets[ForkCancun].add(e)
	}
	for _, e := range pragueEIPs {
		sets[ForkPrague].add(e)
	}
	for _, e := range osakaEIPs {
		sets[ForkOsaka].add(e)
	}
	for _, e := range amsterdamEIPs {
		sets[ForkAmsterdam].add(e)
	}
	return sets
}()

// eipIndex returns e's index in knownEIPs.
func eipIndex(e EIP) (int, bool) {
	lo, hi := 0, len(knownEIPs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if knownEIPs[m] < e {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(knownEIPs) && knownEIPs[lo] == e
}

// IsKnownEIP reports whether e is one of the EIPs balexec tracks.
func IsKnownEIP(e EIP) bool {
	_, ok := eipIndex(e)
	return ok
}

// KnownEIPs returns the EIPs balexec tracks, in increasing order, in a new
// slice.
func KnownEIPs() []EIP { return append([]EIP(nil), knownEIPs[:]...) }

// EIPSet is a set of known EIPs, a value type. The zero value is empty.
type EIPSet struct {
	bits [(len(knownEIPs) + 63) / 64]uint64
}

// add puts e in the set; unknown EIPs are ignored.
func (s *EIPSet) add(e EIP) {
	if i, ok := eipIndex(e); ok {
		s.bits[i/64] |= 1 << (i % 64)
	}
}

// With returns s with e added. Unknown EIPs are ignored.
func (s EIPSet) With(e EIP) EIPSet {
	s.add(e)
	return s
}

// Has reports whether e is in the set.
func (s EIPSet) Has(e EIP) bool {
	i, ok := eipIndex(e)
	return ok && s.bits[i/64]&(1<<(i%64)) != 0
}

// Union returns the EIPs in s or t.
func (s EIPSet) Union(t EIPSet) EIPSet {
	for i := range s.bits {
		s.bits[i] |= t.bits[i]
	}
	return s
}

// Len returns the number of EIPs in the set.
func (s EIPSet) Len() int {
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// List returns the EIPs in the set, in increasing order, in a new slice.
func (s EIPSet) List() []EIP {
	var out []EIP
	for i, e := range knownEIPs {
		if s.bits[i/64]&(1<<(i%64)) != 0 {
			out = append(out, e)
		}
	}
	return out
}

// forkByKey maps the lower-case key of a fork in a blob schedule or a hive
// variable ("cancun", "bpo1") to the fork.
func forkByKey(key string) (Fork, bool) {
	for f := ForkShanghai; f < numForks; f++ {
		if strings.EqualFold(key, forkNames[f]) {
			return f, true
		}
	}
	return 0, false
}

// blockForkPtr returns the field of the block-number fork with the given
// lower-case genesis key.
func (c *Config) blockForkPtr(key string) **uint64 {
	switch key {
	case "homesteadblock":
		return &c.HomesteadBlock
	case "daoforkblock":
		return &c.DAOForkBlock
	case "eip150block":
		return &c.EIP150Block
	case "eip155block":
		return &c.EIP155Block
	case "eip158block":
		return &c.EIP158Block
	case "byzantiumblock":
		return &c.ByzantiumBlock
	case "constantinopleblock":
		return &c.ConstantinopleBlock
	case "petersburgblock":
		return &c.PetersburgBlock
	case "istanbulblock":
		return &c.IstanbulBlock
	case "muirglacierblock":
		return &c.MuirGlacierBlock
	case "berlinblock":
		return &c.BerlinBlock
	case "londonblock":
		return &c.LondonBlock
	case "arrowglacierblock":
		return &c.ArrowGlacierBlock
	case "grayglacierblock":
		return &c.GrayGlacierBlock
	case "mergenetsplitblock":
		return &c.MergeNetsplitBlock
	}
	return nil
}

// ParseConfig reads the "config" object of a go-ethereum genesis file (see
// [Config.UnmarshalJSON]) and validates it.
func ParseConfig(data []byte) (*Config, error) {
	c := new(Config)
	if err := c.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// UnmarshalJSON reads the "config" object of a go-ethereum genesis file:
// chainId, the block forks (homesteadBlock .. mergeNetsplitBlock,
// daoForkSupport), terminalTotalDifficulty, the timestamp forks
// (shanghaiTime .. osakaTime, bpo1Time .. bpo5Time, amsterdamTime),
// depositContractAddress and blobSchedule. Keys match case-insensitively,
// as go-ethereum's do; unknown keys are ignored. Numbers are JSON integers
// or strings of 0x-hex or decimal digits. chainId is required.
//
// blobSchedule entries ({target, max, baseFeeUpdateFraction}) are read for
// cancun, prague and bpo1..bpo5. go-ethereum has no entry for a named fork
// from Osaka on; an "osaka" or "amsterdam" entry is accepted only when it
// equals the entry that fork inherits, and is then dropped.
//
// It does not validate the result; [ParseConfig] does.
func (c *Config) UnmarshalJSON(data []byte) error {
	members, err := jsonMembers(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	var (
		out      Config
		haveID   bool
		blobsRaw json.RawMessage
	)
	for _, m := range members {
		switch key := m.key; {
		case key == "chainid":
			z, ok, err := jsonQuantity(m.val)
			if err == nil && ok && !z.IsUint64() {
				err = errOverflow
			}
			if err != nil {
				return fmt.Errorf("%w: chainId: %w", ErrInvalidConfig, err)
			}
			out.ChainID, haveID = z.Uint64(), ok
		case key == "daoforksupport":
			if err := jsonBool(m.val, &out.DAOForkSupport); err != nil {
				return fmt.Errorf("%w: daoForkSupport: %w", ErrInvalidConfig, err)
			}
		case key == "terminaltotaldifficulty":
			z, ok, err := jsonQuantity(m.val)
			if err != nil {
				return fmt.Errorf("%w: terminalTotalDifficulty: %w", ErrInvalidConfig, err)
			}
			if ok {
				out.TerminalTotalDifficulty = &z
			}
		case key == "depositcontractaddress":
			var s *string
			if err := json.Unmarshal(m.val, &s); err != nil {
				return fmt.Errorf("%w: depositContractAddress: %w", ErrInvalidConfig, err)
			}
			if s != nil {
				a, err := types.HexToAddress(*s)
				if err != nil {
					return fmt.Errorf("%w: depositContractAddress: %w", ErrInvalidConfig, err)
				}
				out.DepositContractAddress = a
			}
		case key == "blobschedule":
			blobsRaw = m.val
		case out.blockForkPtr(key) != nil:
			v, err := jsonUint64(m.val)
			if err != nil {
				return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, m.name, err)
			}
			*out.blockForkPtr(key) = v
		case strings.HasSuffix(key, "time"):
			f, ok := forkByKey(strings.TrimSuffix(key, "time"))
			if !ok {
				continue // bogotaTime, ubtTime, ...: not ours
			}
			v, err := jsonUint64(m.val)
			if err != nil {
				return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, m.name, err)
			}
			*out.forkTimePtr(f) = v
		}
	}
	if !haveID {
		return fmt.Errorf("%w: chainId missing", ErrInvalidConfig)
	}
	named, err := out.readBlobSchedule(blobsRaw)
	if err != nil {
		return err
	}
	if err := out.checkInherited(named); err != nil {
		return err
	}
	*c = out
	return nil
}

// readBlobSchedule reads a blobSchedule object into c.BlobSchedule and
// returns the entries of named forks separately.
func (c *Config) readBlobSchedule(raw json.RawMessage) (map[Fork]BlobConfig, error) {
	members, err := jsonMembers(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: blobSchedule: %w", ErrInvalidConfig, err)
	}
	named := map[Fork]BlobConfig{}
	for _, m := range members {
		f, ok := forkByKey(m.key)
		if !ok || f < ForkCancun {
			continue // unknown to go-ethereum too
		}
		bc, err := readBlobConfig(m.val)
		if err != nil {
			return nil, fmt.Errorf("%w: blobSchedule.%s: %w", ErrInvalidConfig, m.name, err)
		}
		if !f.carriesBlobConfig() {
			named[f] = bc
			continue
		}
		if c.BlobSchedule == nil {
			c.BlobSchedule = map[Fork]BlobConfig{}
		}
		c.BlobSchedule[f] = bc
	}
	return named, nil
}

// readBlobConfig reads {target, max, baseFeeUpdateFraction}.
func readBlobConfig(raw json.RawMessage) (BlobConfig, error) {
	var bc BlobConfig
	members, err := jsonMembers(raw)
	if err != nil {
		return bc, err
	}
	for _, m := range members {
		var dst *uint64
		switch m.key {
		case "target":
			dst = &bc.Target
		case "max":
			dst = &bc.Max
		case "basefeeupdatefraction":
			dst = &bc.UpdateFraction
		default:
			continue
		}
		v, err := jsonUint64(m.val)
		if err != nil {
			return bc, fmt.Errorf("%s: %w", m.name, err)
		}
		if v != nil {
			*dst = *v
		}
	}
	return bc, nil
}

// checkInherited accepts blob schedule entries of named forks (Osaka,
// Amsterdam) only when they equal what the fork inherits; go-ethereum
// ignores such entries, so a different one would be silently overridden.
// Entries of forks that are not scheduled are ignored.
func (c *Config) checkInherited(named map[Fork]BlobConfig) error {
	for f := ForkShanghai; f < numForks; f++ {
		bc, ok := named[f]
		t := c.ForkTime(f)
		if !ok || t == nil {
			continue
		}
		if inherited, _ := c.BlobConfig(*t); inherited != bc {
			return fmt.Errorf("%w: blob schedule entry of %s %+v differs from the one it inherits %+v (named forks have none)", ErrInvalidConfig, f, bc, inherited)
		}
	}
	return nil
}

// ParseForkEnv reads a hive forkenv.json: a JSON object of HIVE_*
// environment variables with string values, as hive hands them to a
// client. It maps them as hive's go-ethereum mapper does:
//
//	HIVE_CHAIN_ID                        chainId
//	HIVE_FORK_HOMESTEAD, _DAO_BLOCK, _TANGERINE (EIP-150), _SPURIOUS
//	  (EIP-155 and EIP-158), _BYZANTIUM, _CONSTANTINOPLE, _PETERSBURG,
//	  _ISTANBUL, _MUIR_GLACIER, _BERLIN, _LONDON, _ARROW_GLACIER,
//	  _GRAY_GLACIER                      the block forks
//	HIVE_FORK_DAO_VOTE                   daoForkSupport ("1")
//	HIVE_MERGE_BLOCK_ID                  mergeNetsplitBlock
//	HIVE_TERMINAL_TOTAL_DIFFICULTY       terminalTotalDifficulty (2^63-1 if absent)
//	HIVE_<FORK>_TIMESTAMP                the timestamp forks (SHANGHAI .. AMSTERDAM, BPO1..BPO5)
//	HIVE_<FORK>_BLOB_TARGET, _BLOB_MAX, _BLOB_BASE_FEE_UPDATE_FRACTION
//	                                     the blob schedule
//	HIVE_DEPOSIT_CONTRACT_ADDRESS        depositContractAddress (zero if absent)
//
// A scheduled Cancun or Prague without blob variables gets the standard
// schedule, field by field, as the mapper does. Blob variables of named
// forks (OSAKA, AMSTERDAM) must equal what the fork inherits, as in
// [Config.UnmarshalJSON]. Other variables are ignored. The result is
// validated.
func ParseForkEnv(data []byte) (*Config, error) {
	members, err := jsonMembers(data)
	if err != nil {
		return nil, fmt.Errorf("%w: forkenv: %w", ErrInvalidConfig, err)
	}
	vars := make(map[string]string, len(members))
	for _, m := range members {
		var s string
		if err := json.Unmarshal(m.val, &s); err != nil {
			return nil, fmt.Errorf("%w: forkenv %s: value is not a string", ErrInvalidConfig, m.name)
		}
		vars[strings.ToUpper(m.name)] = s
	}
	num := func(name string) (*uint64, error) {
		s, ok := vars[name]
		if !ok {
			return nil, nil
		}
		z, err := parseQuantity(s)
		if err == nil && !z.IsUint64() {
			err = errOverflow
		}
		if err != nil {
			return nil, fmt.Errorf("%w: forkenv %s: %w", ErrInvalidConfig, name, err)
		}
		v := z.Uint64()
		return &v, nil
	}
	c := new(Config)
	id, err := num("HIVE_CHAIN_ID")
	if err != nil {
		return nil, err
	}
	if id == nil {
		return nil, fmt.Errorf("%w: forkenv: HIVE_CHAIN_ID missing", ErrInvalidConfig)
	}
	c.ChainID = *id
	for _, b := range [...]struct {
		name string
		dst  []**uint64
	}{
		{"HIVE_FORK_HOMESTEAD", []**uint64{&c.HomesteadBlock}},
		{"HIVE_FORK_DAO_BLOCK", []**uint64{&c.DAOForkBlock}},
		{"HIVE_FORK_TANGERINE", []**uint64{&c.EIP150Block}},
		{"HIVE_FORK_SPURIOUS", []**uint64{&c.EIP155Block, &c.EIP158Block}},
		{"HIVE_FORK_BYZANTIUM", []**uint64{&c.ByzantiumBlock}},
		{"HIVE_FORK_CONSTANTINOPLE", []**uint64{&c.ConstantinopleBlock}},
		{"HIVE_FORK_PETERSBURG", []**uint64{&c.PetersburgBlock}},
		{"HIVE_FORK_ISTANBUL", []**uint64{&c.IstanbulBlock}},
		{"HIVE_FORK_MUIR_GLACIER", []**uint64{&c.MuirGlacierBlock}},
		{"HIVE_FORK_BERLIN", []**uint64{&c.BerlinBlock}},
		{"HIVE_FORK_LONDON", []**uint64{&c.LondonBlock}},
		{"HIVE_FORK_ARROW_GLACIER", []**uint64{&c.ArrowGlacierBlock}},
		{"HIVE_FORK_GRAY_GLACIER", []**uint64{&c.GrayGlacierBlock}},
		{"HIVE_MERGE_BLOCK_ID", []**uint64{&c.MergeNetsplitBlock}},
	} {
		v, err := num(b.name)
		if err != nil {
			return nil, err
		}
		for _, d := range b.dst {
			if v != nil {
				x := *v
				*d = &x
			}
		}
	}
	c.DAOForkSupport = vars["HIVE_FORK_DAO_VOTE"] == "1"
	if s, ok := vars["HIVE_TERMINAL_TOTAL_DIFFICULTY"]; ok {
		z, err := parseQuantity(s)
		if err != nil {
			return nil, fmt.Errorf("%w: forkenv HIVE_TERMINAL_TOTAL_DIFFICULTY: %w", ErrInvalidConfig, err)
		}
		c.TerminalTotalDifficulty = &z
	} else {
		c.TerminalTotalDifficulty = uint256.NewInt(1<<63 - 1)
	}
	if s, ok := vars["HIVE_DEPOSIT_CONTRACT_ADDRESS"]; ok {
		a, err := types.HexToAddress(s)
		if err != nil {
			return nil, fmt.Errorf("%w: forkenv HIVE_DEPOSIT_CONTRACT_ADDRESS: %w", ErrInvalidConfig, err)
		}
		c.DepositContractAddress = a
	}
	named := map[Fork]BlobConfig{}
	for f := ForkShanghai; f < numForks; f++ {
		prefix := "HIVE_" + strings.ToUpper(forkNames[f])
		t, err := num(prefix + "_TIMESTAMP")
		if err != nil {
			return nil, err
		}
		*c.forkTimePtr(f) = t
		if f < ForkCancun {
			continue
		}
		var (
			bc      BlobConfig
			present bool
		)
		switch f {
		case ForkCancun:
			bc = CancunBlobConfig
		case ForkPrague, ForkOsaka:
			bc = PragueBlobConfig
		}
		for _, field := range [...]struct {
			suffix string
			dst    *uint64
		}{
			{"_BLOB_TARGET", &bc.Target},
			{"_BLOB_MAX", &bc.Max},
			{"_BLOB_BASE_FEE_UPDATE_FRACTION", &bc.UpdateFraction},
		} {
			v, err := num(prefix + field.suffix)
			if err != nil {
				return nil, err
			}
			if v != nil {
				*field.dst, present = *v, true
			}
		}
		switch {
		case !f.carriesBlobConfig():
			if present {
				named[f] = bc
			}
		case present || (t != nil && (f == ForkCancun || f == ForkPrague)):
			if c.BlobSchedule == nil {
				c.BlobSchedule = map[Fork]BlobConfig{}
			}
			c.BlobSchedule[f] = bc
		}
	}
	if err := c.checkInherited(named); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// ConfigForNetwork returns the configuration of a network named as in the
// ethereum/tests and execution-spec-tests fixtures ("Cancun",
// "PragueToOsakaAtTime15k", "BPO2ToAmsterdamAtTime15k", ...), with the
// values of go-ethereum's tests/init.go: chain id 1, every block fork at
// block 0, merged at genesis, the standard blob schedules, the mainnet
// deposit contract from Prague on, and transitions at time 15000.
//
// The networks of forks before Shanghai (Frontier .. Paris, and the
// transitions between them) give ErrForkNotSupported; other names give
// ErrUnknownNetwork.
func ConfigForNetwork(name string) (*Config, error) {
	at0, at15k, ok := networkForks(name)
	if !ok {
		if isPreShanghaiNetwork(name) {
			return nil, fmt.Errorf("%w: network %q", ErrForkNotSupported, name)
		}
		return nil, fmt.Errorf("%w: %q", ErrUnknownNetwork, name)
	}
	zero := func() *uint64 { return new(uint64) }
	c := &Config{
		ChainID:                 1,
		HomesteadBlock:          zero(),
		EIP150Block:             zero(),
		EIP155Block:             zero(),
		EIP158Block:             zero(),
		ByzantiumBlock:          zero(),
		ConstantinopleBlock:     zero(),
		PetersburgBlock:         zero(),
		IstanbulBlock:           zero(),
		MuirGlacierBlock:        zero(),
		BerlinBlock:             zero(),
		LondonBlock:             zero(),
		ArrowGlacierBlock:       zero(),
		MergeNetsplitBlock:      zero(),
		TerminalTotalDifficulty: new(uint256.Int),
	}
	schedule := func(f Fork, t uint64) {
		*c.forkTimePtr(f) = &t
		var bc BlobConfig
		switch f {
		case ForkCancun:
			bc = CancunBlobConfig
		case ForkPrague:
			bc = PragueBlobConfig
		case ForkBPO1:
			bc = BPO1BlobConfig
		case ForkBPO2:
			bc = BPO2BlobConfig
		case ForkBPO3:
			bc = BPO3BlobConfig
		case ForkBPO4:
			bc = BPO4BlobConfig
		default:
			return
		}
		if c.BlobSchedule == nil {
			c.BlobSchedule = map[Fork]BlobConfig{}
		}
		c.BlobSchedule[f] = bc
	}
	for _, f := range at0 {
		schedule(f, 0)
	}
	if at15k != ForkPreShanghai {
		schedule(at15k, 15_000)
	}
	if c.PragueTime != nil {
		c.DepositContractAddress = MainnetDepositContract
	}
	if err := c.Validate(); err != nil {
		return nil, err // a bug in the table above
	}
	return c, nil
}

// testForkChain is the fork sequence of the test-suite networks: each
// network activates a prefix of it at genesis (Amsterdam follows BPO2).
var testForkChain = [...]Fork{ForkShanghai, ForkCancun, ForkPrague, ForkOsaka, ForkBPO1, ForkBPO2, ForkBPO3, ForkBPO4}

// networkForks returns the forks a test network activates at genesis and
// the one it activates at time 15000 (ForkPreShanghai for none).
func networkForks(name string) (at0 []Fork, at15k Fork, ok bool) {
	prefix := func(last Fork) []Fork {
		for i, f := range testForkChain {
			if f == last {
				return testForkChain[: i+1 : i+1]
			}
		}
		return nil
	}
	amsterdam := func() []Fork { return append(prefix(ForkBPO2)[:6:6], ForkAmsterdam) }
	if name == "Amsterdam" {
		return amsterdam(), ForkPreShanghai, true
	}
	if f, ok := forkByKey(name); ok && f != ForkBPO5 && forkNames[f] == name {
		return prefix(f), ForkPreShanghai, true
	}
	switch name {
	case "ParisToShanghaiAtTime15k":
		return nil, ForkShanghai, true
	case "ShanghaiToCancunAtTime15k":
		return prefix(ForkShanghai), ForkCancun, true
	case "CancunToPragueAtTime15k":
		return prefix(ForkCancun), ForkPrague, true
	case "PragueToOsakaAtTime15k":
		return prefix(ForkPrague), ForkOsaka, true
	case "OsakaToBPO1AtTime15k":
		return prefix(ForkOsaka), ForkBPO1, true
	case "BPO1ToBPO2AtTime15k":
		return prefix(ForkBPO1), ForkBPO2, true
	case "BPO2ToBPO3AtTime15k":
		return prefix(ForkBPO2), ForkBPO3, true
	case "BPO3ToBPO4AtTime15k":
		return prefix(ForkBPO3), ForkBPO4, true
	case "BPO2ToAmsterdamAtTime15k":
		return prefix(ForkBPO2), ForkAmsterdam, true
	}
	return nil, 0, false
}

// isPreShanghaiNetwork reports whether name is a test-suite network whose
// blocks all run rules before Shanghai.
func isPreShanghaiNetwork(name string) bool {
	switch name {
	case "Frontier", "Homestead", "EIP150", "TangerineWhistle", "EIP158", "SpuriousDragon",
		"Byzantium", "Constantinople", "ConstantinopleFix", "Petersburg", "Istanbul",
		"MuirGlacier", "Berlin", "London", "ArrowGlacier", "GrayGlacier", "Paris", "Merge",
		"FrontierToHomesteadAt5", "HomesteadToEIP150At5", "HomesteadToDaoAt5",
		"EIP158ToByzantiumAt5", "ByzantiumToConstantinopleAt5",
		"ByzantiumToConstantinopleFixAt5", "ConstantinopleFixToIstanbulAt5",
		"BerlinToLondonAt5", "ArrowGlacierToParisAtDiffC0000":
		return true
	}
	return false
}

// errOverflow: a number does not fit its field.
var errOverflow = errors.New("number out of range")

// jsonMember is one member of a JSON object: its name, the name in lower
// case, and its raw value.
type jsonMember struct {
	name, key string
	val       json.RawMessage
}

// jsonMembers returns the members of a JSON object sorted by lower-case
// name (so that errors do not depend on map order). Empty input and null give none; a
// name given twice, in any case, is an error.
func jsonMembers(data []byte) ([]jsonMember, error) {
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	out := make([]jsonMember, 0, len(m))
	for name, val := range m {
		out = append(out, jsonMember{name: name, key: strings.ToLower(name), val: val})
	}
	slices.SortFunc(out, func(a, b jsonMember) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	for i := 1; i < len(out); i++ {
		if out[i].key == out[i-1].key {
			return nil, fmt.Errorf("member %q given twice (as %q)", out[i].name, out[i-1].name)
		}
	}
	return out, nil
}

// jsonBool reads a JSON boolean; null leaves dst unchanged.
func jsonBool(raw json.RawMessage, dst *bool) error {
	var b *bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return err
	}
	if b != nil {
		*dst = *b
	}
	return nil
}

// jsonUint64 reads an optional unsigned 64-bit integer (see jsonQuantity).
func jsonUint64(raw json.RawMessage) (*uint64, error) {
	z, ok, err := jsonQuantity(raw)
	if err != nil || !ok {
		return nil, err
	}
	if !z.IsUint64() {
		return nil, fmt.Errorf("%w: %s exceeds 64 bits", errOverflow, z.Dec())
	}
	v := z.Uint64()
	return &v, nil
}

// jsonQuantity reads an unsigned integer of up to 256 bits given as a JSON
// number (digits only: no sign, fraction or exponent) or a JSON string
// holding 0x-hex or decimal digits. Absent or null reports ok == false.
func jsonQuantity(raw json.RawMessage) (z uint256.Int, ok bool, err error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return z, false, nil
	}
	s := string(t)
	if t[0] == '"' {
		if err := json.Unmarshal(t, &s); err != nil {
			return z, false, err
		}
	}
	z, err = parseQuantity(s)
	return z, err == nil, err
}

// parseQuantity parses 0x-prefixed hex or decimal digits (leading zeros
// allowed) into a 256-bit integer.
func parseQuantity(s string) (uint256.Int, error) {
	var z uint256.Int
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		h := s[2:]
		if h == "" {
			return z, fmt.Errorf("number %.40q has no digits", s)
		}
		for i := 0; i < len(h); i++ {
			d, ok := hexDigit(h[i])
			if !ok {
				return z, fmt.Errorf("number %.40q is not hex", s)
			}
			if z[3]>>60 != 0 {
				return z, fmt.Errorf("%w: %.40q exceeds 256 bits", errOverflow, s)
			}
			z.Lsh(&z, 4)
			z[0] |= d
		}
		return z, nil
	}
	if s == "" {
		return z, errors.New("empty number")
	}
	ten := uint256.NewInt(10)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return z, fmt.Errorf("number %.40q is not decimal", s)
		}
		d := uint256.NewInt(uint64(c - '0'))
		_, o1 := z.MulOverflow(&z, ten)
		_, o2 := z.AddOverflow(&z, d)
		if o1 || o2 {
			return z, fmt.Errorf("%w: %.40q exceeds 256 bits", errOverflow, s)
		}
	}
	return z, nil
}

func hexDigit(c byte) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}
