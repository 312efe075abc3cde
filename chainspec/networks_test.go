package chainspec

import (
	"errors"
	"testing"
)

// TestConfigForNetwork checks the test-suite networks against go-ethereum's
// tests/init.go.
func TestConfigForNetwork(t *testing.T) {
	for _, tc := range []struct {
		name     string
		at0      Fork // latest fork at time 0
		at15k    Fork // latest fork at 15000
		blob0    BlobConfig
		blob15k  BlobConfig
		deposit0 bool
	}{
		{"Shanghai", ForkShanghai, ForkShanghai, BlobConfig{}, BlobConfig{}, false},
		{"Cancun", ForkCancun, ForkCancun, CancunBlobConfig, CancunBlobConfig, false},
		{"Prague", ForkPrague, ForkPrague, PragueBlobConfig, PragueBlobConfig, true},
		{"Osaka", ForkOsaka, ForkOsaka, PragueBlobConfig, PragueBlobConfig, true},
		{"BPO1", ForkBPO1, ForkBPO1, BPO1BlobConfig, BPO1BlobConfig, true},
		{"BPO2", ForkBPO2, ForkBPO2, BPO2BlobConfig, BPO2BlobConfig, true},
		{"BPO3", ForkBPO3, ForkBPO3, BPO3BlobConfig, BPO3BlobConfig, true},
		{"BPO4", ForkBPO4, ForkBPO4, BPO4BlobConfig, BPO4BlobConfig, true},
		{"Amsterdam", ForkAmsterdam, ForkAmsterdam, BPO2BlobConfig, BPO2BlobConfig, true},
		{"ParisToShanghaiAtTime15k", ForkPreShanghai, ForkShanghai, BlobConfig{}, BlobConfig{}, false},
		{"ShanghaiToCancunAtTime15k", ForkShanghai, ForkCancun, BlobConfig{}, CancunBlobConfig, false},
		{"CancunToPragueAtTime15k", ForkCancun, ForkPrague, CancunBlobConfig, PragueBlobConfig, true},
		{"PragueToOsakaAtTime15k", ForkPrague, ForkOsaka, PragueBlobConfig, PragueBlobConfig, true},
		{"OsakaToBPO1AtTime15k", ForkOsaka, ForkBPO1, PragueBlobConfig, BPO1BlobConfig, true},
		{"BPO1ToBPO2AtTime15k", ForkBPO1, ForkBPO2, BPO1BlobConfig, BPO2BlobConfig, true},
		{"BPO2ToBPO3AtTime15k", ForkBPO2, ForkBPO3, BPO2BlobConfig, BPO3BlobConfig, true},
		{"BPO3ToBPO4AtTime15k", ForkBPO3, ForkBPO4, BPO3BlobConfig, BPO4BlobConfig, true},
		{"BPO2ToAmsterdamAtTime15k", ForkBPO2, ForkAmsterdam, BPO2BlobConfig, BPO2BlobConfig, true},
	} {
		c, err := ConfigForNetwork(tc.name)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.ChainID != 1 || !c.IsLondon(0) || c.TerminalTotalDifficulty == nil || !c.TerminalTotalDifficulty.IsZero() {
			t.Errorf("%s: %+v", tc.name, c)
		}
		if f := c.Fork(0); f != tc.at0 {
			t.Errorf("%s: fork at 0 %s, want %s", tc.name, f, tc.at0)
		}
		if f := c.Fork(14_999); f != tc.at0 {
			t.Errorf("%s: fork at 14999 %s, want %s", tc.name, f, tc.at0)
		}
		if f := c.Fork(15_000); f != tc.at15k {
			t.Errorf("%s: fork at 15000 %s, want %s", tc.name, f, tc.at15k)
		}
		if bc, _ := c.BlobConfig(0); bc != tc.blob0 {
			t.Errorf("%s: blob config at 0 %+v, want %+v", tc.name, bc, tc.blob0)
		}
		if bc, _ := c.BlobConfig(15_000); bc != tc.blob15k {
			t.Errorf("%s: blob config at 15000 %+v, want %+v", tc.name, bc, tc.blob15k)
		}
		if (c.DepositContractAddress == MainnetDepositContract) != (tc.deposit0 || tc.at15k == ForkPrague) {
			t.Errorf("%s: deposit contract %s", tc.name, c.DepositContractAddress)
		}
		if _, err := c.Rules(1, 15_000); err != nil {
			t.Errorf("%s: rules: %v", tc.name, err)
		}
		if _, err := c.Rules(1, 0); (err != nil) != (tc.at0 == ForkPreShanghai) {
			t.Errorf("%s: rules at 0: %v", tc.name, err)
		}
	}
	for _, name := range []string{"Berlin", "London", "Paris", "Merge", "BerlinToLondonAt5", "Frontier"} {
		if _, err := ConfigForNetwork(name); !errors.Is(err, ErrForkNotSupported) {
			t.Errorf("%s: %v, want ErrForkNotSupported", name, err)
		}
	}
	for _, name := range []string{"", "cancun", "BPO5", "Verkle", "Osaka+7928", "PragueToOsakaAtTime16k"} {
		if _, err := ConfigForNetwork(name); !errors.Is(err, ErrUnknownNetwork) {
			t.Errorf("%q: %v, want ErrUnknownNetwork", name, err)
		}
	}
}

// TestConfigNetworksIndependent: configurations returned for the same name
// share nothing.
func TestConfigNetworksIndependent(t *testing.T) {
	a, _ := ConfigForNetwork("Amsterdam")
	b, _ := ConfigForNetwork("Amsterdam")
	*a.ShanghaiTime = 99
	a.BlobSchedule[ForkCancun] = BlobConfig{}
	if *b.ShanghaiTime != 0 || b.BlobSchedule[ForkCancun] != CancunBlobConfig {
		t.Fatal("configs share state")
	}
	c, _ := ConfigForNetwork("BPO4")
	if c.AmsterdamTime != nil || c.BPO4Time == nil {
		t.Fatal("BPO4 network after building Amsterdam")
	}
}
