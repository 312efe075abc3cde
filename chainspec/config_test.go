package chainspec

import (
	"errors"
	"reflect"
	"testing"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/types"
)

// TestHiveConfigLoaders loads the hive chain's schedule from genesis.json
// and from forkenv.json and checks both give the same, expected config.
func TestHiveConfigLoaders(t *testing.T) {
	fromGenesis := hiveConfig(t)
	fromEnv, err := ParseForkEnv(readRepo(t, "hivechain-amsterdam/forkenv.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromGenesis, fromEnv) {
		t.Fatalf("configs differ:\ngenesis.json %+v\nforkenv.json %+v", fromGenesis, fromEnv)
	}
	c := fromGenesis
	if c.ChainID != 3503995874084926 {
		t.Errorf("chain id %d", c.ChainID)
	}
	wantTimes := map[Fork]uint64{
		ForkShanghai: 0, ForkCancun: 60, ForkPrague: 120, ForkOsaka: 180,
		ForkBPO1: 240, ForkBPO2: 300, ForkAmsterdam: 360,
	}
	for f := ForkShanghai; f < numForks; f++ {
		got := c.ForkTime(f)
		want, scheduled := wantTimes[f]
		if scheduled != (got != nil) || (got != nil && *got != want) {
			t.Errorf("%s time %v, want %d (scheduled %v)", f, got, want, scheduled)
		}
	}
	wantSchedule := map[Fork]BlobConfig{
		ForkCancun: CancunBlobConfig, ForkPrague: PragueBlobConfig,
		ForkBPO1: BPO1BlobConfig, ForkBPO2: BPO2BlobConfig,
	}
	if !reflect.DeepEqual(c.BlobSchedule, wantSchedule) {
		t.Errorf("blob schedule %v, want %v", c.BlobSchedule, wantSchedule)
	}
	if c.LondonBlock == nil || *c.LondonBlock != 0 || c.MergeNetsplitBlock == nil || *c.MergeNetsplitBlock != 0 {
		t.Errorf("london %v merge netsplit %v", c.LondonBlock, c.MergeNetsplitBlock)
	}
	if c.TerminalTotalDifficulty == nil || c.TerminalTotalDifficulty.Uint64() != 131072 {
		t.Errorf("ttd %v", c.TerminalTotalDifficulty)
	}
	if c.DepositContractAddress != (types.Address{}) {
		t.Errorf("deposit contract %s", c.DepositContractAddress)
	}
}

// TestHiveForks checks Fork, Rules, BlobConfig and EIPs along the hive
// schedule, including the walk-down of named forks to the latest entry.
func TestHiveForks(t *testing.T) {
	c := hiveConfig(t)
	cases := []struct {
		time uint64
		fork Fork
		blob BlobConfig
		ok   bool
	}{
		{0, ForkShanghai, BlobConfig{}, false},
		{59, ForkShanghai, BlobConfig{}, false},
		{60, ForkCancun, CancunBlobConfig, true},
		{119, ForkCancun, CancunBlobConfig, true},
		{120, ForkPrague, PragueBlobConfig, true},
		{180, ForkOsaka, PragueBlobConfig, true}, // Osaka inherits Prague's
		{240, ForkBPO1, BPO1BlobConfig, true},
		{300, ForkBPO2, BPO2BlobConfig, true},
		{360, ForkAmsterdam, BPO2BlobConfig, true}, // Amsterdam inherits BPO2's
		{1 << 40, ForkAmsterdam, BPO2BlobConfig, true},
	}
	for _, tc := range cases {
		if f := c.Fork(tc.time); f != tc.fork {
			t.Errorf("time %d: fork %s, want %s", tc.time, f, tc.fork)
		}
		bc, ok := c.BlobConfig(tc.time)
		if ok != tc.ok || bc != tc.blob {
			t.Errorf("time %d: blob config %+v %v, want %+v %v", tc.time, bc, ok, tc.blob, tc.ok)
		}
		r, err := c.Rules(tc.time/10, tc.time)
		if err != nil {
			t.Fatalf("time %d: %v", tc.time, err)
		}
		if r.ChainID.Uint64() != c.ChainID || !r.IsShanghai || r.IsCancun != (tc.fork >= ForkCancun) ||
			r.IsPrague != (tc.fork >= ForkPrague) || r.IsOsaka != (tc.fork >= ForkOsaka) || r.EIP7610 {
			t.Errorf("time %d: rules %+v", tc.time, r)
		}
		if c.IsAmsterdam(tc.time) != (tc.fork == ForkAmsterdam) {
			t.Errorf("time %d: IsAmsterdam %v", tc.time, c.IsAmsterdam(tc.time))
		}
		eips := c.EIPs(tc.time)
		if eips.Has(EIP3855) != true || eips.Has(EIP4844) != (tc.fork >= ForkCancun) ||
			eips.Has(EIP7702) != (tc.fork >= ForkPrague) || eips.Has(EIP7918) != (tc.fork >= ForkOsaka) ||
			eips.Has(EIP7928) != (tc.fork == ForkAmsterdam) || eips.Has(EIP7610) {
			t.Errorf("time %d: EIPs %v", tc.time, eips.List())
		}
	}
}

// TestMainnetConfig loads mainnet's (pre-London) configuration: it is valid
// but balexec runs none of its rules.
func TestMainnetConfig(t *testing.T) {
	c, err := ParseConfig(genesisConfig(t, "genesis/mainnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ChainID != 1 || c.HomesteadBlock == nil || *c.HomesteadBlock != 1150000 || !c.DAOForkSupport ||
		c.DAOForkBlock == nil || *c.DAOForkBlock != 1920000 || c.BerlinBlock == nil || *c.BerlinBlock != 12244000 {
		t.Errorf("mainnet config %+v", c)
	}
	if _, err := c.Rules(20_000_000, 1_700_000_000); !errors.Is(err, ErrForkNotSupported) {
		t.Errorf("rules: %v, want ErrForkNotSupported", err)
	}
	if f := c.Fork(1 << 62); f != ForkPreShanghai {
		t.Errorf("fork %s", f)
	}
	if c.EIPs(1<<62).Len() != 0 {
		t.Errorf("EIPs before Shanghai: %v", c.EIPs(1<<62).List())
	}
}

// TestRulesNeedLondon: Shanghai by time is not enough if the block is
// before London by number (go-ethereum's IsShanghai(num, time)).
func TestRulesNeedLondon(t *testing.T) {
	c := &Config{ChainID: 5, ShanghaiTime: u64p(0)}
	fillBlockForks(c, 0)
	c.LondonBlock = u64p(10)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Rules(9, 100); !errors.Is(err, ErrForkNotSupported) {
		t.Errorf("block 9: %v", err)
	}
	r, err := c.Rules(10, 100)
	if err != nil || !r.IsShanghai || r.IsCancun || r.ChainID.Uint64() != 5 {
		t.Errorf("block 10: %+v %v", r, err)
	}
}

// fillBlockForks schedules every mandatory block fork at n.
func fillBlockForks(c *Config, n uint64) {
	for _, p := range []**uint64{&c.HomesteadBlock, &c.EIP150Block, &c.EIP155Block, &c.EIP158Block,
		&c.ByzantiumBlock, &c.ConstantinopleBlock, &c.PetersburgBlock, &c.IstanbulBlock,
		&c.BerlinBlock, &c.LondonBlock} {
		*p = u64p(n)
	}
}

// TestBlobWalkDown covers the walk-down cases the hive chain does not: a
// BPO fork without an entry, an entry of a fork that is not active yet, and
// Amsterdam scheduled before BPO3.
func TestBlobWalkDown(t *testing.T) {
	c, err := ConfigForNetwork("BPO2")
	if err != nil {
		t.Fatal(err)
	}
	c.BPO3Time = u64p(100) // scheduled, no entry: BPO2's applies
	c.BPO4Time = u64p(200)
	c.BlobSchedule[ForkBPO4] = BPO4BlobConfig
	c.AmsterdamTime = u64p(50)
	c.BlobSchedule[ForkBPO5] = BlobConfig{Target: 1, Max: 2, UpdateFraction: 3} // never active
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		time uint64
		fork Fork
		want BlobConfig
	}{
		{0, ForkBPO2, BPO2BlobConfig},
		{50, ForkAmsterdam, BPO2BlobConfig},
		{100, ForkAmsterdam, BPO2BlobConfig},
		{200, ForkAmsterdam, BPO4BlobConfig},
	} {
		if f := c.Fork(tc.time); f != tc.fork {
			t.Errorf("time %d: fork %s, want %s", tc.time, f, tc.fork)
		}
		if bc, ok := c.BlobConfig(tc.time); !ok || bc != tc.want {
			t.Errorf("time %d: %+v %v, want %+v", tc.time, bc, ok, tc.want)
		}
	}
}

// TestExtraEIPs describes "Osaka plus EIP-7928 only" and switches on
// EIP-7610.
func TestExtraEIPs(t *testing.T) {
	c, err := ConfigForNetwork("Osaka")
	if err != nil {
		t.Fatal(err)
	}
	base := c.EIPs(0)
	c.ExtraEIPs = []int{7928, 7610}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s := c.EIPs(0)
	if !s.Has(EIP7928) || s.Has(EIP8037) || !s.Has(EIP7918) || s.Len() != base.Len()+2 {
		t.Errorf("EIPs %v", s.List())
	}
	if s != base.With(EIP7928).With(EIP7610) {
		t.Errorf("set %v, want base plus two", s.List())
	}
	r, err := c.Rules(1, 1)
	if err != nil || !r.EIP7610 || !r.IsOsaka {
		t.Errorf("rules %+v %v", r, err)
	}
	c.ExtraEIPs = []int{1559}
	if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("unknown EIP: %v", err)
	}
	// The fork tables only name known EIPs, and the known list is sorted.
	known := KnownEIPs()
	for i := 1; i < len(known); i++ {
		if known[i-1] >= known[i] {
			t.Fatalf("known EIPs not sorted at %d", i)
		}
	}
	var all EIPSet
	for p := range forkEIPSets {
		var one EIPSet
		for f := ForkShanghai; f < numForks; f++ {
			one = one.Union(forkEIPSets[p][f])
		}
		want := len(shanghaiEIPs) + len(cancunEIPs) + len(pragueEIPs) + len(osakaEIPs) + len(profiles[p].amsterdam)
		if one.Len() != want {
			t.Errorf("%v: fork EIP sets hold %d EIPs, tables %d", Profile(p), one.Len(), want)
		}
		all = all.Union(one)
	}
	if all.Len() != len(known)-1 { // all but EIP-7610
		t.Errorf("the profiles' EIP sets hold %d EIPs, known %d", all.Len(), len(known))
	}
	if IsKnownEIP(1559) || !IsKnownEIP(EIP8282) || EIP7928.String() != "EIP-7928" {
		t.Error("IsKnownEIP / String")
	}
}

// TestConfigAllocs: the per-block queries do not allocate.
func TestConfigAllocs(t *testing.T) {
	c := hiveConfig(t)
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		r, _ := c.Rules(40, 400)
		bc, _ := c.BlobConfig(400)
		s := c.EIPs(400)
		if s.Has(EIP7928) && r.IsOsaka && c.Fork(400) == ForkAmsterdam {
			sink += bc.Max
		}
	})
	if allocs != 0 || sink == 0 {
		t.Errorf("%v allocations", allocs)
	}
}

func BenchmarkConfigRules(b *testing.B) {
	c := hiveConfig(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Rules(40, 400); err != nil {
			b.Fatal(err)
		}
	}
}

// exerciseConfig checks the invariants every valid config keeps.
func exerciseConfig(t *testing.T, c *Config) {
	for _, time := range []uint64{0, 1, 15, 16, 1 << 20, 1<<64 - 1} {
		f := c.Fork(time)
		r, err := c.Rules(1<<63, time)
		if (err == nil) != (f != ForkPreShanghai && c.IsLondon(1<<63)) {
			t.Fatalf("time %d fork %s: rules error %v", time, f, err)
		}
		if err == nil {
			want := evm.Osaka // Osaka's flags serve the BPO forks
			switch {
			case f <= ForkOsaka:
				want = evm.Fork(f - ForkShanghai)
			case f == ForkAmsterdam:
				want = evm.Amsterdam
			}
			if r.Fork() != want {
				t.Fatalf("time %d: rules fork %s, config fork %s", time, r.Fork(), f)
			}
		}
		if _, ok := c.BlobConfig(time); ok != c.IsCancun(time) {
			t.Fatalf("time %d: blob config %v, cancun %v", time, ok, c.IsCancun(time))
		}
	}
}
