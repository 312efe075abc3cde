package chainspec

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/holiman/uint256"
)

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

// TestConfigNumbers checks the spellings of a configuration's numbers (the
// hexjson.Lenient mode, tested in full there): as JSON strings and, where
// the text is a JSON integer, unquoted.
func TestConfigNumbers(t *testing.T) {
	max := new(uint256.Int).SetAllOne().Dec()
	for _, tc := range []struct {
		in   string
		want string // decimal, "" for an error
	}{
		{"0", "0"}, {"007", "7"}, {"0x0", "0"}, {"0x000000000000000", "0"}, {"0X1f", "31"},
		{"0x" + strings.Repeat("f", 64), max},
		{"0x" + strings.Repeat("0", 10) + strings.Repeat("f", 64), max},
		{"0x1" + strings.Repeat("0", 64), ""},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639935", max},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639936", ""},
		{"", ""}, {"0x", ""}, {"-1", ""}, {"1e3", ""}, {"0xg", ""}, {" 1", ""}, {"+1", ""},
	} {
		forms := []string{strconv.Quote(tc.in)}
		if tc.in != "" && strings.Trim(tc.in, "0123456789") == "" && (tc.in == "0" || tc.in[0] != '0') {
			forms = append(forms, tc.in) // a JSON integer
		}
		for _, raw := range forms {
			z, ok, err := jsonQuantity(json.RawMessage(raw))
			switch {
			case tc.want == "" && err == nil:
				t.Errorf("%s: %s, want an error", raw, z.Dec())
			case tc.want != "" && (err != nil || !ok || z.Dec() != tc.want):
				t.Errorf("%s: %s %v, want %s", raw, z.Dec(), err, tc.want)
			}
		}
	}
	for _, raw := range []string{"", " ", "null", " null "} {
		if _, ok, err := jsonQuantity(json.RawMessage(raw)); ok || err != nil {
			t.Errorf("%q: ok %v, error %v; want absent", raw, ok, err)
		}
	}
	for _, raw := range []string{"true", "-1", "1.0", "1e3", "[1]", "{}", `"1`} {
		if _, _, err := jsonQuantity(json.RawMessage(raw)); err == nil {
			t.Errorf("%s: no error", raw)
		}
	}
	if v, err := jsonUint64(json.RawMessage(`"0xffffffffffffffff"`)); err != nil || *v != 1<<64-1 {
		t.Errorf("2^64-1: %v %v", v, err)
	}
	if _, err := jsonUint64(json.RawMessage(`18446744073709551616`)); err == nil {
		t.Error("2^64: no error")
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
