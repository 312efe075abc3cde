package bal_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/holiman/uint256"
)

const testGas = 60_000_000

// validList returns a fresh valid list for 3 transactions (indices 0..4)
// that uses every field.
func validList() *bal.BlockAccessList {
	return &bal.BlockAccessList{Accounts: []bal.AccountAccess{
		{Address: addr("0x00000000000000000000000000000000000000aa")},
		{
			Address: addr("0x00000000000000000000000000000000000000bb"),
			StorageChanges: []bal.SlotChanges{
				{Slot: u(1), Writes: []bal.StorageWrite{{Index: 0, Value: u(5)}, {Index: 2, Value: u(0)}}},
				{Slot: u(3), Writes: []bal.StorageWrite{{Index: 4, Value: u(7)}}},
			},
			StorageReads:   []uint256.Int{u(0), u(2), u(4)},
			BalanceChanges: []bal.BalanceChange{{Index: 1, Balance: u(10)}, {Index: 4, Balance: u(11)}},
			NonceChanges:   []bal.NonceChange{{Index: 1, Nonce: 1}, {Index: 3, Nonce: 2}},
			CodeChanges:    []bal.CodeChange{{Index: 1, Code: []byte{0x60}}, {Index: 2, Code: nil}},
		},
		{Address: addr("0x00000000000000000000000000000000000000cc"), StorageReads: []uint256.Int{u(9)}},
	}}
}

func TestValidate(t *testing.T) {
	if err := validList().Validate(testGas, 3); err != nil {
		t.Fatalf("valid list rejected: %v", err)
	}
	items := validList().ItemCount() // 3 accounts + 2 written + 4 read slots
	if items != 9 {
		t.Fatalf("ItemCount = %d, want 9", items)
	}
	bb := func(l *bal.BlockAccessList) *bal.AccountAccess { return &l.Accounts[1] }
	cases := []struct {
		name    string
		mutate  func(l *bal.BlockAccessList)
		gas     uint64
		txCount int
		want    error // nil: must pass
	}{
		{"index n+1 allowed", func(l *bal.BlockAccessList) {}, testGas, 3, nil},
		{"index n+2 rejected", func(l *bal.BlockAccessList) {}, testGas, 2, bal.ErrStorageIndexOverLimit},
		{"items at limit", func(l *bal.BlockAccessList) {}, 9 * bal.ItemCost, 3, nil},
		{"items over limit", func(l *bal.BlockAccessList) {}, 9*bal.ItemCost - 1, 3, bal.ErrTooManyItems},
		{"zero gas", func(l *bal.BlockAccessList) {}, 0, 3, bal.ErrTooManyItems},
		{"accounts swapped", func(l *bal.BlockAccessList) {
			l.Accounts[0], l.Accounts[1] = l.Accounts[1], l.Accounts[0]
		}, testGas, 3, bal.ErrAccountsUnsorted},
		{"duplicate account", func(l *bal.BlockAccessList) {
			l.Accounts[2].Address = l.Accounts[1].Address
		}, testGas, 3, bal.ErrAccountsUnsorted},
		{"accounts compare bytewise", func(l *bal.BlockAccessList) {
			l.Accounts[2].Address = addr("0x01" + strings.Repeat("00", 19))
			l.Accounts[1].Address = addr("0x00" + strings.Repeat("ff", 19))
		}, testGas, 3, nil},
		{"slots swapped", func(l *bal.BlockAccessList) {
			s := bb(l).StorageChanges
			s[0], s[1] = s[1], s[0]
		}, testGas, 3, bal.ErrStorageSlotsUnsorted},
		{"duplicate slot", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[1].Slot = u(1)
		}, testGas, 3, bal.ErrStorageSlotsUnsorted},
		{"slots compare numerically", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[0].Slot = u(0xff)
			bb(l).StorageChanges[1].Slot = u(0x100)
		}, testGas, 3, nil},
		{"empty slot changes", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[1].Writes = nil
		}, testGas, 3, bal.ErrEmptySlotChanges},
		{"writes unsorted", func(l *bal.BlockAccessList) {
			w := bb(l).StorageChanges[0].Writes
			w[0], w[1] = w[1], w[0]
		}, testGas, 3, bal.ErrStorageIndicesUnsorted},
		{"writes duplicate index", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[0].Writes[1].Index = 0
		}, testGas, 3, bal.ErrStorageIndicesUnsorted},
		{"write index over limit", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[0].Writes[1].Index = 5
		}, testGas, 3, bal.ErrStorageIndexOverLimit},
		{"reads unsorted", func(l *bal.BlockAccessList) {
			r := bb(l).StorageReads
			r[0], r[2] = r[2], r[0]
		}, testGas, 3, bal.ErrReadSlotsUnsorted},
		{"reads duplicate", func(l *bal.BlockAccessList) {
			bb(l).StorageReads[1] = u(0)
		}, testGas, 3, bal.ErrReadSlotsUnsorted},
		{"slot read and written", func(l *bal.BlockAccessList) {
			bb(l).StorageReads[2] = u(3)
		}, testGas, 3, bal.ErrSlotReadAndWritten},
		{"balance unsorted", func(l *bal.BlockAccessList) {
			c := bb(l).BalanceChanges
			c[0], c[1] = c[1], c[0]
		}, testGas, 3, bal.ErrBalanceChangesUnsorted},
		{"balance duplicate", func(l *bal.BlockAccessList) {
			bb(l).BalanceChanges[1].Index = 1
		}, testGas, 3, bal.ErrBalanceChangesUnsorted},
		{"balance index over limit", func(l *bal.BlockAccessList) {
			bb(l).BalanceChanges[1].Index = 1<<32 - 1
		}, testGas, 3, bal.ErrBalanceIndexOverLimit},
		{"nonce unsorted", func(l *bal.BlockAccessList) {
			bb(l).NonceChanges[1].Index = 0
		}, testGas, 3, bal.ErrNonceChangesUnsorted},
		{"nonce index over limit", func(l *bal.BlockAccessList) {
			bb(l).NonceChanges[1].Index = 5
		}, testGas, 3, bal.ErrNonceIndexOverLimit},
		{"code unsorted", func(l *bal.BlockAccessList) {
			bb(l).CodeChanges[1].Index = 1
		}, testGas, 3, bal.ErrCodeChangesUnsorted},
		{"code index over limit", func(l *bal.BlockAccessList) {
			bb(l).CodeChanges[1].Index = 5
		}, testGas, 3, bal.ErrCodeIndexOverLimit},
		{"code at max size", func(l *bal.BlockAccessList) {
			bb(l).CodeChanges[0].Code = make([]byte, bal.MaxCodeSize)
		}, testGas, 3, nil},
		{"code over max size", func(l *bal.BlockAccessList) {
			bb(l).CodeChanges[1].Code = make([]byte, bal.MaxCodeSize+1)
		}, testGas, 3, bal.ErrCodeTooLarge},
		{"empty account at the end", func(l *bal.BlockAccessList) {
			l.Accounts = append(l.Accounts, bal.AccountAccess{Address: addr("0xff" + strings.Repeat("00", 19))})
		}, testGas, 3, nil},
		// The first failure in go-ethereum's order wins.
		{"accounts before slots", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[1].Writes = nil
			l.Accounts[2].Address = l.Accounts[1].Address
		}, testGas, 3, bal.ErrAccountsUnsorted},
		{"slot order before empty writes", func(l *bal.BlockAccessList) {
			bb(l).StorageChanges[0].Writes = nil
			bb(l).StorageChanges[1].Slot = u(0)
		}, testGas, 3, bal.ErrStorageSlotsUnsorted},
		{"structure before size", func(l *bal.BlockAccessList) {
			bb(l).NonceChanges[1].Index = 0
		}, 0, 3, bal.ErrNonceChangesUnsorted},
		{"code index before code size", func(l *bal.BlockAccessList) {
			bb(l).CodeChanges[0].Code = make([]byte, bal.MaxCodeSize+1)
			bb(l).CodeChanges[1].Index = 9
		}, testGas, 3, bal.ErrCodeIndexOverLimit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := validList()
			tc.mutate(l)
			err := l.Validate(tc.gas, tc.txCount)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			for _, other := range validationErrors {
				if other != tc.want && errors.Is(err, other) {
					t.Fatalf("error %v also matches %v", err, other)
				}
			}
		})
	}
}

