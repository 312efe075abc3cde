package chainspec

import "github.com/balexec/balexec/types"

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
