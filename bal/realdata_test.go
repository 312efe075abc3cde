package bal_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/internal/rlp"
	"github.com/holiman/uint256"
)

// The hive chain's 565 Amsterdam blocks carry real BALs produced by
// go-ethereum. Every one must decode, re-encode identically and validate.
func TestRealDecodeValidate(t *testing.T) {
	ps := loadPayloads(t)
	var accounts, slots, writes, reads, balances, nonces, codes int
	for _, p := range ps {
		l := roundTrip(t, p.raw)
		if err := l.Validate(p.gasLimit, p.txCount); err != nil {
			t.Fatalf("block %d: %v", p.number, err)
		}
		for _, a := range l.Accounts {
			accounts++
			slots += len(a.StorageChanges)
			for _, s := range a.StorageChanges {
				writes += len(s.Writes)
			}
			reads += len(a.StorageReads)
			balances += len(a.BalanceChanges)
			nonces += len(a.NonceChanges)
			codes += len(a.CodeChanges)
		}
	}
	if len(ps) != 565 {
		t.Fatalf("found %d Amsterdam payloads, want 565", len(ps))
	}
	t.Logf("%d BALs valid: %d accounts, %d written slots (%d writes), %d reads, %d balance, %d nonce, %d code changes",
		len(ps), accounts, slots, writes, reads, balances, nonces, codes)
}

// find returns the first real list (decoded afresh, so it may be mutated)
// with an account satisfying ok, and that account's position.
func find(t *testing.T, ok func(a *bal.AccountAccess) bool) (payload, *bal.BlockAccessList, int) {
	t.Helper()
	for _, p := range loadPayloads(t) {
		l := mustDecode(t, p.raw)
		for i := range l.Accounts {
			if ok(&l.Accounts[i]) {
				return p, l, i
			}
		}
	}
	t.Fatal("no real BAL has the required shape")
	return payload{}, nil, 0
}

func anyAccount(*bal.AccountAccess) bool { return true }

