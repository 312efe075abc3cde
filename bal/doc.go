// Package bal implements EIP-7928 block-level access lists (BALs) as
// go-ethereum v1.17.10 does: the canonical model and its strict RLP codec,
// the ordering and size rules, a Builder that assembles the list from what
// execution recorded, and a read-only Lookup that parallel workers query.
//
// # Model
//
// A [BlockAccessList] lists every account the block touched, sorted by
// address. For each it gives the storage slots written (each with its post
// value at every block access index that changed it), the slots only read,
// and the balance, nonce and code after every index that changed them.
// Index 0 is the pre-execution system calls, i+1 is transaction i, and n+1 is
// post-execution (withdrawals and request system calls). Slots, storage
// values and balances are [uint256.Int] values, encoded as minimal RLP
// integers; indices are uint32.
//
// # Codec
//
// [Decode] accepts exactly the EIP-7928 layout in canonical RLP, so anything
// it accepts re-encodes byte for byte with [BlockAccessList.AppendRLP]. It
// checks the layout only; [BlockAccessList.Validate] then checks the
// ordering, uniqueness, index-limit, code-size and item-count rules, each
// failure a distinct sentinel of errors.go. [BlockAccessList.Hash] is the
// header commitment keccak256(rlp(list)).
//
// Decode counts the elements first and allocates one backing array per
// element type for the whole list; the slices of a decoded list are windows
// into those arrays with their capacity capped at their length, so appending
// to one never overwrites another.
//
// # Building
//
// A [Fragment] records one step (a transaction or system call): addresses
// touched, slots read, and the post values of what changed. [Builder.Merge]
// copies a fragment in under its index; [Builder.Build] applies the merge
// rules (later entries at one index overwrite earlier ones, a slot written at
// any index is never a read) and emits the canonical sorted list. The
// decision of what to record (net change against the step's pre-state,
// reverts) belongs to the state package; Fragment only stores it.
//
// # Lookup
//
// [Lookup] answers, for an address and an index k, the latest balance, nonce,
// code (with its hash) or slot value written at an index below k, by binary
// search over the sorted accounts, slots and indices. It also gives the final
// values used to derive the post-state. It requires a validated list.
//
// # Checking a list against execution
//
// [Lookup.CheckFragment] compares one step's fragment with the list's
// entries at its index. [Coverage] does the same for every step of a block,
// from any number of goroutines, and notes which of the list's accounts and
// reads the steps covered; when every check passed and [Coverage.Complete]
// finds everything covered, the list the fragments would build is the
// (validated) list itself, without building it: the parallel executor's
// verdict on a supplied list.
//
// # Concurrency
//
// A BlockAccessList is plain data: share it read-only. A Lookup is immutable
// and safe for any number of concurrent readers without locks. Coverage.Check
// may run on many goroutines at once, one index each. Fragment and Builder
// belong to one goroutine each.
package bal
