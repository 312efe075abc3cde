package chainspec

import (
	"fmt"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// MainnetDepositContract is the EIP-6110 deposit contract of Ethereum
// mainnet, which the test-suite networks from Prague on also use.
var MainnetDepositContract = types.MustHexToAddress("0x00000000219ab540356cBB839Cbe05303d7705Fa")

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
