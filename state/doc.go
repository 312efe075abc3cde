// Package state holds the world state as balexec sees it: the [Reader] an
// execution client provides for a block's pre-state, an in-memory state
// ([Memory]), the state of a block in progress ([BlockState]), the view of
// the pre-state a parallel step gets from a block access list ([BALView]),
// and the journaled per-transaction state ([StateDB]) that the EVM mutates
// and that records the transaction's block-access-list fragment.
//
// # Layers
//
//   - [Reader] is the read side of a state: accounts, storage and code.
//     Execution clients implement it over their database; [Memory],
//     [BlockState] and [BALView] implement it here.
//   - [StateDB] is one transaction's journaled state (statedb.go, with the
//     journal in journal.go, warm sets and transient storage in
//     accesslist.go, finalisation in finalise.go and block-access-list
//     recording in record.go). The EVM drives it through exec/evm.StateDB;
//     [StateDB.Finalise] reports what the transaction changed as [Changes].
//   - [BlockState] is a block in progress during sequential execution: the
//     parent Reader plus the Changes applied so far. Its [BlockState.Updates]
//     are the block's post-state updates for the state root.
//   - [BALView] is the state a parallel step at block access index K sees:
//     the pre-state plus the list's changes below K. [BALUpdates] derives the
//     block's post-state updates from the list alone.
//   - [Memory] is a whole state in memory (genesis, state tests, the
//     in-memory chain's flat state).
//
// # State as data
//
// Changes leave a transaction or a block as [AccountUpdate]s, sorted by
// address, each with its changed slots sorted by key; the trie package
// turns them into state roots, and [Memory.Apply] into a new in-memory
// state. A whole state given as plain data (a genesis allocation, a state
// dump, a test's pre-state) is built the same way: [NewMemory] and Apply.
// Reading such states from JSON is the chainspec package's business.
//
// # Invariants
//
// The accounts of [Changes], of [BlockState.Updates], of [Memory.Updates]
// and of [BALUpdates] are sorted by address; the slots of an update are
// sorted by key (BALUpdates takes them in the list's order, which
// validation keeps sorted). An account whose storage changed without its
// root being computed reports a non-empty placeholder root: it is only ever
// compared with types.EmptyRootHash, and the trie package computes real
// roots from the storage itself.
//
// The EVM interface has no error results, so a StateDB keeps the first
// error its Reader returns and goes on (an account whose read failed counts
// as absent); the caller must check [StateDB.Err] after the transaction and
// discard its result if it is set. The block access list fragment a StateDB
// records is not journaled: a revert never removes an access.
//
// # Concurrency
//
// No type of this package takes a lock; each states who may call it when.
//
//   - A Reader shared by parallel workers must be safe for concurrent use:
//     the parallel executor reads the block's pre-state from every worker
//     (through BALView), from [BALUpdates] and from the warmer at once. It
//     must never modify a value, in particular a code slice, after returning
//     it, since other goroutines may hold it.
//   - A StateDB is used by one goroutine at a time. It is reused across
//     transactions: [StateDB.Reset] makes it read from another Reader and
//     keeps its allocations. Between Prepare and Finalise it writes into the
//     bal.Fragment given to [StateDB.SetAmsterdam] or [StateDB.RecordInto],
//     which its goroutine owns for that time. A parallel executor gives each
//     worker its own StateDB.
//   - A BlockState is used by one goroutine: its reads are not synchronised
//     with [BlockState.Apply], so it is not a Reader for parallel workers.
//   - A BALView only reads its fields and an immutable bal.Lookup, so it is
//     safe for concurrent use when Base is. Changing K while another
//     goroutine reads through the same view is a race: each worker keeps its
//     own view.
//   - [Memory]'s reads (Account, Storage, Code, Len, Addresses, StorageOf,
//     Updates) may run concurrently with each other. Its mutations (Apply
//     and ApplyWithUndo) must exclude every other call; the caller
//     serialises them. The callback of StorageOf must not mutate the Memory.
//
// # Ownership
//
//   - Values a Reader returns are read-only for the caller; code slices are
//     shared.
//   - [StateDB.GetCode] returns a read-only slice; [StateDB.SetCode] takes
//     ownership of its argument.
//   - The [Changes] that [StateDB.Finalise] returns are owned by the StateDB
//     and valid until its next Finalise or Reset: the Storage slices point
//     into a buffer the StateDB reuses. Copy what must outlive that.
//     [StateDB.Logs] is valid until the next Reset.
//   - [BlockState.Apply] retains nothing of the Changes but their code
//     slices, which are immutable, so the StateDB may be reset right after.
//   - [BlockState.Updates], [Memory.Updates], [BALUpdates] and
//     [Memory.ApplyWithUndo] return new slices owned by the caller; the Code
//     slices in them are shared and read-only. [Memory.Apply] copies what it
//     keeps.
package state
