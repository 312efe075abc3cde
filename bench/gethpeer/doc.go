// Package gethpeer is balexec's differential harness against go-ethereum
// v1.17.10: it generates chains with go-ethereum itself, runs balexec on the
// same blocks and compares everything; and it times both clients side by
// side on the seeded workloads of balexec's bench package, which
// go-ethereum must accept. It is a module of its own, the only
// place go-ethereum appears; balexec's go.mod never requires it.
//
// # Generation
//
// [Generate] builds the chain [Params] select (seed, fork, number of blocks,
// transactions per block) with go-ethereum's core.GenerateChainWithGenesis
// and the beacon engine over ethash's faker, as go-ethereum's own tests do.
// The configuration is go-ethereum's test network of the fork's name (the
// one execution-spec-tests fixtures and chainspec.ConfigForNetwork use); the
// genesis holds the system contracts, funded keys, instances of a
// "universal" contract, single-purpose contracts and a few odd accounts
// (empty ones, accounts at future CREATE2 addresses, a precompile with a
// balance).
//
// The universal contract (contracts.go) interprets its calldata as a list of
// commands: storage writes, restores and reads, logs, calls of every kind
// with and without value or gas, CREATE and CREATE2 of code templates,
// SELFDESTRUCT, BLOCKHASH, account inspection, transient storage, memory
// expansion, CLZ, REVERT, and a loop that runs out of gas. Scenarios
// (txgen.go) pick commands and transactions from the seed; envelopes
// (envelope.go) wrap them as legacy (with and without chain id), EIP-2930,
// EIP-1559, blob or set-code transactions with access lists and
// authorization lists, valid and invalid. Every [Kind] generated is counted
// in Chain.Coverage.
//
// Each block is imported into a go-ethereum BlockChain before the next is
// generated: transactions see full BLOCKHASH history, scenarios read the
// parent state, and go-ethereum's own importer checks every block. The
// whole final state is dumped (and checked against the head's root) for the
// fixture's postState.
//
// # Comparison
//
// [Compare] parses the genesis file with chainspec.ParseGenesis (the genesis
// hashes must agree), decodes each block from go-ethereum's RLP with
// types.DecodeBlock (it must re-encode byte for byte) and imports it with
// exec.Chain.Insert, which checks gas used, bloom, receipts root, requests
// hash, state root and, from Amsterdam, the access list hash. Beyond that it
// compares every receipt field, every request, the access list bytes (and
// balexec's decoding of go-ethereum's list), and the state of every account
// the generator knows or balexec changed. A block balexec rejects is
// executed once more outside the chain to show which fields differ. Each
// [Mismatch] names the seed, block, transaction, field and both values.
//
// # Fixtures and timing
//
// [Chain.WriteFixture] writes a chain as an ethereum/tests blockchain test
// that `balexec blocktest` runs, with each Amsterdam block's access list in
// the execution-spec-tests JSON form; the command cmd/gethpeer writes one.
// [Chain.GethBlockChain], [Chain.InsertGeth] and [Chain.Balexec] set the two
// sides up apart from the import.
//
// # Side-by-side timing
//
// A [Workload] is a genesis and blocks in wire form, each with its access
// list. [BenchWorkload] takes one of the seeded workloads of balexec's
// bench package (transfers, erc20, dex, nft, storage, compute, skew, mixed:
// Amsterdam blocks filled to 100M gas by default, built and given their
// access lists by balexec's exec.Chain.BuildBlock; see that package);
// [HiveWorkload] turns the engine API payloads of hive's chain into blocks
// with go-ethereum's engine.ExecutableDataToBlock, which attaches each
// access list as engine_newPayload does. TestBenchWorkloadsAgree imports
// every bench workload (small; full size with -full) with go-ethereum's two
// processors and balexec's two: go-ethereum checks every block balexec
// built (state root, receipts, bloom, gas used, requests, access list
// hash) against its own execution.
//
// [Workload.Prepare] sets up one of four importers ([Impl]) in one of two
// sender regimes ([SenderRegime]) with the timer off: go-ethereum's
// BlockChain.InsertChain with its sequential or its BAL-parallel processor
// ([GethBenchConfig]: a go-ethereum node's default and fastest
// configuration, path-keyed trie nodes and the flat state snapshot, without
// a transaction index, over an in-memory database), or balexec's
// exec.Chain.InsertWithAccessList sequential or with EnableParallel. Every
// run decodes its own blocks, so no sender or hash cached in a decoded
// transaction carries over. In the cold regime both sides recover every
// sender inside the timed import; in the warm one the senders are cached
// in the decoded transactions first, as a client knows them from its pool
// (go-ethereum: types.Sender with the block's signer; balexec:
// Transaction.SetSender with the generator's senders, or Sender for the
// hive chain). [Run.Import] is what BenchmarkInsert times
// (BenchmarkInsert/workload=<name>/senders=<cold|warm>/impl=<impl>): both
// sides then check the header, the body, the access list against the
// header's hash and its rules, execute, rebuild the access list and compare
// it, and check gas used, bloom, receipts root, requests hash and state
// root. speed.sh runs it with -count=10 -cpu=1,2, keeps the raw output in
// testdata/speed and prints the benchstat tables.
//
// What still differs: go-ethereum commits the post-state to its path
// database's diff layers and its snapshot and writes block, receipts and
// head markers to the key-value store, balexec keeps trie nodes in a map
// and its flat head state in memory; in the cold regime go-ethereum
// recovers the senders of the whole batch in the background while the
// first blocks execute, balexec block by block, overlapping execution, and
// go-ethereum recovers them with libsecp256k1 through cgo, balexec in pure
// Go unless built with the libsecp256k1 tag; go-ethereum's sequential
// processor runs a speculative prefetcher on another core; go-ethereum gets
// the access list decoded (from the untimed decode), balexec decodes it
// during the import; balexec's decoder computes transaction hashes during
// the untimed decode, go-ethereum computes them during the import.
//
// # Scaling
//
// On both sides a block's transactions run on min(GOMAXPROCS, n) workers,
// each on the parent state overlaid with the access list's changes below
// its index, so no transaction waits for another; sender recovery is
// parallel too, and the post-state root is computed from the list's final
// values while the transactions run. What stays serial per block is the
// in-order gather (gas in two dimensions, receipts; go-ethereum also merges
// each transaction's recorded accesses into a rebuilt list and compares it,
// where balexec checks each step against the list in its worker and the
// list's coverage once), the decoding, hashing and validation of the list,
// and the account trie update. With more cores the parallel part shrinks as
// 1/cores and the block time tends to that serial part (Amdahl); the two
// cores of the machine these numbers come from show only the first step of
// that curve.
//
// # Invariants
//
// The same Params give the same chain, byte for byte: all randomness comes
// from a PCG seeded with Params.Seed, keys and addresses are derived from
// it, and nothing iterates a map where order matters. There is no global
// mutable state.
//
// Two limits come from go-ethereum's chain maker, which the generator
// respects: it runs the EIP-4788 system call after the transactions, so no
// transaction reads the current block's beacon root; and under Amsterdam
// its sequential result differs from go-ethereum's BAL-parallel importer
// when a pre-existing empty account is touched, so Amsterdam genesis
// allocations hold no empty accounts.
//
// # Concurrency
//
// Generate, Compare and the fixture writer may run on many goroutines at
// once on different chains. A Chain is read-only once generated, except
// that tests corrupt copies of it on purpose. A Workload is read-only once
// built and may be prepared by many goroutines at once; a Run belongs to
// one goroutine.
package gethpeer
