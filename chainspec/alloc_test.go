package chainspec_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

func allocRoot(t testing.TB, a chainspec.Alloc) types.Hash {
	t.Helper()
	root, err := a.Root()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func readGenesis(t testing.TB, rel string) chainspec.Alloc {
	t.Helper()
	f, err := os.Open(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	alloc, err := chainspec.ReadGenesisAlloc(f)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return alloc
}

// TestGenesisRoots checks the state roots of the mainnet and Sepolia genesis
// allocations against their known genesis state roots.
func TestGenesisRoots(t *testing.T) {
	for _, c := range []struct {
		file     string
		accounts int
		root     string
	}{
		{"genesis/mainnet.json", 8893, "0xd7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544"},
		{"genesis/sepolia.json", 15, "0x5eb6e371a698b8d68f665192350ffcecbbbf322916f4b51bd79bb6887da3f494"},
	} {
		alloc := readGenesis(t, c.file)
		if len(alloc) != c.accounts {
			t.Errorf("%s: %d accounts, want %d", c.file, len(alloc), c.accounts)
		}
		if got, want := allocRoot(t, alloc), types.MustHexToHash(c.root); got != want {
			t.Errorf("%s: state root %v, want %v", c.file, got, want)
		}
	}
}

// TestGenesisRootSecureTrie recomputes the Sepolia root with the secure trie,
// one account at a time: the slow twin of trie.StateRoot.
func TestGenesisRootSecureTrie(t *testing.T) {
	alloc := readGenesis(t, "genesis/sepolia.json")
	st := trie.NewSecureEmpty()
	for addr, g := range alloc {
		acct := types.Account{Nonce: g.Nonce, Balance: g.Balance, Root: trie.StorageRoot(g.Storage), CodeHash: g.CodeHash()}
		if err := st.UpdateAccount(addr, &acct); err != nil {
			t.Fatal(err)
		}
	}
	want := types.MustHexToHash("0x5eb6e371a698b8d68f665192350ffcecbbbf322916f4b51bd79bb6887da3f494")
	if got := st.Hash(); got != want {
		t.Fatalf("secure trie root %v, want %v", got, want)
	}
}

// TestHiveGenesis reads the hive chain's genesis: code, nonces and storage.
func TestHiveGenesis(t *testing.T) {
	alloc := readGenesis(t, "hivechain-amsterdam/genesis.json")
	if len(alloc) != 34 {
		t.Fatalf("%d accounts, want 34", len(alloc))
	}
	deployer := alloc[types.MustHexToAddress("0x4e59b44847b379578588920ca78fbf26c0b4956c")]
	if deployer.Nonce != 1 || len(deployer.Code) == 0 || !deployer.Balance.IsZero() {
		t.Fatalf("deterministic deployer: %+v", deployer)
	}
	withStorage := alloc[types.MustHexToAddress("0x8bebc8ba651aee624937e7d897853ac30c95a067")]
	if len(withStorage.Storage) == 0 {
		t.Fatal("storage not read")
	}
	beacon := alloc[types.MustHexToAddress("0x000f3df6d732807ef1319fb7b8bb8522d0beac02")]
	if beacon.Balance.Uint64() != 0x2a {
		t.Fatalf("beacon roots balance %v", beacon.Balance.Dec())
	}
}

// TestHeadStateDump reads the state dump of the hive chain's block 600: every
// account's storage root and code hash match the dump's own fields, and the
// state root matches the dump's root and the block's header.
func TestHeadStateDump(t *testing.T) {
	f, err := os.Open(testdata.Repo(t, "hivechain-amsterdam/headstate.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := chainspec.ReadDump(f)
	if err != nil {
		t.Fatal(err)
	}
	want := testdata.HiveHeadRoot
	if d.Root != want {
		t.Fatalf("dump root %v, want %v", d.Root, want)
	}
	if len(d.Accounts) != 48 {
		t.Fatalf("%d accounts, want 48", len(d.Accounts))
	}
	slots := 0
	for addr, a := range d.Accounts {
		if got := trie.StorageRoot(a.Storage); got != a.Root {
			t.Errorf("account %v: storage root %v, dump says %v", addr, got, a.Root)
		}
		codeHash := types.EmptyCodeHash
		if len(a.Code) > 0 {
			codeHash = types.Keccak256One(a.Code)
		}
		if codeHash != a.CodeHash {
			t.Errorf("account %v: code hashes to %v, dump says %v", addr, codeHash, a.CodeHash)
		}
		if a.AddressHash != types.Keccak256One(addr[:]) {
			t.Errorf("account %v: key %v", addr, a.AddressHash)
		}
		slots += len(a.Storage)
	}
	if slots != 1814 {
		t.Errorf("%d storage slots, want 1814", slots)
	}
	if got := allocRoot(t, d.Alloc()); got != want {
		t.Fatalf("state root %v, want %v", got, want)
	}
}

func TestParseAllocFormats(t *testing.T) {
	const in = `{
		"0x00000000000000000000000000000000000000aA": {"balance": "0x10", "nonce": "0x2"},
		"00000000000000000000000000000000000000bb": {"balance": "16", "nonce": 3, "code": "6001",
			"storage": {"0x01": "0x0102", "0000000000000000000000000000000000000000000000000000000000000002": "", "0x": "0xff"}},
		"0x00000000000000000000000000000000000000cc": {"balance": "", "nonce": "7", "code": "0x", "storage": null},
		"0x00000000000000000000000000000000000000dd": {"balance": "0x0000000000000000000000000000000000000000000000000000000000000000000001",
			"nonce": "18446744073709551615", "secretKey": "ignored"}
	}`
	alloc, err := chainspec.ParseAlloc([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	a := alloc[types.Address{19: 0xaa}]
	if a.Balance.Uint64() != 16 || a.Nonce != 2 || a.Code != nil || a.Storage != nil {
		t.Errorf("aa: %+v", a)
	}
	b := alloc[types.Address{19: 0xbb}]
	if b.Balance.Uint64() != 16 || b.Nonce != 3 || !bytes.Equal(b.Code, []byte{0x60, 0x01}) || len(b.Storage) != 3 {
		t.Errorf("bb: %+v", b)
	}
	if v := b.Storage[*uint256.NewInt(1)]; v.Uint64() != 0x0102 {
		t.Errorf("bb slot 1 = %v", v.Hex())
	}
	if v, ok := b.Storage[*uint256.NewInt(2)]; !ok || !v.IsZero() {
		t.Errorf("bb slot 2 = %v %v", v.Hex(), ok)
	}
	if v := b.Storage[uint256.Int{}]; v.Uint64() != 0xff {
		t.Errorf("bb slot 0 = %v", v.Hex())
	}
	if c := alloc[types.Address{19: 0xcc}]; !c.Balance.IsZero() || c.Nonce != 7 || c.Code != nil || c.CodeHash() != types.EmptyCodeHash {
		t.Errorf("cc: %+v", c)
	}
	if d := alloc[types.Address{19: 0xdd}]; d.Balance.Uint64() != 1 || d.Nonce != 1<<64-1 {
		t.Errorf("dd: %+v", d)
	}
	// Alloc works with encoding/json too.
	var viaJSON chainspec.Alloc
	if err := viaJSON.UnmarshalJSON([]byte(in)); err != nil || len(viaJSON) != 4 {
		t.Fatalf("UnmarshalJSON: %v", err)
	}
	// A genesis without alloc is empty.
	if alloc, err := chainspec.ReadGenesisAlloc(strings.NewReader(`{"config": {}}`)); err != nil || len(alloc) != 0 {
		t.Fatalf("no alloc: %v %v", alloc, err)
	}
	max := "0x" + strings.Repeat("f", 64)
	if alloc, err := chainspec.ParseAlloc([]byte(`{"0000000000000000000000000000000000000001": {"balance": "` + max + `"}}`)); err != nil {
		t.Fatal(err)
	} else if b := alloc[types.Address{19: 1}].Balance; b != *new(uint256.Int).SetAllOne() {
		t.Fatalf("max balance %v", b.Hex())
	}
	maxDec := "115792089237316195423570985008687907853269984665640564039457584007913129639935"
	if alloc, err := chainspec.ParseAlloc([]byte(`{"0000000000000000000000000000000000000001": {"balance": "` + maxDec + `"}}`)); err != nil {
		t.Fatal(err)
	} else if b := alloc[types.Address{19: 1}].Balance; b != *new(uint256.Int).SetAllOne() {
		t.Fatalf("max decimal balance %v", b.Hex())
	}
}

func TestAllocErrors(t *testing.T) {
	const a1 = `"0x00000000000000000000000000000000000000aa"`
	acct := func(body string) string { return `{` + a1 + `: ` + body + `}` }
	cases := []struct {
		name string
		in   string
		want error
	}{
		{"not json", `{`, chainspec.ErrInvalidJSON},
		{"trailing data", `{} {}`, chainspec.ErrInvalidJSON},
		{"array", `[]`, chainspec.ErrInvalidJSON},
		{"account not object", acct(`"x"`), chainspec.ErrInvalidJSON},
		{"account null", acct(`null`), chainspec.ErrInvalidJSON},
		{"balance number", acct(`{"balance": 5}`), chainspec.ErrInvalidJSON},
		{"missing balance", acct(`{"nonce": "0x1"}`), chainspec.ErrMissingField},
		{"balance bad hex", acct(`{"balance": "0xzz"}`), chainspec.ErrInvalidNumber},
		{"balance empty hex", acct(`{"balance": "0x"}`), chainspec.ErrInvalidNumber},
		{"balance negative", acct(`{"balance": "-1"}`), chainspec.ErrInvalidNumber},
		{"balance plus", acct(`{"balance": "+1"}`), chainspec.ErrInvalidNumber},
		{"balance 257 bits hex", acct(`{"balance": "0x1` + strings.Repeat("0", 64) + `"}`), chainspec.ErrOverflow},
		{"balance 257 bits dec", acct(`{"balance": "115792089237316195423570985008687907853269984665640564039457584007913129639936"}`), chainspec.ErrOverflow},
		{"nonce float", acct(`{"balance": "1", "nonce": 1.5}`), chainspec.ErrInvalidNumber},
		{"nonce exponent", acct(`{"balance": "1", "nonce": 1e3}`), chainspec.ErrInvalidNumber},
		{"nonce negative", acct(`{"balance": "1", "nonce": -1}`), chainspec.ErrInvalidNumber},
		{"nonce overflow", acct(`{"balance": "1", "nonce": "0x10000000000000000"}`), chainspec.ErrOverflow},
		{"nonce object", acct(`{"balance": "1", "nonce": {}}`), chainspec.ErrInvalidNumber},
		{"code odd", acct(`{"balance": "1", "code": "0x123"}`), chainspec.ErrInvalidHex},
		{"code bad", acct(`{"balance": "1", "code": "0xzz"}`), chainspec.ErrInvalidHex},
		{"code number", acct(`{"balance": "1", "code": 12}`), chainspec.ErrInvalidJSON},
		{"storage array", acct(`{"balance": "1", "storage": []}`), chainspec.ErrInvalidJSON},
		{"storage value number", acct(`{"balance": "1", "storage": {"0x01": 1}}`), chainspec.ErrInvalidJSON},
		{"storage key too long", acct(`{"balance": "1", "storage": {"0x` + strings.Repeat("00", 33) + `": "0x01"}}`), chainspec.ErrOverflow},
		{"storage value too long", acct(`{"balance": "1", "storage": {"0x01": "0x` + strings.Repeat("00", 33) + `"}}`), chainspec.ErrOverflow},
		{"storage odd", acct(`{"balance": "1", "storage": {"0x1": "0x01"}}`), chainspec.ErrInvalidHex},
		{"storage bad hex", acct(`{"balance": "1", "storage": {"0x01": "0xgg"}}`), chainspec.ErrInvalidHex},
		{"storage duplicate", acct(`{"balance": "1", "storage": {"0x01": "0x01", "0x0001": "0x02"}}`), chainspec.ErrDuplicateSlot},
		{"address short", `{"0xaa": {"balance": "1"}}`, chainspec.ErrInvalidHex},
		{"address bad", `{"0x00000000000000000000000000000000000000zz": {"balance": "1"}}`, chainspec.ErrInvalidHex},
		{"address case duplicate", `{"0x00000000000000000000000000000000000000aa": {"balance": "1"}, "0x00000000000000000000000000000000000000AA": {"balance": "2"}}`, chainspec.ErrDuplicateAddress},
		{"address prefix duplicate", `{"0x00000000000000000000000000000000000000aa": {"balance": "1"}, "00000000000000000000000000000000000000aa": {"balance": "2"}}`, chainspec.ErrDuplicateAddress},
		{"address exact duplicate", `{"00000000000000000000000000000000000000aa": {"balance": "1"}, "00000000000000000000000000000000000000aa": {"balance": "2"}}`, chainspec.ErrDuplicateAddress},
	}
	for _, c := range cases {
		_, err := chainspec.ParseAlloc([]byte(c.in))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		// The same through a whole genesis file.
		_, err = chainspec.ReadGenesisAlloc(strings.NewReader(`{"config": {}, "alloc": ` + c.in + `}`))
		if !errors.Is(err, c.want) {
			t.Errorf("%s (genesis): err = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := chainspec.ReadGenesisAlloc(strings.NewReader(`[1]`)); !errors.Is(err, chainspec.ErrInvalidJSON) {
		t.Errorf("genesis array: %v", err)
	}
}

func TestDumpErrors(t *testing.T) {
	const (
		addr   = "0x00000000000000000000000000000000000000aa"
		empty  = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
		noCode = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
	)
	dump := func(root, acct string) string {
		return `{"root": "` + root + `", "accounts": {"` + addr + `": ` + acct + `}}`
	}
	good := `{"balance": "1", "nonce": 0, "root": "` + empty + `", "codeHash": "` + noCode + `"}`
	if d, err := chainspec.ReadDump(strings.NewReader(dump(empty[2:], good))); err != nil || len(d.Accounts) != 1 {
		t.Fatalf("good dump: %v", err)
	}
	with := func(extra string) string { return strings.TrimSuffix(good, "}") + ", " + extra + "}" }
	wrongKey := types.Keccak256One([]byte("x"))
	cases := []struct {
		name string
		in   string
		want error
	}{
		{"not json", `{"root": `, chainspec.ErrInvalidJSON},
		{"no root", `{"accounts": {}}`, chainspec.ErrMissingField},
		{"bad root", dump("0x1234", good), chainspec.ErrInvalidHex},
		{"missing root field", dump(empty, `{"balance": "1", "codeHash": "`+noCode+`"}`), chainspec.ErrMissingField},
		{"missing codeHash", dump(empty, `{"balance": "1", "root": "`+empty+`"}`), chainspec.ErrMissingField},
		{"missing balance", dump(empty, `{"root": "`+empty+`", "codeHash": "`+noCode+`"}`), chainspec.ErrMissingField},
		{"bad balance", dump(empty, strings.Replace(good, `"1"`, `"1x"`, 1)), chainspec.ErrInvalidNumber},
		{"code mismatch", dump(empty, with(`"code": "0x00"`)), chainspec.ErrInconsistentDump},
		{"address mismatch", dump(empty, with(`"address": "0x00000000000000000000000000000000000000ab"`)), chainspec.ErrInconsistentDump},
		{"key mismatch", dump(empty, with(`"key": "`+wrongKey.Hex()+`"`)), chainspec.ErrInconsistentDump},
		{"missing preimage", `{"root": "` + empty + `", "accounts": {"pre(0x12)": ` + good + `}}`, chainspec.ErrMissingField},
		{"duplicate address", `{"root": "` + empty + `", "accounts": {"` + addr + `": ` + good + `, "` + strings.ToUpper(addr[2:]) + `": ` + good + `}}`, chainspec.ErrDuplicateAddress},
		{"storage duplicate", dump(empty, with(`"storage": {"0x01": "01", "0x0000000000000000000000000000000000000000000000000000000000000001": "02"}`)), chainspec.ErrDuplicateSlot},
	}
	for _, c := range cases {
		if _, err := chainspec.ReadDump(strings.NewReader(c.in)); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// FuzzParseAlloc: arbitrary input never panics, every failure matches one of
// the package's sentinels, and whatever parses has a state root.
func FuzzParseAlloc(f *testing.F) {
	f.Add([]byte(`{"0x00000000000000000000000000000000000000aa": {"balance": "0x10", "nonce": 2, "code": "0x6001", "storage": {"0x01": "0x02"}}}`))
	f.Add([]byte(`{"00000000000000000000000000000000000000bb": {"balance": "16", "nonce": "0x3"}}`))
	f.Add([]byte(`{"a": 1}`))
	f.Add([]byte(`null`))
	sentinels := []error{
		chainspec.ErrInvalidJSON, chainspec.ErrInvalidHex, chainspec.ErrInvalidNumber, chainspec.ErrOverflow,
		chainspec.ErrDuplicateAddress, chainspec.ErrDuplicateSlot, chainspec.ErrMissingField,
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		alloc, err := chainspec.ParseAlloc(data)
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error without a sentinel: %v", err)
		}
		if _, err := alloc.Root(); err != nil {
			t.Fatalf("StateRoot of a parsed alloc: %v", err)
		}
	})
}

// BenchmarkMainnetGenesisRoot is the state root of the mainnet genesis
// allocation (8893 accounts) from the parsed allocation.
func BenchmarkMainnetGenesisRoot(b *testing.B) {
	alloc := readGenesis(b, "genesis/mainnet.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := alloc.Root(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// BenchmarkReadGenesisAlloc parses the 1 MB mainnet genesis file.
func BenchmarkReadGenesisAlloc(b *testing.B) {
	data, err := os.ReadFile(testdata.Repo(b, "genesis/mainnet.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := chainspec.ReadGenesisAlloc(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
