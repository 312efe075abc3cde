package store_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/balexec/balexec/store"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

func randAccount(rng *rand.Rand) types.Account {
	a := types.NewEmptyAccount()
	switch rng.IntN(4) {
	case 0:
	case 1:
		a.Nonce = rng.Uint64() >> rng.IntN(64)
	case 2:
		a.Nonce = ^uint64(0)
	default:
		a.Nonce = 1
	}
	switch rng.IntN(4) {
	case 0:
	case 1:
		a.Balance = uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
	case 2:
		a.Balance.SetAllOne()
	default:
		a.Balance.SetUint64(rng.Uint64() >> rng.IntN(64))
	}
	if rng.IntN(2) == 0 {
		a.CodeHash = types.Hash{byte(rng.Uint32()), 1, 2, 3}
	}
	if rng.IntN(2) == 0 {
		a.Root = types.Hash{9, byte(rng.Uint32())}
	}
	if rng.IntN(20) == 0 {
		a.CodeHash = types.Hash{} // not the empty code hash: spelled out
	}
	return a
}

func TestAccountRecordRoundTrip(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed: %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for range 5000 {
		a := randAccount(rng)
		enc := store.EncodeAccount(&a)
		if len(enc) > store.MaxAccountRecord {
			t.Fatalf("record of %d bytes", len(enc))
		}
		got, err := store.DecodeAccount(enc)
		if err != nil || got != a {
			t.Fatalf("%+v: decoded %+v, %v (record %x)", a, got, err, enc)
		}
	}
	// The sizes the documentation promises.
	eoa := types.NewEmptyAccount()
	if n := len(store.EncodeAccount(&eoa)); n != 3 {
		t.Fatalf("empty account: %d bytes, want 3", n)
	}
	full := types.Account{Nonce: ^uint64(0), CodeHash: types.Hash{1}, Root: types.Hash{2}}
	full.Balance.SetAllOne()
	if n := len(store.EncodeAccount(&full)); n != store.MaxAccountRecord {
		t.Fatalf("largest account: %d bytes, want %d", n, store.MaxAccountRecord)
	}
}

func TestAccountRecordStrict(t *testing.T) {
	eh, er := types.EmptyCodeHash, types.EmptyRootHash
	bad := map[string][]byte{
		"empty":            {},
		"two bytes":        {0, 0},
		"unknown flag":     {4, 0, 0},
		"nonce too long":   append([]byte{0, 9}, make([]byte, 10)...),
		"nonce leading 0":  {0, 1, 0, 0},
		"nonce truncated":  {0, 2, 1},
		"balance too long": append([]byte{0, 0, 33}, make([]byte, 33)...),
		"balance leading0": {0, 0, 2, 0, 1},
		"balance short":    {0, 0, 3, 1, 1},
		"code hash short":  append([]byte{1, 0, 0}, make([]byte, 31)...),
		"root short":       append([]byte{2, 0, 0}, make([]byte, 31)...),
		"empty code hash":  append([]byte{1, 0, 0}, eh[:]...),
		"empty root":       append([]byte{2, 0, 0}, er[:]...),
		"trailing byte":    {0, 0, 0, 0},
		"trailing hash":    append([]byte{0, 0, 0}, eh[:]...),
	}
	for name, b := range bad {
		if a, err := store.DecodeAccount(b); err == nil {
			t.Errorf("%s: %x decoded to %+v", name, b, a)
		}
	}
}

func TestSlotRecord(t *testing.T) {
	for _, v := range []uint256.Int{{1}, {0xff}, {0x100}, {0, 1}, {0, 0, 0, 1 << 63}, {^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}} {
		enc := store.EncodeSlot(&v)
		if len(enc) != v.ByteLen() {
			t.Fatalf("%#x: %d bytes", &v, len(enc))
		}
		got, err := store.DecodeSlot(enc)
		if err != nil || got != v {
			t.Fatalf("%#x: decoded %#x, %v", &v, &got, err)
		}
	}
	for _, b := range [][]byte{nil, {0}, {0, 1}, make([]byte, 33)} {
		if v, err := store.DecodeSlot(b); err == nil {
			t.Errorf("%x decoded to %#x", b, &v)
		}
	}
}

// FuzzDecodeAccount: whatever decodes re-encodes to the same bytes, and
// nothing panics.
func FuzzDecodeAccount(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 16 {
		a := randAccount(rng)
		f.Add(store.EncodeAccount(&a))
	}
	f.Add([]byte{})
	f.Add([]byte{3, 8, 1, 2, 3, 4, 5, 6, 7, 8, 32})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := store.DecodeAccount(b)
		if err != nil {
			return
		}
		if enc := store.EncodeAccount(&a); !bytes.Equal(enc, b) {
			t.Fatalf("%x decodes to %+v, which encodes to %x", b, a, enc)
		}
	})
}

func FuzzDecodeSlot(f *testing.F) {
	f.Add([]byte{1})
	f.Add([]byte{0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := store.DecodeSlot(b)
		if err != nil {
			return
		}
		if enc := store.EncodeSlot(&v); !bytes.Equal(enc, b) {
			t.Fatalf("%x decodes to %#x, which encodes to %x", b, &v, enc)
		}
	})
}