// Mutated copies of real lists fail with the matching sentinel.
func TestRealMutations(t *testing.T) {
	cases := []struct {
		name   string
		shape  func(a *bal.AccountAccess) bool
		mutate func(p *payload, l *bal.BlockAccessList, i int)
		want   error
	}{
		{"unsorted accounts", anyAccount,
			func(p *payload, l *bal.BlockAccessList, i int) {
				l.Accounts[0], l.Accounts[1] = l.Accounts[1], l.Accounts[0]
			}, bal.ErrAccountsUnsorted},
		{"duplicate account", anyAccount,
			func(p *payload, l *bal.BlockAccessList, i int) {
				l.Accounts = slices.Insert(l.Accounts, i, l.Accounts[i])
			}, bal.ErrAccountsUnsorted},
		{"duplicate slot", func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				a := &l.Accounts[i]
				a.StorageChanges = slices.Insert(a.StorageChanges, 0, a.StorageChanges[0])
			}, bal.ErrStorageSlotsUnsorted},
		{"unsorted slots", func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 1 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				s := l.Accounts[i].StorageChanges
				s[0], s[1] = s[1], s[0]
			}, bal.ErrStorageSlotsUnsorted},
		{"slot in reads and writes", func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				a := &l.Accounts[i]
				slot := a.StorageChanges[0].Slot
				j, _ := slices.BinarySearchFunc(a.StorageReads, slot, func(x, y uint256.Int) int { return x.Cmp(&y) })
				a.StorageReads = slices.Insert(a.StorageReads, j, slot)
			}, bal.ErrSlotReadAndWritten},
		{"duplicate read", func(a *bal.AccountAccess) bool { return len(a.StorageReads) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				a := &l.Accounts[i]
				a.StorageReads = slices.Insert(a.StorageReads, 0, a.StorageReads[0])
			}, bal.ErrReadSlotsUnsorted},
		{"empty slot changes", func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				l.Accounts[i].StorageChanges[0].Writes = nil
			}, bal.ErrEmptySlotChanges},
		{"unsorted writes", func(a *bal.AccountAccess) bool {
			return slices.ContainsFunc(a.StorageChanges, func(s bal.SlotChanges) bool { return len(s.Writes) > 1 })
		}, func(p *payload, l *bal.BlockAccessList, i int) {
			for _, s := range l.Accounts[i].StorageChanges {
				if len(s.Writes) > 1 {
					s.Writes[0], s.Writes[1] = s.Writes[1], s.Writes[0]
					return
				}
			}
		}, bal.ErrStorageIndicesUnsorted},
		{"storage index above n+1", func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				w := l.Accounts[i].StorageChanges[0].Writes
				w[len(w)-1].Index = uint32(p.txCount + 2)
			}, bal.ErrStorageIndexOverLimit},
		{"balance index above n+1", func(a *bal.AccountAccess) bool { return len(a.BalanceChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				c := l.Accounts[i].BalanceChanges
				c[len(c)-1].Index = uint32(p.txCount + 2)
			}, bal.ErrBalanceIndexOverLimit},
		{"unsorted balances", func(a *bal.AccountAccess) bool { return len(a.BalanceChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				a := &l.Accounts[i]
				later := a.BalanceChanges[0]
				later.Index++
				a.BalanceChanges = slices.Insert(a.BalanceChanges, 0, later)
			}, bal.ErrBalanceChangesUnsorted},
		{"nonce index above n+1", func(a *bal.AccountAccess) bool { return len(a.NonceChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				c := l.Accounts[i].NonceChanges
				c[len(c)-1].Index = uint32(p.txCount + 2)
			}, bal.ErrNonceIndexOverLimit},
		{"duplicate nonce index", func(a *bal.AccountAccess) bool { return len(a.NonceChanges) > 0 },
			func(p *payload, l *bal.BlockAccessList, i int) {
				a := &l.Accounts[i]
				a.NonceChanges = slices.Insert(a.NonceChanges, 0, a.NonceChanges[0])
			}, bal.ErrNonceChangesUnsorted},
		// The hive chain deploys no code in its Amsterdam blocks, so the code
		// cases add code changes to real accounts.
		{"code index above n+1", anyAccount,
			func(p *payload, l *bal.BlockAccessList, i int) {
				l.Accounts[i].CodeChanges = []bal.CodeChange{{Index: 1, Code: []byte{1}}, {Index: uint32(p.txCount + 2), Code: []byte{2}}}
			}, bal.ErrCodeIndexOverLimit},
		{"duplicate code index", anyAccount,
			func(p *payload, l *bal.BlockAccessList, i int) {
				l.Accounts[i].CodeChanges = []bal.CodeChange{{Index: 1, Code: []byte{1}}, {Index: 1, Code: []byte{2}}}
			}, bal.ErrCodeChangesUnsorted},
		{"oversized code", anyAccount,
			func(p *payload, l *bal.BlockAccessList, i int) {
				l.Accounts[i].CodeChanges = []bal.CodeChange{{Index: 1, Code: bytes.Repeat([]byte{0x5b}, bal.MaxCodeSize+1)}}
			}, bal.ErrCodeTooLarge},
		{"too many items", anyAccount,
			func(p *payload, l *bal.BlockAccessList, i int) {
				p.gasLimit = l.ItemCount()*bal.ItemCost - 1
			}, bal.ErrTooManyItems},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, l, i := find(t, tc.shape)
			tc.mutate(&p, l, i)
			err := l.Validate(p.gasLimit, p.txCount)
			if !errors.Is(err, tc.want) {
				t.Fatalf("block %d account %s: error %v, want %v", p.number, l.Accounts[i].Address, err, tc.want)
			}
			// The mutated list still encodes and decodes: validation, not
			// decoding, catches these.
			roundTrip(t, l.EncodeRLP())
		})
	}
	// The item limit is inclusive.
	p := largestPayload(t)
	l := mustDecode(t, p.raw)
	if err := l.Validate(l.ItemCount()*bal.ItemCost, p.txCount); err != nil {
		t.Fatalf("list at exactly the item limit rejected: %v", err)
	}
}

