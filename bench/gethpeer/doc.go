// Package gethpeer is balexec's differential harness against go-ethereum
// v1.17.10: it generates chains with go-ethereum itself, runs balexec on the
// same blocks and compares everything. It is a module of its own, the only
// place go-ethereum appears; balexec's go.mod never requires it.
//
// # Generation
//
// [Generate] builds the chain [Params] select (seed, fork, number of blocks,
// transactions per block) with go-ethereum's core.GenerateChainWithGenesis
// and the beacon engine over ethash's faker, as go-ethereum's own tests do.
// The configuration is go-ethereum's test network of the fork's name (the
// one execution-spec-tests fixtures and exec.ConfigForNetwork use); the
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
// [Compare] parses the genesis file with exec.ParseGenesis (the genesis
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
// sides up apart from the import, for timing them side by side.
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
// that tests corrupt copies of it on purpose.
package gethpeer
