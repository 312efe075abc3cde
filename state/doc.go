// Package state holds the world state as balexec sees it: the [Reader] an
// execution client provides for a block's pre-state, an in-memory state
// ([Memory]), the state of a block in progress ([BlockState]), the view of
// the pre-state a parallel step gets from a block access list ([BALView]),
// and the journaled per-transaction state ([StateDB]) that the EVM mutates
// and that records the transaction's block-access-list fragment.
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
// # Concurrency
//
// A StateDB and a BlockState belong to one goroutine at a time. A Memory's
// reads are safe for concurrent use while no goroutine mutates it, and a
// BALView is safe for concurrent use when its base reader is. A Reader
// shared by parallel workers must be safe for concurrent use, and values it
// returns are never modified by either side.
package state
