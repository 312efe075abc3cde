// Package trie implements the Merkle-Patricia trie of the Ethereum Yellow
// Paper (appendix D): hex-prefix keys, leaf, extension and branch nodes,
// nodes encoded in RLP, a node whose encoding is shorter than 32 bytes
// inlined in its parent and any other node referred to by its Keccak-256.
//
// # What it offers
//
//   - [Trie]: a trie keyed by raw bytes, opened at a root whose nodes are
//     read lazily from a [NodeReader] ([MemStore] is an in-memory one).
//     Get, Update (an empty value deletes), Delete, Hash, and Commit, which
//     returns the new root and the nodes created, for the caller's store.
//   - [SecureTrie]: the same keyed by keccak(key), with typed accessors for
//     state tries (accounts) and storage tries (uint256 slots and values,
//     the value stored as RLP of its minimal big-endian bytes, zero deleting).
//   - [StackTrie]: the root of sorted keys in one streaming pass, without
//     building the trie, optionally reporting the nodes it creates.
//   - [OrderedRoot]: the root of a list keyed by rlp(index): transactions,
//     receipts, withdrawals.
//   - [StateRoot] and [StorageRoot]: the state root of a whole state given
//     account by account (a genesis allocation, a state dump), storage
//     roots computed in parallel.
//
// # Invariants
//
// The tries are canonical: a branch has at least two entries, an extension
// sits above a branch, no value is empty. Hence the root depends only on the
// set of key-value pairs, never on the order of operations, and the three
// ways of computing a root (Trie, StackTrie, StateRoot) agree; tests check
// each against the others and against the ethereum/tests trie vectors.
//
// A node read from a NodeReader is checked to hash to the hash it was asked
// for and to be a canonical node encoding ([ErrInvalidNode]). A node that is
// not there is an error wrapping [ErrMissingNode] with its hash and path,
// never a panic, and a failed operation leaves the trie's contents as they
// were.
//
// # Hashing
//
// Node hashes are computed in batches through keccak.SumMany, which hashes
// up to eight inputs at once where the CPU has AVX-512: a Trie hashes its
// changed nodes in rounds by height (leaves first; every node of one height
// depends only on lower ones), up to 64 nodes a round; a StackTrie hashes
// the children of a branch together when the branch is finished; the
// secure keys of UpdateState are hashed 64 at a time. The roots are the
// same as hashing node by node; only the order of the work changes.
//
// # Concurrency
//
// Trie, SecureTrie and StackTrie are owned by one goroutine. A Trie hashes
// the children of a branch root on parallel goroutines when at least 100
// updates are pending; StateRoot computes storage roots
// on min(GOMAXPROCS, n) goroutines. Both join every goroutine before
// returning. OrderedRoot, StateRoot and StorageRoot are safe for concurrent
// use, and so is MemStore.
//
// # Ownership
//
// Update copies the key and value it is given; Get appends to the caller's
// buffer. The encodings in a NodeSet belong to the set. The encoding passed
// to a StackTrie's OnNode callback is volatile.
package trie