// Byte-level corruption of real lists fails decoding with an rlp sentinel.
func TestRealCorruption(t *testing.T) {
	ps := loadPayloads(t)
	for _, p := range ps {
		raw := p.raw
		// Every truncation fails.
		for n := range len(raw) {
			if _, err := bal.Decode(raw[:n]); err == nil || !errors.Is(err, bal.ErrMalformed) {
				t.Fatalf("block %d truncated to %d bytes: %v", p.number, n, err)
			}
		}
		_, err := bal.Decode(append(slices.Clip(raw), 0x80))
		if !errors.Is(err, rlp.ErrTrailingBytes) {
			t.Fatalf("block %d with a trailing byte: %v", p.number, err)
		}
	}
	// A multi-byte balance given a leading zero byte (same length, so every
	// enclosing header stays right) is a non-canonical integer.
	_, l, i := find(t, func(a *bal.AccountAccess) bool {
		return len(a.BalanceChanges) > 0 && a.BalanceChanges[0].Balance.ByteLen() > 1
	})
	enc := l.EncodeRLP()
	b := l.Accounts[i].BalanceChanges[0].Balance
	val := rlp.AppendUint256(nil, &b)
	at := bytes.Index(enc, val)
	if at < 0 {
		t.Fatal("balance encoding not found")
	}
	corrupt := slices.Clone(enc)
	corrupt[at+1] = 0
	if _, err := bal.Decode(corrupt); !errors.Is(err, rlp.ErrCanonInt) || !errors.Is(err, bal.ErrMalformed) {
		t.Fatalf("leading-zero balance: %v", err)
	}
	// Wrapping the single-byte index 0x01 of that balance change as 81 01
	// needs a byte more, so rebuild the enclosing lists.
	_, l, i = find(t, func(a *bal.AccountAccess) bool {
		return len(a.NonceChanges) > 0 && a.NonceChanges[0].Index > 0 && a.NonceChanges[0].Index < 0x80
	})
	a := &l.Accounts[i]
	nc := a.NonceChanges[0]
	change := lst("81"+hexOf([]byte{byte(nc.Index)}), hexOf(rlp.AppendUint64(nil, nc.Nonce)))
	nonces := change
	for _, c := range a.NonceChanges[1:] {
		nonces += hexOf(encodeNonce(c))
	}
	acct := lst(hexOf(rlp.AppendBytes(nil, a.Address[:])), encodeField(t, l, i, 0), encodeField(t, l, i, 1),
		encodeField(t, l, i, 2), lst(nonces), encodeField(t, l, i, 4))
	if _, err := bal.Decode(hexBytes(t, lst(acct))); !errors.Is(err, rlp.ErrCanonSize) {
		t.Fatalf("wrapped single-byte index: %v", err)
	}
}

func encodeNonce(c bal.NonceChange) []byte {
	body := rlp.AppendUint64(rlp.AppendUint64(nil, uint64(c.Index)), c.Nonce)
	return append(rlp.AppendListHeader(nil, len(body)), body...)
}

// encodeField returns the hex encoding of field f (0 storage_changes,
// 1 reads, 2 balances, 3 nonces, 4 codes) of account i, taken from the
// canonical encoding of a list holding only that account.
func encodeField(t *testing.T, l *bal.BlockAccessList, i, f int) string {
	t.Helper()
	one := &bal.BlockAccessList{Accounts: []bal.AccountAccess{l.Accounts[i]}}
	r := rlp.NewListReader(one.EncodeRLP())
	ar := r.List()
	ar.Bytes()
	for range f {
		ar.Raw()
	}
	raw := ar.Raw()
	if ar.Err() != nil {
		t.Fatal(ar.Err())
	}
	return hexOf(raw)
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
