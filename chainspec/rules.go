package chainspec

import (
	"fmt"

	"github.com/balexec/balexec/exec/evm"
)

// EIPs returns the set of EIPs active at time: those of every active fork
// under the configuration's rule profile, plus ExtraEIPs. It is empty before Shanghai. Code that needs to know
// whether a particular EIP applies asks this set, so a devnet mix of EIPs
// needs no fork of its own.
func (c *Config) EIPs(time uint64) EIPSet {
	var s EIPSet
	if !c.IsShanghai(time) {
		return s
	}
	sets := &forkEIPSets[c.profileIndex()]
	for f := ForkShanghai; f < numForks; f++ {
		if c.IsActive(f, time) {
			s = s.Union(sets[f])
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
// amended gas cap of EIP-7825) goes with EIP-8037, which amends it. The
// revision of EIP-8037, EIP-7954 and EIP-7708 is the profile's, for each
// that is on. EIP-7778 has no switch: the EVM's EIP-8037 block accounting
// is what it specifies. EIP7610 is set only when ExtraEIPs asks for it. A
// mix the EVM cannot run (see evm.Rules) is ErrInvalidConfig.
func (c *Config) Rules(number, time uint64) (evm.Rules, error) {
	var r evm.Rules
	if !c.IsActiveAt(ForkShanghai, number, time) {
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
	p := &profiles[c.profileIndex()]
	if r.EIP8037 {
		r.EIP8037Rev = p.rev8037
	}
	if r.EIP7954 {
		r.EIP7954Rev = p.rev7954
	}
	if r.EIP7708 {
		r.EIP7708Rev = p.rev7708
	}
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
