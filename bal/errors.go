package bal

import "errors"

// Decoding errors. Decode wraps ErrMalformed together with the underlying
// rlp sentinel (rlp.ErrCanonInt, rlp.ErrTrailingBytes, ...), so callers can
// match either.
var (
	// ErrMalformed: the bytes are not a block access list in the exact,
	// canonical layout.
	ErrMalformed = errors.New("bal: malformed block access list encoding")
)

// Validation errors, one per rule of the EIP-7928 ordering, uniqueness and
// size constraints. Validate wraps them with the offending address, slot,
// index and limit.
var (
	// ErrAccountsUnsorted: accounts are not in strictly increasing address
	// order (this includes duplicate addresses).
	ErrAccountsUnsorted = errors.New("bal: accounts not in strictly increasing address order")
	// ErrStorageSlotsUnsorted: storage_changes are not strictly increasing by
	// slot (this includes duplicate slots).
	ErrStorageSlotsUnsorted = errors.New("bal: storage write slots not unique and sorted")
	// ErrEmptySlotChanges: a SlotChanges entry has no writes.
	ErrEmptySlotChanges = errors.New("bal: empty slot changes")
	// ErrStorageIndicesUnsorted: the writes of one slot are not strictly
	// increasing by block access index.
	ErrStorageIndicesUnsorted = errors.New("bal: storage write indices not unique and sorted")
	// ErrStorageIndexOverLimit: a storage write has an index above txCount+1.
	ErrStorageIndexOverLimit = errors.New("bal: storage write index exceeds limit")
	// ErrReadSlotsUnsorted: storage_reads are not strictly increasing.
	ErrReadSlotsUnsorted = errors.New("bal: storage read slots not unique and sorted")
	// ErrSlotReadAndWritten: a slot is in both storage_reads and
	// storage_changes of one account.
	ErrSlotReadAndWritten = errors.New("bal: storage slot in both read and write sets")
	// ErrBalanceChangesUnsorted: balance_changes are not strictly increasing
	// by index.
	ErrBalanceChangesUnsorted = errors.New("bal: balance changes not unique and sorted")
	// ErrBalanceIndexOverLimit: a balance change has an index above txCount+1.
	ErrBalanceIndexOverLimit = errors.New("bal: balance change index exceeds limit")
	// ErrNonceChangesUnsorted: nonce_changes are not strictly increasing by
	// index.
	ErrNonceChangesUnsorted = errors.New("bal: nonce changes not unique and sorted")
	// ErrNonceIndexOverLimit: a nonce change has an index above txCount+1.
	ErrNonceIndexOverLimit = errors.New("bal: nonce change index exceeds limit")
	// ErrCodeChangesUnsorted: code_changes are not strictly increasing by
	// index.
	ErrCodeChangesUnsorted = errors.New("bal: code changes not unique and sorted")
	// ErrCodeIndexOverLimit: a code change has an index above txCount+1.
	ErrCodeIndexOverLimit = errors.New("bal: code change index exceeds limit")
	// ErrCodeTooLarge: a code change holds more than MaxCodeSize bytes.
	ErrCodeTooLarge = errors.New("bal: code change contains oversized code")
	// ErrTooManyItems: accounts plus storage keys exceed gasLimit/ItemCost.
	ErrTooManyItems = errors.New("bal: block access list exceeds size constraint")
)

// ErrFragmentMismatch: what a step recorded during execution disagrees with
// the block access list at the step's index (Lookup.CheckFragment).
var ErrFragmentMismatch = errors.New("bal: execution disagrees with the block access list")

// ErrNotAccessed: the block access list names an account or a storage read
// that no step of the block made (Coverage.Complete).
var ErrNotAccessed = errors.New("bal: the list names an access no step made")
