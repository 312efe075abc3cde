package bal

import (
	"fmt"

	"github.com/holiman/uint256"
)

// Protocol limits checked by Validate.
const (
	// MaxCodeSize is the largest code a code change may carry: the Amsterdam
	// contract size limit (params.MaxCodeSizeAmsterdam in go-ethereum).
	MaxCodeSize = 65536
	// ItemCost is the gas per item of the size constraint: a list may hold at
	// most gasLimit/ItemCost items (params.BALItemCost in go-ethereum).
	ItemCost = 2000
)

// ItemCount returns the number of items the size constraint counts: one per
// account plus one per storage key, written or read. A slot written at
// several indices counts once.
func (l *BlockAccessList) ItemCount() uint64 {
	n := uint64(len(l.Accounts))
	for i := range l.Accounts {
		a := &l.Accounts[i]
		n += uint64(len(a.StorageChanges)) + uint64(len(a.StorageReads))
	}
	return n
}

// Validate checks the ordering, uniqueness and size rules of EIP-7928 for a
// block with the given gas limit and transaction count: every index must be
// at most txCount+1. It checks in the same order as go-ethereum (accounts
// order first, then each account in turn, then the size constraint) and
// returns the first failure, wrapping one of the validation sentinels with the
// offending address, slot, index and limit. It panics if txCount is negative.
func (l *BlockAccessList) Validate(gasLimit uint64, txCount int) error {
	if txCount < 0 {
		panic("bal: Validate with negative transaction count")
	}
	for i := 1; i < len(l.Accounts); i++ {
		prev, cur := &l.Accounts[i-1].Address, &l.Accounts[i].Address
		if prev.Compare(cur) >= 0 {
			return fmt.Errorf("%w: account %d %s after %s", ErrAccountsUnsorted, i, cur, prev)
		}
	}
	maxIndex := uint64(txCount) + 1
	for i := range l.Accounts {
		if err := l.Accounts[i].validate(maxIndex); err != nil {
			return err
		}
	}
	items, limit := l.ItemCount(), gasLimit/ItemCost
	if items > limit {
		return fmt.Errorf("%w: items=%d, limit=%d (block gas limit %d / %d)", ErrTooManyItems, items, limit, gasLimit, ItemCost)
	}
	return nil
}

// validate checks one account's rules, in go-ethereum's order.
func (a *AccountAccess) validate(maxIndex uint64) error {
	for i := 1; i < len(a.StorageChanges); i++ {
		prev, cur := &a.StorageChanges[i-1].Slot, &a.StorageChanges[i].Slot
		if prev.Cmp(cur) >= 0 {
			return fmt.Errorf("%w: account %s slot %s after %s", ErrStorageSlotsUnsorted, a.Address, cur.Hex(), prev.Hex())
		}
	}
	for i := range a.StorageChanges {
		sc := &a.StorageChanges[i]
		if len(sc.Writes) == 0 {
			return fmt.Errorf("%w: account %s slot %s", ErrEmptySlotChanges, a.Address, sc.Slot.Hex())
		}
		for j := 1; j < len(sc.Writes); j++ {
			if sc.Writes[j-1].Index >= sc.Writes[j].Index {
				return fmt.Errorf("%w: account %s slot %s index %d after %d", ErrStorageIndicesUnsorted,
					a.Address, sc.Slot.Hex(), sc.Writes[j].Index, sc.Writes[j-1].Index)
			}
		}
		if last := sc.Writes[len(sc.Writes)-1].Index; uint64(last) > maxIndex {
			return fmt.Errorf("%w: account %s slot %s index %d, limit %d", ErrStorageIndexOverLimit,
				a.Address, sc.Slot.Hex(), last, maxIndex)
		}
	}

	for i := 1; i < len(a.StorageReads); i++ {
		prev, cur := &a.StorageReads[i-1], &a.StorageReads[i]
		if prev.Cmp(cur) >= 0 {
			return fmt.Errorf("%w: account %s slot %s after %s", ErrReadSlotsUnsorted, a.Address, cur.Hex(), prev.Hex())
		}
	}
	if slot, ok := intersect(a.StorageReads, a.StorageChanges); ok {
		return fmt.Errorf("%w: account %s slot %s", ErrSlotReadAndWritten, a.Address, slot.Hex())
	}

	for i := 1; i < len(a.BalanceChanges); i++ {
		if a.BalanceChanges[i-1].Index >= a.BalanceChanges[i].Index {
			return fmt.Errorf("%w: account %s index %d after %d", ErrBalanceChangesUnsorted,
				a.Address, a.BalanceChanges[i].Index, a.BalanceChanges[i-1].Index)
		}
	}
	if n := len(a.BalanceChanges); n > 0 && uint64(a.BalanceChanges[n-1].Index) > maxIndex {
		return fmt.Errorf("%w: account %s index %d, limit %d", ErrBalanceIndexOverLimit,
			a.Address, a.BalanceChanges[n-1].Index, maxIndex)
	}

	for i := 1; i < len(a.NonceChanges); i++ {
		if a.NonceChanges[i-1].Index >= a.NonceChanges[i].Index {
			return fmt.Errorf("%w: account %s index %d after %d", ErrNonceChangesUnsorted,
				a.Address, a.NonceChanges[i].Index, a.NonceChanges[i-1].Index)
		}
	}
	if n := len(a.NonceChanges); n > 0 && uint64(a.NonceChanges[n-1].Index) > maxIndex {
		return fmt.Errorf("%w: account %s index %d, limit %d", ErrNonceIndexOverLimit,
			a.Address, a.NonceChanges[n-1].Index, maxIndex)
	}

	for i := 1; i < len(a.CodeChanges); i++ {
		if a.CodeChanges[i-1].Index >= a.CodeChanges[i].Index {
			return fmt.Errorf("%w: account %s index %d after %d", ErrCodeChangesUnsorted,
				a.Address, a.CodeChanges[i].Index, a.CodeChanges[i-1].Index)
		}
	}
	if n := len(a.CodeChanges); n > 0 && uint64(a.CodeChanges[n-1].Index) > maxIndex {
		return fmt.Errorf("%w: account %s index %d, limit %d", ErrCodeIndexOverLimit,
			a.Address, a.CodeChanges[n-1].Index, maxIndex)
	}
	for i := range a.CodeChanges {
		if n := len(a.CodeChanges[i].Code); n > MaxCodeSize {
			return fmt.Errorf("%w: account %s index %d, %d bytes, limit %d", ErrCodeTooLarge,
				a.Address, a.CodeChanges[i].Index, n, MaxCodeSize)
		}
	}
	return nil
}

// intersect returns a slot present in both reads and the slots of changes,
// both strictly increasing, by walking them in step.
func intersect(reads []uint256.Int, changes []SlotChanges) (*uint256.Int, bool) {
	i, j := 0, 0
	for i < len(reads) && j < len(changes) {
		switch reads[i].Cmp(&changes[j].Slot) {
		case 0:
			return &reads[i], true
		case -1:
			i++
		default:
			j++
		}
	}
	return nil, false
}
