package types_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The EIP-155 example transaction, from the text of EIP-155.
func TestEIP155Example(t *testing.T) {
	tx := types.Transaction{
		Type:     types.LegacyTxType,
		Nonce:    9,
		GasPrice: u256("20000000000"),
		Gas:      21000,
		To:       types.MustHexToAddress("0x3535353535353535353535353535353535353535"),
		Value:    u256("1000000000000000000"),
	}
	chainID := uint256.NewInt(1)
	// "signing data" and "signing hash" of the EIP.
	wantPayload := mustHex(t, "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")
	if got := types.Keccak256One(wantPayload); got != tx.SigningHash(chainID) {
		t.Fatalf("signing hash %x, want keccak of the EIP signing data %x", tx.SigningHash(chainID), got)
	}
	if got, want := tx.SigningHash(chainID), types.MustHexToHash("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"); got != want {
		t.Fatalf("signing hash %x, want %x", got, want)
	}
	signed := mustHex(t, "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
	dec, err := types.DecodeTransaction(signed)
	if err != nil {
		t.Fatal(err)
	}
	if dec.V.Uint64() != 37 ||
		dec.R != u256("18515461264373351373200002665853028612451056578545711640558177340181847433846") ||
		dec.S != u256("46948507304638947509940763649030358759909902576025900602547168820602576006531") {
		t.Fatalf("v, r, s = %d, %s, %s", dec.V.Uint64(), dec.R.Dec(), dec.S.Dec())
	}
	key := testKey(0x46)
	want := keyAddress(key)
	if want != types.MustHexToAddress("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f") {
		t.Fatalf("address of the EIP key: %x", want)
	}
	from, err := dec.Sender(chainID)
	if err != nil || from != want {
		t.Fatalf("sender %x (%v), want %x", from, err, want)
	}
	if _, err := dec.Sender(uint256.NewInt(2)); !errors.Is(err, types.ErrInvalidChainID) {
		t.Fatalf("sender on chain 2: %v", err)
	}
	if !bytes.Equal(dec.MarshalCanonical(), signed) {
		t.Fatal("re-encoding differs")
	}
}

// sampleTxs returns one signed transaction of each type (and each legacy
// flavour), sealed.
func sampleTxs(t testing.TB, chainID *uint256.Int) []*types.Transaction {
	key := testKey(0x11)
	al := types.AccessList{
		{Address: types.MustHexToAddress("0x00000000000000000000000000000000000000aa"), StorageKeys: []types.Hash{{1}, {2}}},
		{Address: types.MustHexToAddress("0x00000000000000000000000000000000000000bb")},
	}
	to := types.MustHexToAddress("0x1111111111111111111111111111111111111111")
	auth := types.Authorization{ChainID: *chainID, Address: to, Nonce: 7}
	signAuth(&auth, testKey(0x22))
	anyChain := types.Authorization{Address: to, Nonce: 1 << 40}
	signAuth(&anyChain, testKey(0x23))
	txs := []*types.Transaction{
		{Type: types.LegacyTxType, Nonce: 1, GasPrice: u256("1000000000"), Gas: 21000, To: to, Value: u256("1")},
		{Type: types.LegacyTxType, Nonce: 2, GasPrice: u256("7"), Gas: 100000, IsCreate: true, Data: []byte{0x60, 0x00}},
		{Type: types.AccessListTxType, ChainID: *chainID, Nonce: 3, GasPrice: u256("9"), Gas: 50000, To: to, Data: []byte("hello"), AccessList: al},
		{Type: types.DynamicFeeTxType, ChainID: *chainID, Nonce: 4, GasTipCap: u256("2"), GasFeeCap: u256("300"), Gas: 60000, IsCreate: true, Value: u256("1000000000000000000000"), Data: bytes.Repeat([]byte{0x5b}, 100)},
		{Type: types.BlobTxType, ChainID: *chainID, Nonce: 5, GasTipCap: u256("2"), GasFeeCap: u256("300"), Gas: 70000, To: to, AccessList: al[:1], BlobFeeCap: u256("12345"), BlobHashes: []types.Hash{{0x01, 0xaa}, {0x01, 0xbb}}},
		{Type: types.SetCodeTxType, ChainID: *chainID, Nonce: 6, GasTipCap: u256("2"), GasFeeCap: u256("300"), Gas: 80000, To: to, AuthList: []types.Authorization{auth, anyChain}},
	}
	for i, tx := range txs {
		if i == 0 {
			signTx(tx, key, nil) // unprotected legacy
		} else {
			signTx(tx, key, chainID)
		}
	}
	return txs
}

func TestTxRoundTrip(t *testing.T) {
	chainID := uint256.NewInt(1337)
	from := keyAddress(testKey(0x11))
	for i, tx := range sampleTxs(t, chainID) {
		t.Run(fmt.Sprintf("%d-type%d", i, tx.Type), func(t *testing.T) {
			canon := tx.MarshalCanonical()
			if len(canon) != tx.CanonicalSize() {
				t.Fatalf("CanonicalSize %d, encoding %d", tx.CanonicalSize(), len(canon))
			}
			if tx.Hash() != types.Keccak256One(canon) {
				t.Fatal("hash is not keccak of the canonical encoding")
			}
			dec, err := types.DecodeTransaction(canon)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(dec, tx) {
				t.Fatalf("decoded %+v\nwant %+v", dec, tx)
			}
			body := tx.AppendRLP(nil)
			if len(body) != tx.EncodedSize() {
				t.Fatalf("EncodedSize %d, encoding %d", tx.EncodedSize(), len(body))
			}
			var dec2 types.Transaction
			if err := dec2.DecodeRLP(body); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&dec2, tx) {
				t.Fatal("block-body form decodes differently")
			}
			if tx.Type == types.LegacyTxType {
				if !bytes.Equal(body, canon) {
					t.Fatal("legacy body form differs from the canonical form")
				}
			} else if c, err := rlp.DecodeBytes(body); err != nil || !bytes.Equal(c, canon) {
				t.Fatal("typed body form is not the canonical form as a byte string")
			}
			got, err := dec.Sender(chainID)
			if err != nil || got != from {
				t.Fatalf("sender %x (%v), want %x", got, err, from)
			}
			for j, a := range dec.AuthList {
				who, err := a.Authority()
				if err != nil || who != keyAddress(testKey(0x22+byte(j))) {
					t.Fatalf("authority %d: %x (%v)", j, who, err)
				}
			}
		})
	}
}

