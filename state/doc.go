// Package state holds the world state as balexec sees it: the [Reader] an
// execution client provides for a block's pre-state, an in-memory state,
// genesis allocations and state dumps (alloc.go), and the journaled
// per-transaction state that the EVM mutates and that records the
// transaction's block-access-list fragment.
//
// # Genesis allocations and dumps
//
// [ReadGenesisAlloc] reads the alloc object of a go-ethereum genesis file
// (the execution-specs genesis files use the same format) and [ReadDump]
// reads a go-ethereum state dump. Both are strict: malformed JSON, bad hex,
// numbers that overflow and addresses given twice (even in different case)
// are errors, each matchable with errors.Is. State roots of an [Alloc] are
// computed by the trie package.
package state
