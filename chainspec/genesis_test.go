package chainspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

func readGenesis(t testing.TB, rel string) *Genesis {
	t.Helper()
	g, err := ReadGenesis(bytes.NewReader(readRepo(t, rel)))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func genesisHeader(t testing.TB, g *Genesis) types.Header {
	t.Helper()
	h, err := g.Header()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestGenesisHashes checks the genesis block hashes of mainnet, sepolia and
// the hive chain (whose block 1 names it as parent).
func TestGenesisHashes(t *testing.T) {
	for _, tc := range []struct {
		file, hash, root string
	}{
		{"genesis/mainnet.json", "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
			"0xd7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"},
		{"genesis/sepolia.json", "0x25a5cc106eea7138acab33231d7160d69cb777ee0c2c553fcddf5138993e6dd9",
			"0x5eb6e371a698b8d68f665192350ffcecbbbf322916f4b51bd79bb6887da3f494"},
		{"hivechain-amsterdam/genesis.json", hiveGenesisHash(t).Hex(), ""},
	} {
		g := readGenesis(t, tc.file)
		h := genesisHeader(t, g)
		if got := h.Hash(); got.Hex() != tc.hash {
			t.Errorf("%s: hash %s, want %s", tc.file, got, tc.hash)
		}
		if tc.root != "" && h.Root.Hex() != tc.root {
			t.Errorf("%s: root %s, want %s", tc.file, h.Root, tc.root)
		}
		b, err := g.Block()
		if err != nil || b.Hash() != h.Hash() || (b.Withdrawals != nil) != h.Has(types.FieldWithdrawalsHash) {
			t.Errorf("%s: block %v %v", tc.file, b, err)
		}
	}
}

// TestGenesisHeaderFields checks the fields of the three real genesis
// headers that ToBlock derives.
func TestGenesisHeaderFields(t *testing.T) {
	mainnet := genesisHeader(t, readGenesis(t, "genesis/mainnet.json"))
	if mainnet.Optional != 0 || mainnet.Nonce.Uint64() != 0x42 || mainnet.GasLimit != 5000 ||
		mainnet.Difficulty.Uint64() != 0x400000000 || len(mainnet.Extra) != 32 {
		t.Errorf("mainnet header %+v", mainnet)
	}
	sepolia := genesisHeader(t, readGenesis(t, "genesis/sepolia.json"))
	if sepolia.Optional != types.FieldsLondon || sepolia.BaseFee.Uint64() != InitialBaseFee {
		t.Errorf("sepolia header %+v", sepolia)
	}
	hive := genesisHeader(t, readGenesis(t, "hivechain-amsterdam/genesis.json"))
	if hive.Optional != types.FieldsShanghai || hive.WithdrawalsHash != types.EmptyRootHash ||
		hive.BaseFee.Uint64() != InitialBaseFee || hive.UncleHash != types.EmptyListHash ||
		hive.TxHash != types.EmptyRootHash || hive.ReceiptHash != types.EmptyRootHash {
		t.Errorf("hive header %+v", hive)
	}
}

// TestGenesisForks builds genesis headers under each fork at genesis and
// checks the optional fields and their defaults.
func TestGenesisForks(t *testing.T) {
	for _, tc := range []struct {
		network string
		fields  types.HeaderField
	}{
		{"Shanghai", types.FieldsShanghai},
		{"Cancun", types.FieldsCancun},
		{"Prague", types.FieldsPrague},
		{"Osaka", types.FieldsPrague},
		{"BPO2", types.FieldsPrague},
		{"Amsterdam", types.FieldsAmsterdam},
		{"PragueToOsakaAtTime15k", types.FieldsPrague},
		{"BPO2ToAmsterdamAtTime15k", types.FieldsPrague},
	} {
		cfg, err := ConfigForNetwork(tc.network)
		if err != nil {
			t.Fatal(err)
		}
		g := &Genesis{Config: cfg, Alloc: Alloc{{1}: {Balance: *uint256.NewInt(5)}}}
		h := genesisHeader(t, g)
		if h.Optional != tc.fields {
			t.Errorf("%s: fields %b, want %b", tc.network, h.Optional, tc.fields)
		}
		if h.GasLimit != DefaultGenesisGasLimit || h.BaseFee.Uint64() != InitialBaseFee ||
			h.ExcessBlobGas != 0 || h.BlobGasUsed != 0 || h.SlotNumber != 0 || !h.ParentBeaconRoot.IsZero() {
			t.Errorf("%s: defaults %+v", tc.network, h)
		}
		if h.Has(types.FieldRequestsHash) && h.RequestsHash != types.EmptyRequestsHash {
			t.Errorf("%s: requests hash %s", tc.network, h.RequestsHash)
		}
		if h.Has(types.FieldBlockAccessListHash) && h.BlockAccessListHash != types.EmptyListHash {
			t.Errorf("%s: access list hash %s", tc.network, h.BlockAccessListHash)
		}
		// Given values win over the defaults.
		g.GasLimit, g.BaseFee, g.ExcessBlobGas, g.BlobGasUsed, g.SlotNumber = 30_000_000, uint256.NewInt(7), u64p(1<<17), u64p(1<<18), u64p(42)
		h = genesisHeader(t, g)
		if h.GasLimit != 30_000_000 || h.BaseFee.Uint64() != 7 {
			t.Errorf("%s: given values %+v", tc.network, h)
		}
		cancun := tc.fields.Has(types.FieldsCancun)
		if cancun && (h.ExcessBlobGas != 1<<17 || h.BlobGasUsed != 1<<18) {
			t.Errorf("%s: blob fields %d %d", tc.network, h.ExcessBlobGas, h.BlobGasUsed)
		}
		if !cancun && (!h.Has(types.FieldExcessBlobGas) || h.Has(types.FieldBlobGasUsed)) {
			t.Errorf("%s: pre-Cancun excess blob gas is kept, blob gas used dropped: %b", tc.network, h.Optional)
		}
		if tc.fields.Has(types.FieldSlotNumber) && h.SlotNumber != 42 {
			t.Errorf("%s: slot number %d", tc.network, h.SlotNumber)
		}
	}
	// A base fee given without London is kept; none is derived.
	cfg, _ := ParseConfig(genesisConfig(t, "genesis/mainnet.json"))
	h := genesisHeader(t, &Genesis{Config: cfg})
	if h.Optional != 0 {
		t.Errorf("pre-London fields %b", h.Optional)
	}
	h = genesisHeader(t, &Genesis{Config: cfg, BaseFee: uint256.NewInt(9)})
	if h.Optional != types.FieldBaseFee || h.BaseFee.Uint64() != 9 {
		t.Errorf("pre-London given base fee %+v", h)
	}
	// Forks are decided at the genesis number and time, London at block 0.
	cfg, _ = ConfigForNetwork("ShanghaiToCancunAtTime15k")
	h = genesisHeader(t, &Genesis{Config: cfg, Timestamp: 15_000, Number: 3})
	if h.Optional != types.FieldsCancun || h.Number != 3 || h.Time != 15_000 {
		t.Errorf("genesis at 15000: %b", h.Optional)
	}
}

func TestGenesisState(t *testing.T) {
	g := readGenesis(t, "hivechain-amsterdam/genesis.json")
	m := g.State()
	if m.Len() != len(g.Alloc) || m.Len() != 34 {
		t.Fatalf("state has %d accounts, alloc %d", m.Len(), len(g.Alloc))
	}
	withdrawals := types.MustHexToAddress("0x00000961ef480eb55e80d19ad83579a64c007002")
	acct, ok, err := m.Account(withdrawals)
	ga := g.Alloc[withdrawals]
	if err != nil || !ok || acct.Balance.Uint64() != 1 || acct.CodeHash != ga.CodeHash() {
		t.Errorf("withdrawal queue account %+v %v %v", acct, ok, err)
	}
}

func TestParseGenesisErrors(t *testing.T) {
	base := readRepo(t, "hivechain-amsterdam/genesis.json")
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(base, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name   string
		edit   func(m map[string]any)
		alsoIs error
	}{
		{"no config", func(m map[string]any) { delete(m, "config") }, nil},
		{"bad config", func(m map[string]any) { m["config"].(map[string]any)["cancunTime"] = 1000 }, ErrInvalidConfig},
		{"no gas limit", func(m map[string]any) { delete(m, "gasLimit") }, nil},
		{"null gas limit", func(m map[string]any) { m["gasLimit"] = nil }, nil},
		{"no difficulty", func(m map[string]any) { delete(m, "difficulty") }, nil},
		{"no alloc", func(m map[string]any) { delete(m, "alloc") }, nil},
		{"bad alloc", func(m map[string]any) {
			m["alloc"] = map[string]any{"0x01": map[string]any{"balance": "1"}}
		}, ErrInvalidHex},
		{"bad nonce", func(m map[string]any) { m["nonce"] = "0xq" }, ErrInvalidNumber},
		{"nonce > 64 bits", func(m map[string]any) { m["nonce"] = "0x1" + strings.Repeat("0", 16) }, ErrOverflow},
		{"bad extra", func(m map[string]any) { m["extraData"] = "0x123" }, ErrInvalidHex},
		{"bad mix hash", func(m map[string]any) { m["mixHash"] = "0x00" }, ErrInvalidHex},
		{"bad coinbase", func(m map[string]any) { m["coinbase"] = 5 }, nil},
		{"bad base fee", func(m map[string]any) { m["baseFeePerGas"] = "-1" }, ErrInvalidNumber},
		{"bad slot", func(m map[string]any) { m["slotNumber"] = 1.5 }, nil},
		{"duplicate key", func(m map[string]any) { m["mixhash"] = m["mixHash"] }, nil},
	} {
		_, err := ParseGenesis(edit(tc.edit))
		if !errors.Is(err, ErrInvalidGenesis) || (tc.alsoIs != nil && !errors.Is(err, tc.alsoIs)) {
			t.Errorf("%s: %v, want ErrInvalidGenesis (and %v)", tc.name, err, tc.alsoIs)
		}
	}
	for _, in := range []string{``, `[]`, `{`, `null`} {
		if _, err := ParseGenesis([]byte(in)); !errors.Is(err, ErrInvalidGenesis) {
			t.Errorf("%q: %v", in, err)
		}
	}
	if _, err := (&Genesis{}).Header(); !errors.Is(err, ErrInvalidGenesis) {
		t.Errorf("no config: %v", err)
	}
	if _, err := (&Genesis{}).Block(); !errors.Is(err, ErrInvalidGenesis) {
		t.Errorf("no config: %v", err)
	}
}

func FuzzParseGenesis(f *testing.F) {
	f.Add(readRepo(f, "genesis/sepolia.json"))
	f.Add([]byte(`{"config": {"chainId": 1, "londonBlock": 0}, "gasLimit": "0x1", "difficulty": 0, "alloc": {}, "excessBlobGas": "0x5"}`))
	f.Add([]byte(`{"config": {"chainId": 1}, "gasLimit": 1, "difficulty": "0x0", "alloc": {"0000000000000000000000000000000000000001": {"balance": "1", "storage": {"0x01": "0x02"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		g, err := ParseGenesis(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidGenesis) {
				t.Fatalf("error without sentinel: %v", err)
			}
			return
		}
		h, err := g.Header()
		if err != nil {
			if !errors.Is(err, ErrInvalidGenesis) {
				t.Fatalf("header error without sentinel: %v", err)
			}
			return
		}
		// A header whose optional fields have no gap round-trips; one with a
		// gap (a pre-Cancun excess blob gas without the fields below it) is
		// encoded as go-ethereum encodes it, which does not decode there
		// either.
		if f := uint(h.Optional); f&(f+1) == 0 {
			var back types.Header
			if err := back.DecodeRLP(h.AppendRLP(nil)); err != nil || back.Hash() != h.Hash() {
				t.Fatalf("genesis header does not round-trip: %v", err)
			}
		}
	})
}