func TestSigningHashForms(t *testing.T) {
	chainID := uint256.NewInt(5)
	txs := sampleTxs(t, chainID)
	legacy := txs[0]
	// Unprotected: rlp of the first six fields.
	elems := listElems(t, legacy.MarshalCanonical())
	if got, want := legacy.SigningHash(nil), types.Keccak256One(rlpList(elems[:6]...)); got != want {
		t.Fatalf("unprotected signing hash %x, want %x", got, want)
	}
	if legacy.SigningHash(uint256.NewInt(0)) != legacy.SigningHash(nil) {
		t.Fatal("chain id 0 should select the unprotected form")
	}
	// EIP-155: six fields, chain id, 0, 0.
	want := types.Keccak256One(rlpList(append(elems[:6:6], rlp.AppendUint64(nil, 5), []byte{0x80}, []byte{0x80})...))
	if got := legacy.SigningHash(chainID); got != want {
		t.Fatalf("EIP-155 signing hash %x, want %x", got, want)
	}
	// Typed: type || rlp(fields without the signature).
	for _, tx := range txs[2:] {
		canon := tx.MarshalCanonical()
		el := listElems(t, canon[1:])
		want := types.Keccak256One(append([]byte{tx.Type}, rlpList(el[:len(el)-3]...)...))
		if got := tx.SigningHash(nil); got != want {
			t.Fatalf("type %d signing hash %x, want %x", tx.Type, got, want)
		}
		if tx.SigningHash(chainID) != want {
			t.Fatalf("type %d: explicit chain id changes the signing hash", tx.Type)
		}
	}
}

