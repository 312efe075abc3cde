// Package store is balexec's on-disk database, on pebble: the flat state of
// the head block, the trie nodes of every committed state, code, headers,
// the canonical chain, block access lists and the head, written one atomic
// batch per block. It implements the interfaces the packages below it
// define — [state.Reader] (over the flat state), [trie.NodeReader] and
// [trie.CodeReader] — and nothing below it imports it.
//
// # What "the state" is
//
// The flat state (one record per account, one per non-zero storage slot) is
// the state after the head block, and only that: [View.Account],
// [View.Storage], the batched reads and the iterations read it in O(1) point
// reads, without walking a trie. States of older blocks stay readable
// through their trie nodes, which are never deleted: [View.StateAt] returns
// a trie.StateReader over the store's nodes and code for any committed
// state root. Since the flat state is the head's, [DB.CommitBlock] only
// accepts the block that extends the head (there is no reorg yet).
//
// # Key schema
//
// Every key starts with one byte naming its kind; integers are big-endian,
// so keys sort by number:
//
//	'F'                         format record: "balexec store\x00" version(4)
//	'H'                         head: hash(32) number(8) state root(32)
//	'a' address(20)             account: see below
//	's' address(20) slot(32)    storage slot value: big-endian, no leading
//	                            zeros, 1 to 32 bytes; zero slots are absent
//	'c' code hash(32)           code
//	'n' node hash(32)           trie node encoding (account and storage tries)
//	'h' block hash(32)          header RLP
//	'N' number(8)               canonical block hash(32)
//	'l' block hash(32)          block access list RLP (EIP-7928), as received
//
// An account record is flags(1) nonceLen(1) nonce balanceLen(1) balance
// [codeHash(32)] [storageRoot(32)]: integers without leading zeros, the code
// hash present when flags&1 (else the empty code hash), the storage root
// when flags&2 (else the empty root). An externally owned account takes 3
// bytes plus its nonce and balance, at most 107 bytes in all.
//
// Storage keys put an account's slots next to each other, sorted by slot
// (raw, not hashed, as the EVM and block access lists name them): the
// storage of a destroyed account is deleted with one range deletion, an
// account's storage is iterated in order, and a block access list's keys
// (accounts by address, slots ascending) are already in key order, which
// the batched reads ([View.ReadAccounts], [View.ReadStorage]) walk with one
// forward iterator.
//
// # Atomicity
//
// [DB.CommitBlock] writes one block — header, canonical entry, access list,
// new trie nodes, new code, flat-state diff, head — in one pebble batch
// committed with Sync. Pebble applies a batch whole or not at all, through
// its write-ahead log, so after a crash at any point the store reopens at
// the last committed block with the flat state, the nodes and the head of
// that block, never a mix. The crash test kills a committing process at
// random moments and checks exactly that.
//
// The flat records of a block come from its new trie: each updated account
// is read from the trie of the header's root through the block's new nodes
// (which hold its whole path, so this costs no disk read) and must agree with
// its update. So the flat state's accounts, with their storage roots, are
// those of the committed trie.
//
// # Integrity
//
// Decoders are strict: a record decodes only if it is exactly what the
// encoder writes. Every record that can be checked is checked when read: a
// trie node and code must hash to their key, a header must hash to its key,
// an access list to its header's field. A record that fails is
// [ErrCorrupt] wrapped with its kind and key, a record that must exist and
// does not is [ErrNotFound] (a missing node also matches
// trie.ErrMissingNode, a missing code state.ErrMissingCode): never a wrong
// value. Pebble checks the checksums of its blocks and log records itself.
//
// # Reading a block's keys
//
// Random point reads are what an on-disk state pays for. [View.ReadAccounts]
// and [View.ReadStorage] take a block's keys (a block access list names them
// already sorted) and read them with one forward pebble iterator per kind;
// [View.ReadBatch] splits the sorted keys into runs read on several
// goroutines. BenchmarkWarmRead reads what a big block touches (5,000
// accounts and 10,000 slots, new random keys each iteration, a tenth absent)
// from a store of 1,000,000 accounts and 3,985,907 slots (about 240 MiB on
// disk) with an 8 MiB block cache, on the shared, loaded 2-core machine this
// was written on (medians of 3 to 5 runs; each run varied by up to 2x):
//
//	                          cold (page cache dropped)   warm (files in page cache)
//	point reads, random            190 µs/read                 37 µs/read
//	point reads, sorted            170-450 µs/read             25 µs/read
//	ReadAccounts, ReadStorage       81 µs/read                 21 µs/read
//	ReadBatch, 4 workers            48 µs/read                 22 µs/read
//
// Cold, a point read costs about one block read from the device (6 KB per
// key, by /proc/self/io); the iterator reads more (about 14 KB per key:
// pebble's iterator readahead) and is still 2.3 times faster, and four
// iterators over disjoint runs are 4 times faster than random point reads.
// Warm, sorting alone makes point reads 1.5 times faster and the iterator
// 1.8 times. Point reads allocate about 1.7 times per read (inside pebble);
// the batched reads allocate per call, not per key. BenchmarkWarmRead's
// doc says how to run the cold variant.
//
// # Memory and concurrency
//
// The store keeps no per-block data in Go memory: everything is in pebble,
// whose block cache (Options.CacheSize) is the only cache; a commit's batch
// is released when it returns. The caller's state cache (package cache)
// sits in front of the flat reader.
//
// All methods are safe for concurrent use except Close. Commits are
// serialised. A read on the DB sees each record as of some commit; a reader
// that must see one block's state throughout while the next one commits
// takes a [DB.Snapshot].
package store
