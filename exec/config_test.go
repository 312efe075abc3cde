package exec

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

func readRepo(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// genesisConfig returns the raw "config" member of a genesis file.
func genesisConfig(t testing.TB, rel string) []byte {
	t.Helper()
	var g struct {
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(readRepo(t, rel), &g); err != nil {
		t.Fatal(err)
	}
	return g.Config
}

func hiveConfig(t testing.TB) *Config {
	t.Helper()
	cfg, err := ParseConfig(genesisConfig(t, "hivechain-amsterdam/genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func u64p(v uint64) *uint64 { return &v }

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
	for f := ForkShanghai; f < numForks; f++ {
		all = all.Union(forkEIPSets[f])
	}
	want := len(shanghaiEIPs) + len(cancunEIPs) + len(pragueEIPs) + len(osakaEIPs) + len(amsterdamEIPs)
	if all.Len() != want || all.Len() != len(known)-1 { // all but EIP-7610
		t.Errorf("fork EIP sets hold %d EIPs, tables %d, known %d", all.Len(), want, len(known))
	}
	if IsKnownEIP(1559) || !IsKnownEIP(EIP8282) || EIP7928.String() != "EIP-7928" {
		t.Error("IsKnownEIP / String")
	}
}

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

// validConfigJSON is a small valid config used as the base of the
// rejection cases.
const validConfigJSON = `{
	"chainId": 7, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
	"byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
	"berlinBlock": 0, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 10, "pragueTime": 20,
	"osakaTime": 30, "bpo1Time": 40, "amsterdamTime": 50,
	"blobSchedule": {"cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477},
		"prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716},
		"bpo1": {"target": 10, "max": 15, "baseFeeUpdateFraction": 8346193}}
}`

func editJSON(t *testing.T, base string, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(base), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(validConfigJSON))
	if err != nil {
		t.Fatal(err)
	}
	if c.ChainID != 7 || *c.AmsterdamTime != 50 || c.BlobSchedule[ForkBPO1] != BPO1BlobConfig {
		t.Fatalf("%+v", c)
	}
	// Strings of hex or decimal, case-insensitive keys, unknown keys and a
	// named fork's entry equal to what it inherits are all accepted.
	c2, err := ParseConfig(editJSON(t, validConfigJSON, func(m map[string]any) {
		m["ChainID"] = "0x7"
		delete(m, "chainId")
		m["osakaTime"] = "30"
		m["bogotaTime"] = 1
		m["somethingElse"] = []int{1}
		bs := m["blobSchedule"].(map[string]any)
		bs["osaka"] = bs["prague"]
		bs["amsterdam"] = bs["bpo1"]
		bs["bpo9"] = "ignored"
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Fatalf("spellings differ:\n%+v\n%+v", c, c2)
	}
	big, err := ParseConfig(editJSON(t, validConfigJSON, func(m map[string]any) {
		m["terminalTotalDifficulty"] = json.Number("58750000000000000000000")
	}))
	if err != nil || big.TerminalTotalDifficulty.Dec() != "58750000000000000000000" {
		t.Fatalf("ttd: %v %v", big, err)
	}

	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
	}{
		{"no chain id", func(m map[string]any) { delete(m, "chainId") }},
		{"chain id > 64 bits", func(m map[string]any) { m["chainId"] = "0x10000000000000000" }},
		{"negative", func(m map[string]any) { m["cancunTime"] = -1 }},
		{"fraction", func(m map[string]any) { m["cancunTime"] = 1.5 }},
		{"bad hex", func(m map[string]any) { m["cancunTime"] = "0xzz" }},
		{"empty hex", func(m map[string]any) { m["cancunTime"] = "0x" }},
		{"bool time", func(m map[string]any) { m["cancunTime"] = true }},
		{"duplicate key", func(m map[string]any) { m["CancunTime"] = 10 }},
		{"bad address", func(m map[string]any) { m["depositContractAddress"] = "0x1234" }},
		{"dao support not bool", func(m map[string]any) { m["daoForkSupport"] = "yes" }},
		{"ttd > 256 bits", func(m map[string]any) { m["terminalTotalDifficulty"] = "0x1" + strings.Repeat("0", 64) }},
		{"time order", func(m map[string]any) { m["pragueTime"] = 5 }},
		{"amsterdam before bpo2 order", func(m map[string]any) { m["bpo2Time"] = 60 }},
		{"prague without cancun", func(m map[string]any) { delete(m, "cancunTime") }},
		{"bpo without osaka", func(m map[string]any) { delete(m, "osakaTime"); delete(m, "amsterdamTime") }},
		{"amsterdam without osaka", func(m map[string]any) { delete(m, "osakaTime"); delete(m, "bpo1Time") }},
		{"block fork gap", func(m map[string]any) { delete(m, "byzantiumBlock") }},
		{"block fork order", func(m map[string]any) { m["homesteadBlock"] = 5 }},
		{"shanghai without london", func(m map[string]any) { delete(m, "londonBlock") }},
		{"cancun without blob entry", func(m map[string]any) { delete(m["blobSchedule"].(map[string]any), "cancun") }},
		{"zero fraction", func(m map[string]any) {
			m["blobSchedule"].(map[string]any)["bpo1"] = map[string]any{"target": 1, "max": 2}
		}},
		{"zero max", func(m map[string]any) {
			m["blobSchedule"].(map[string]any)["bpo1"] = map[string]any{"target": 0, "max": 0, "baseFeeUpdateFraction": 1}
		}},
		{"blob entry not an object", func(m map[string]any) { m["blobSchedule"].(map[string]any)["cancun"] = 3 }},
		{"osaka entry differs", func(m map[string]any) {
			m["blobSchedule"].(map[string]any)["osaka"] = map[string]any{"target": 6, "max": 12, "baseFeeUpdateFraction": 5007716}
		}},
		{"blob schedule not an object", func(m map[string]any) { m["blobSchedule"] = []int{} }},
	} {
		_, err := ParseConfig(editJSON(t, validConfigJSON, tc.edit))
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", tc.name, err)
		}
	}
	for _, in := range []string{``, `[]`, `"x"`, `{`, `null`, `{"chainId": 1}x`} {
		if _, err := ParseConfig([]byte(in)); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%q: %v, want ErrInvalidConfig", in, err)
		}
	}
}

func TestParseForkEnv(t *testing.T) {
	env := readRepo(t, "hivechain-amsterdam/forkenv.json")
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(env, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	// Without blob variables, Cancun and Prague get the standard schedules
	// and Osaka's are not needed.
	c, err := ParseForkEnv(edit(func(m map[string]any) {
		for k := range m {
			if strings.Contains(k, "_BLOB_") && !strings.Contains(k, "BPO") {
				delete(m, k)
			}
		}
		delete(m, "HIVE_TERMINAL_TOTAL_DIFFICULTY")
		m["HIVE_FORK_DAO_VOTE"] = "1"
		m["HIVE_FORK_DAO_BLOCK"] = "0"
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.BlobSchedule, hiveConfig(t).BlobSchedule) {
		t.Errorf("defaults: %v", c.BlobSchedule)
	}
	if c.TerminalTotalDifficulty.Uint64() != 1<<63-1 || !c.DAOForkSupport || c.DAOForkBlock == nil {
		t.Errorf("ttd %v dao %v %v", c.TerminalTotalDifficulty, c.DAOForkSupport, c.DAOForkBlock)
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
	}{
		{"no chain id", func(m map[string]any) { delete(m, "HIVE_CHAIN_ID") }},
		{"number value", func(m map[string]any) { m["HIVE_CANCUN_TIMESTAMP"] = 60 }},
		{"bad number", func(m map[string]any) { m["HIVE_CANCUN_TIMESTAMP"] = "sixty" }},
		{"overflow", func(m map[string]any) { m["HIVE_CANCUN_TIMESTAMP"] = "18446744073709551616" }},
		{"bad ttd", func(m map[string]any) { m["HIVE_TERMINAL_TOTAL_DIFFICULTY"] = "-1" }},
		{"bad deposit", func(m map[string]any) { m["HIVE_DEPOSIT_CONTRACT_ADDRESS"] = "0x00" }},
		{"osaka blob differs", func(m map[string]any) { m["HIVE_OSAKA_BLOB_MAX"] = "12" }},
		{"bpo blob incomplete", func(m map[string]any) { delete(m, "HIVE_BPO2_BLOB_BASE_FEE_UPDATE_FRACTION") }},
		{"order", func(m map[string]any) { m["HIVE_PRAGUE_TIMESTAMP"] = "30" }},
	} {
		if _, err := ParseForkEnv(edit(tc.edit)); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", tc.name, err)
		}
	}
	if _, err := ParseForkEnv([]byte(`[1]`)); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("array: %v", err)
	}
}

func TestParseQuantity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // decimal, "" for an error
	}{
		{"0", "0"}, {"007", "7"}, {"0x0", "0"}, {"0x000000000000000", "0"}, {"0X1f", "31"},
		{"0x" + strings.Repeat("f", 64), new(uint256.Int).SetAllOne().Dec()},
		{"0x" + strings.Repeat("0", 10) + strings.Repeat("f", 64), new(uint256.Int).SetAllOne().Dec()},
		{"0x1" + strings.Repeat("0", 64), ""},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639935", new(uint256.Int).SetAllOne().Dec()},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639936", ""},
		{"", ""}, {"0x", ""}, {"-1", ""}, {"1e3", ""}, {"0xg", ""}, {" 1", ""},
	} {
		z, err := parseQuantity(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%q: %s, want an error", tc.in, z.Dec())
		case tc.want != "" && (err != nil || z.Dec() != tc.want):
			t.Errorf("%q: %s %v, want %s", tc.in, z.Dec(), err, tc.want)
		}
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

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(validConfigJSON))
	f.Add(genesisConfig(f, "hivechain-amsterdam/genesis.json"))
	f.Add(genesisConfig(f, "genesis/mainnet.json"))
	f.Add([]byte(`{"chainId": "0x1", "londonBlock": 0, "shanghaiTime": "0x10"}`))
	f.Add([]byte(`{"chainId": 1, "blobSchedule": {"osaka": {"max": 1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		c, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error without sentinel: %v", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed config does not validate: %v", err)
		}
		exerciseConfig(t, c)
	})
}

func FuzzParseForkEnv(f *testing.F) {
	f.Add(readRepo(f, "hivechain-amsterdam/forkenv.json"))
	f.Add([]byte(`{"HIVE_CHAIN_ID": "1", "HIVE_FORK_LONDON": "0", "HIVE_SHANGHAI_TIMESTAMP": "0", "HIVE_CANCUN_TIMESTAMP": "5"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		c, err := ParseForkEnv(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error without sentinel: %v", err)
			}
			return
		}
		exerciseConfig(t, c)
	})
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