func TestTxDecodeRejects(t *testing.T) {
	chainID := uint256.NewInt(1)
	txs := sampleTxs(t, chainID)
	legacy := txs[1].MarshalCanonical()
	dyn := txs[3].MarshalCanonical()
	blob := txs[4].MarshalCanonical()
	setcode := txs[5].MarshalCanonical()
	alTx := txs[2].MarshalCanonical()
	bigInt := append([]byte{0xa1}, bytes.Repeat([]byte{1}, 33)...)
	addr19 := rlp.AppendBytes(nil, make([]byte, 19))
	addr21 := rlp.AppendBytes(nil, make([]byte, 21))

	cases := []struct {
		name string
		enc  []byte
		want []error
	}{
		{"empty", nil, []error{types.ErrMalformed}},
		{"unknown type 5", append([]byte{5}, dyn[1:]...), []error{types.ErrTxTypeNotSupported}},
		{"unknown type 0x7f", append([]byte{0x7f}, dyn[1:]...), []error{types.ErrTxTypeNotSupported}},
		{"type 0 as typed", append([]byte{0}, dyn[1:]...), []error{types.ErrTxTypeNotSupported}},
		{"string instead of tx", rlp.AppendBytes(nil, dyn), []error{types.ErrTxTypeNotSupported}},
		{"type byte only", []byte{2}, []error{types.ErrShortTypedTx}},
		{"trailing bytes legacy", append(bytes.Clone(legacy), 0x80), []error{types.ErrMalformed, rlp.ErrTrailingBytes}},
		{"trailing bytes typed", append(bytes.Clone(dyn), 0x80), []error{types.ErrMalformed, rlp.ErrTrailingBytes}},
		{"legacy too few fields", withField(t, legacy, 8, nil), []error{types.ErrMalformed, rlp.ErrTooFewElements}},
		{"legacy too many fields", withField(t, legacy, 9, []byte{0x80}), []error{types.ErrMalformed, rlp.ErrTooManyElements}},
		{"dynamic too few fields", withField(t, dyn, 11, nil), []error{types.ErrMalformed, rlp.ErrTooFewElements}},
		{"dynamic too many fields", withField(t, dyn, 12, []byte{0x80}), []error{types.ErrMalformed, rlp.ErrTooManyElements}},
		{"blob too few fields", withField(t, blob, 10, nil), []error{types.ErrMalformed}},
		{"setcode too many fields", withField(t, setcode, 13, []byte{0x80}), []error{types.ErrMalformed, rlp.ErrTooManyElements}},
		{"legacy to 19 bytes", withField(t, legacy, 3, addr19), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"dynamic to 21 bytes", withField(t, dyn, 5, addr21), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"to single byte", withField(t, dyn, 5, []byte{0x01}), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"blob without to", withField(t, blob, 5, []byte{0x80}), []error{types.ErrMalformed, types.ErrTxMissingTo}},
		{"setcode without to", withField(t, setcode, 5, []byte{0x80}), []error{types.ErrMalformed, types.ErrTxMissingTo}},
		{"nonce leading zero", withField(t, dyn, 1, []byte{0x82, 0x00, 0x04}), []error{types.ErrMalformed, rlp.ErrCanonInt}},
		{"nonce over 64 bits", withField(t, dyn, 1, append([]byte{0x89, 1}, make([]byte, 8)...)), []error{types.ErrMalformed, rlp.ErrUintOverflow}},
		{"value over 256 bits", withField(t, dyn, 6, bigInt), []error{types.ErrMalformed, rlp.ErrUintOverflow}},
		{"v over 256 bits", withField(t, legacy, 6, bigInt), []error{types.ErrMalformed, rlp.ErrUintOverflow}},
		{"non-canonical size", withField(t, dyn, 7, []byte{0x81, 0x05}), []error{types.ErrMalformed, rlp.ErrCanonSize}},
		{"data as list", withField(t, dyn, 7, []byte{0xc0}), []error{types.ErrMalformed, rlp.ErrExpectedString}},
		{"access list as string", withField(t, alTx, 7, []byte{0x80}), []error{types.ErrMalformed, rlp.ErrExpectedList}},
		{"access list address 19 bytes", withField(t, alTx, 7, rlpList(rlpList(addr19, []byte{0xc0}))), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"access list key 31 bytes", withField(t, alTx, 7, rlpList(rlpList(rlp.AppendBytes(nil, make([]byte, 20)), rlpList(rlp.AppendBytes(nil, make([]byte, 31)))))), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"access tuple extra field", withField(t, alTx, 7, rlpList(rlpList(rlp.AppendBytes(nil, make([]byte, 20)), []byte{0xc0}, []byte{0x80}))), []error{types.ErrMalformed, rlp.ErrTooManyElements}},
		{"blob hash 33 bytes", withField(t, blob, 10, rlpList(rlp.AppendBytes(nil, make([]byte, 33)))), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"auth address 21 bytes", withField(t, setcode, 9, rlpList(rlpList([]byte{1}, addr21, []byte{1}, []byte{1}, []byte{1}, []byte{1}))), []error{types.ErrMalformed, rlp.ErrWrongLength}},
		{"auth y-parity 256", withField(t, setcode, 9, rlpList(rlpList([]byte{1}, rlp.AppendBytes(nil, make([]byte, 20)), []byte{1}, []byte{0x82, 1, 0}, []byte{1}, []byte{1}))), []error{types.ErrMalformed, rlp.ErrUintOverflow}},
		{"auth too few fields", withField(t, setcode, 9, rlpList(rlpList([]byte{1}, rlp.AppendBytes(nil, make([]byte, 20)), []byte{1}, []byte{1}, []byte{1}))), []error{types.ErrMalformed, rlp.ErrTooFewElements}},
		{"blob network form with sidecar", append([]byte{3}, rlpList(blob[1:], []byte{0xc0}, []byte{0xc0}, []byte{0xc0})...), []error{types.ErrMalformed, rlp.ErrExpectedString}},
		{"list header longer than input", append([]byte{2, 0xf8, 0xff}, dyn[3:]...), []error{types.ErrMalformed}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tx types.Transaction
			err := tx.DecodeCanonical(c.enc)
			if err == nil {
				t.Fatalf("accepted %s", hexStr(c.enc))
			}
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Fatalf("error %q does not match %q", err, w)
				}
			}
			if !reflect.DeepEqual(&tx, &types.Transaction{}) {
				t.Fatal("receiver not zeroed on error")
			}
		})
	}

	// The block-body form.
	body := []struct {
		name string
		enc  []byte
		want error
	}{
		{"legacy in envelope", rlp.AppendBytes(nil, legacy), types.ErrLegacyTxInEnvelope},
		{"string type byte", rlp.AppendBytes(nil, append([]byte{0x85}, dyn[1:]...)), types.ErrTxTypeNotSupported},
		{"unknown type in envelope", rlp.AppendBytes(nil, append([]byte{0x05}, dyn[1:]...)), types.ErrTxTypeNotSupported},
		{"single byte", []byte{0x02}, types.ErrShortTypedTx},
		{"envelope of one byte", []byte{0x81, 0x80}, types.ErrShortTypedTx},
		{"empty envelope", []byte{0x80}, types.ErrShortTypedTx},
		{"typed unwrapped", dyn, types.ErrMalformed},
		{"two values", append(rlp.AppendBytes(nil, dyn), 0x80), types.ErrMalformed},
		{"non-canonical envelope size", append([]byte{0xb9, 0x00, byte(len(dyn))}, dyn...), types.ErrMalformed},
		{"blob without to", rlp.AppendBytes(nil, withField(t, blob, 5, []byte{0x80})), types.ErrTxMissingTo},
	}
	for _, c := range body {
		t.Run("body/"+c.name, func(t *testing.T) {
			var tx types.Transaction
			if err := tx.DecodeRLP(c.enc); !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestSenderRejects(t *testing.T) {
	chainID := uint256.NewInt(1)
	txs := sampleTxs(t, chainID)
	n := *uint256.MustFromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	from := keyAddress(testKey(0x11))
	mod := func(tx *types.Transaction, f func(*types.Transaction)) *types.Transaction {
		c := tx.Copy()
		f(c)
		c.Seal()
		return c
	}
	dyn, legacy, prot := txs[3], txs[0], txs[1]
	cases := []struct {
		name string
		tx   *types.Transaction
		want error
	}{
		{"typed wrong chain", mod(dyn, func(tx *types.Transaction) { tx.ChainID.SetUint64(2) }), types.ErrInvalidChainID},
		{"typed v=2", mod(dyn, func(tx *types.Transaction) { tx.V.SetUint64(2) }), types.ErrInvalidSig},
		{"typed v=27", mod(dyn, func(tx *types.Transaction) { tx.V.SetUint64(27) }), types.ErrInvalidSig},
		{"r=0", mod(dyn, func(tx *types.Transaction) { tx.R.Clear() }), types.ErrInvalidSig},
		{"s=0", mod(dyn, func(tx *types.Transaction) { tx.S.Clear() }), types.ErrInvalidSig},
		{"r=n", mod(dyn, func(tx *types.Transaction) { tx.R = n }), types.ErrInvalidSig},
		{"high s", mod(dyn, func(tx *types.Transaction) {
			tx.S.Sub(&n, &tx.S)
			tx.V.SetUint64(1 - tx.V.Uint64())
		}), types.ErrInvalidSig},
		{"legacy v=0", mod(legacy, func(tx *types.Transaction) { tx.V.SetUint64(0) }), types.ErrInvalidSig},
		{"legacy v=1", mod(legacy, func(tx *types.Transaction) { tx.V.SetUint64(1) }), types.ErrInvalidSig},
		{"legacy v=30", mod(legacy, func(tx *types.Transaction) { tx.V.SetUint64(30) }), types.ErrInvalidChainID},
		{"legacy other chain", mod(prot, func(tx *types.Transaction) { tx.V.AddUint64(&tx.V, 2) }), types.ErrInvalidChainID},
		{"legacy huge v", mod(prot, func(tx *types.Transaction) { tx.V.Lsh(&tx.V, 100) }), types.ErrInvalidChainID},
		{"unknown type", mod(dyn, func(tx *types.Transaction) { tx.Type = 9 }), types.ErrTxTypeNotSupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if a, err := c.tx.Sender(chainID); !errors.Is(err, c.want) {
				t.Fatalf("sender %x, error %v, want %v", a, err, c.want)
			}
		})
	}
	// The high-s twin of a valid signature recovers the same key when the
	// low-s rule is not applied (as in the ecrecover precompile).
	var hs uint256.Int
	hs.Sub(&n, &dyn.S)
	got, err := types.RecoverAddress(dyn.SigningHash(chainID), &dyn.R, &hs, byte(1-dyn.V.Uint64()))
	if err != nil || got != from {
		t.Fatalf("high-s recovery %x (%v), want %x", got, err, from)
	}
	if _, err := types.RecoverAddress(dyn.SigningHash(chainID), &dyn.R, &dyn.S, 2); !errors.Is(err, types.ErrInvalidSig) {
		t.Fatalf("recovery id 2: %v", err)
	}
	// r whose point is not on the curve: x = 5 has no y (5^3 + 7 = 132 is
	// not a square mod p), so recovery fails.
	if _, err := types.RecoverAddress(dyn.SigningHash(chainID), uint256.NewInt(5), &dyn.S, 0); !errors.Is(err, types.ErrInvalidSig) {
		t.Fatalf("r off the curve: %v", err)
	}
	// A legacy signature on a chain needs that chain's id.
	if _, err := prot.Sender(nil); !errors.Is(err, types.ErrInvalidChainID) {
		t.Fatalf("protected tx without chain id: %v", err)
	}
	if got, err := legacy.Sender(uint256.NewInt(99)); err != nil || got != from {
		t.Fatalf("unprotected tx on another chain: %x %v", got, err)
	}
}

func TestAuthorityRejects(t *testing.T) {
	a := types.Authorization{ChainID: *uint256.NewInt(1), Address: types.Address{1}, Nonce: 3}
	signAuth(&a, testKey(0x33))
	if who, err := a.Authority(); err != nil || who != keyAddress(testKey(0x33)) {
		t.Fatalf("authority %x %v", who, err)
	}
	n := *uint256.MustFromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	for name, f := range map[string]func(*types.Authorization){
		"y-parity 2":   func(a *types.Authorization) { a.V = 2 },
		"y-parity 255": func(a *types.Authorization) { a.V = 255 },
		"r=0":          func(a *types.Authorization) { a.R.Clear() },
		"s=0":          func(a *types.Authorization) { a.S.Clear() },
		"r=n":          func(a *types.Authorization) { a.R = n },
		"s=n":          func(a *types.Authorization) { a.S = n },
		"high s":       func(a *types.Authorization) { a.S.Sub(&n, &a.S); a.V ^= 1 },
	} {
		b := a
		f(&b)
		if who, err := b.Authority(); !errors.Is(err, types.ErrInvalidSig) {
			t.Errorf("%s: authority %x, error %v", name, who, err)
		}
	}
	// Rejection by value checks is cheap: no allocation, no curve work.
	bad := a
	bad.V = 2
	if allocs := testing.AllocsPerRun(100, func() { _, _ = bad.Authority() }); allocs != 0 {
		t.Fatalf("invalid authorization allocates %v times", allocs)
	}
}

func TestRecoverSendersDeterministic(t *testing.T) {
	chainID := uint256.NewInt(1)
	key := testKey(0x44)
	txs := make([]*types.Transaction, 40)
	for i := range txs {
		txs[i] = &types.Transaction{Type: types.DynamicFeeTxType, ChainID: *chainID, Nonce: uint64(i), Gas: 21000, GasFeeCap: u256("10")}
		signTx(txs[i], key, chainID)
	}
	want := keyAddress(key)
	for _, w := range []int{0, 1, 2, 3, 8, 100} {
		got, err := types.RecoverSenders(txs, chainID, w)
		if err != nil || len(got) != len(txs) {
			t.Fatalf("workers %d: %v", w, err)
		}
		for i, a := range got {
			if a != want {
				t.Fatalf("workers %d: sender %d is %x", w, i, a)
			}
		}
	}
	if got, err := types.RecoverSenders(nil, chainID, 4); err != nil || len(got) != 0 {
		t.Fatalf("no transactions: %v %v", got, err)
	}
	// Break transactions 31, 17 and 9 (in different ways): index 9 must be
	// reported every time, with every worker count.
	bad := append([]*types.Transaction(nil), txs...)
	for _, i := range []int{31, 17, 9} {
		c := txs[i].Copy()
		switch i {
		case 9:
			c.ChainID.SetUint64(5)
		default:
			c.V.SetUint64(7)
		}
		c.Seal()
		bad[i] = c
	}
	for _, w := range []int{1, 2, 3, 8} {
		for range 5 {
			_, err := types.RecoverSenders(bad, chainID, w)
			if !errors.Is(err, types.ErrInvalidChainID) || !bytes.Contains([]byte(err.Error()), []byte("tx 9:")) {
				t.Fatalf("workers %d: %v, want the error of tx 9", w, err)
			}
		}
	}
}

func TestCreateAddress(t *testing.T) {
	sender := types.MustHexToAddress("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0")
	for nonce, want := range []string{
		"0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d",
		"0x343c43a37d37dff08ae8c4a11544c718abb4fcf8",
		"0xf778b86fa74e846c4f0a1fbd1335fe81c00a0c91",
	} {
		if got := types.CreateAddress(sender, uint64(nonce)); got != types.MustHexToAddress(want) {
			t.Errorf("CreateAddress(nonce %d) = %x, want %s", nonce, got, want)
		}
	}
	// Large nonces take the long integer form; check against a hand encoding.
	for _, nonce := range []uint64{0x7f, 0x80, 1 << 32, ^uint64(0)} {
		enc := rlpList(rlp.AppendBytes(nil, sender[:]), rlp.AppendUint64(nil, nonce))
		h := types.Keccak256One(enc)
		if got := types.CreateAddress(sender, nonce); !bytes.Equal(got[:], h[12:]) {
			t.Errorf("CreateAddress(nonce %d) = %x", nonce, got)
		}
	}
	// EIP-1014 examples.
	for _, c := range []struct{ addr, salt, code, want string }{
		{"0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00", "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"},
		{"0xdeadbeef00000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00", "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3"},
		{"0x00000000000000000000000000000000deadbeef", "0x00000000000000000000000000000000000000000000000000000000cafebabe", "0xdeadbeef", "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7"},
		{"0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0x", "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0"},
	} {
		code := mustHex(t, c.code)
		got := types.CreateAddress2(types.MustHexToAddress(c.addr), types.MustHexToHash(c.salt), types.Keccak256One(code))
		if got != types.MustHexToAddress(c.want) {
			t.Errorf("CreateAddress2(%s, %s, %s) = %x, want %s", c.addr, c.salt, c.code, got, c.want)
		}
	}
}

func TestTxAccessors(t *testing.T) {
	txs := sampleTxs(t, uint256.NewInt(1))
	base := uint256.NewInt(100)
	legacy, dyn, blob := txs[0], txs[3], txs[4]
	if p := legacy.EffectiveGasPrice(base); p != legacy.GasPrice {
		t.Fatalf("legacy effective price %s", p.Dec())
	}
	if p := dyn.EffectiveGasPrice(base); p.Uint64() != 102 {
		t.Fatalf("effective price %s, want base + tip = 102", p.Dec())
	}
	if p := dyn.EffectiveGasPrice(uint256.NewInt(299)); p.Uint64() != 300 {
		t.Fatalf("effective price %s, want the fee cap 300", p.Dec())
	}
	if tc, fc := legacy.TipCap(), legacy.FeeCap(); tc != legacy.GasPrice || fc != legacy.GasPrice {
		t.Fatal("legacy caps are not the gas price")
	}
	if tc, fc := dyn.TipCap(), dyn.FeeCap(); tc != dyn.GasTipCap || fc != dyn.GasFeeCap {
		t.Fatal("dynamic-fee caps")
	}
	if blob.BlobGas() != 2*types.BlobGasPerBlob {
		t.Fatalf("blob gas %d", blob.BlobGas())
	}
	if txs[2].AccessList.StorageKeys() != 2 {
		t.Fatal("access list key count")
	}
}

func TestTxAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector; allocation counts need a normal build")
	}
	txs := sampleTxs(t, uint256.NewInt(1))
	buf := make([]byte, 0, 4096)
	for _, tx := range txs {
		if a := testing.AllocsPerRun(100, func() { buf = tx.AppendCanonical(buf[:0]) }); a != 0 {
			t.Errorf("type %d AppendCanonical allocates %v", tx.Type, a)
		}
		if a := testing.AllocsPerRun(100, func() { _ = tx.SigningHash(nil) }); a != 0 {
			t.Errorf("type %d SigningHash allocates %v", tx.Type, a)
		}
		c := tx.Copy()
		if a := testing.AllocsPerRun(100, func() { c.Seal() }); a != 0 {
			t.Errorf("type %d Seal allocates %v", tx.Type, a)
		}
	}
}

