package chainspec

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

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