var validationErrors = []error{
	bal.ErrAccountsUnsorted, bal.ErrStorageSlotsUnsorted, bal.ErrEmptySlotChanges,
	bal.ErrStorageIndicesUnsorted, bal.ErrStorageIndexOverLimit, bal.ErrReadSlotsUnsorted,
	bal.ErrSlotReadAndWritten, bal.ErrBalanceChangesUnsorted, bal.ErrBalanceIndexOverLimit,
	bal.ErrNonceChangesUnsorted, bal.ErrNonceIndexOverLimit, bal.ErrCodeChangesUnsorted,
	bal.ErrCodeIndexOverLimit, bal.ErrCodeTooLarge, bal.ErrTooManyItems,
}

// The wrapped error names the offender and the limit.
func TestValidateErrorContext(t *testing.T) {
	l := validList()
	l.Accounts[1].StorageChanges[1].Writes[0].Index = 9
	err := l.Validate(testGas, 3)
	for _, want := range []string{"0x00000000000000000000000000000000000000bb", "slot 0x3", "index 9", "limit 4"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v lacks %q", err, want)
		}
	}
	err = validList().Validate(17_999, 3)
	if err == nil || !strings.Contains(err.Error(), "items=9, limit=8") {
		t.Fatalf("size error %v lacks the counts", err)
	}
}

func TestValidateNegativeTxCountPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	_ = validList().Validate(testGas, -1)
}