// TestSenderCache checks that a recovered sender is cached per chain id (and
// CachedSender reports it, never recovering), that
// a supplied one is returned as is, that Seal and Copy forget it, and that an
// error is not cached.
func TestSenderCache(t *testing.T) {
	one, two := uint256.NewInt(1), uint256.NewInt(2)
	tx := sampleTxs(t, one)[3]
	want := keyAddress(testKey(0x11))
	if got, ok := tx.CachedSender(one); ok {
		t.Fatalf("CachedSender before any recovery = %s, true", got)
	}
	if got, err := tx.Sender(one); err != nil || got != want {
		t.Fatalf("Sender = %s, %v; want %s", got, err, want)
	}
	if got, ok := tx.CachedSender(one); !ok || got != want {
		t.Fatalf("CachedSender after Sender = %s, %v; want %s, true", got, ok, want)
	}
	if got, ok := tx.CachedSender(two); ok {
		t.Fatalf("CachedSender on another chain = %s, true", got)
	}
	if got, ok := tx.CachedSender(nil); ok {
		t.Fatalf("CachedSender without a chain id = %s, true", got)
	}
	if a := testing.AllocsPerRun(100, func() { _, _ = tx.Sender(one) }); a != 0 {
		t.Errorf("cached Sender allocates %v", a)
	}
	if _, err := tx.Sender(two); !errors.Is(err, types.ErrInvalidChainID) {
		t.Fatalf("Sender on another chain: %v, want ErrInvalidChainID", err)
	}
	var other types.Address
	other[0] = 0xaa
	tx.SetSender(one, other)
	if got, err := tx.Sender(one); err != nil || got != other {
		t.Fatalf("after SetSender: %s, %v; want %s", got, err, other)
	}
	if got, ok := tx.CachedSender(one); !ok || got != other {
		t.Fatalf("CachedSender after SetSender = %s, %v; want %s, true", got, ok, other)
	}
	c := tx.Copy()
	if got, err := c.Sender(one); err != nil || got != want {
		t.Fatalf("copy: %s, %v; want the recovered %s", got, err, want)
	}
	if c.Hash() != tx.Hash() {
		t.Fatal("copy has another hash")
	}
	tx.Seal()
	if got, ok := tx.CachedSender(one); ok {
		t.Fatalf("CachedSender after Seal = %s, true", got)
	}
	if got, err := tx.Sender(one); err != nil || got != want {
		t.Fatalf("after Seal: %s, %v; want the recovered %s", got, err, want)
	}
}
