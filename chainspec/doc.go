// Package chainspec describes an Ethereum chain: when each fork activates,
// the blob schedule, the EIPs in force at a block and the EVM rules they
// make, the genesis block, and the networks the test suites name. It sits
// between the EVM (exec/evm, whose [evm.Rules] it builds) and block
// processing (exec, which asks it what applies to each block); it imports
// nothing above exec/evm.
//
// # Forks and rules
//
// [Config] says when each fork activates: the pre-merge forks by block
// number (kept so that real genesis files load and their genesis headers
// hash right; balexec does not run their rules), Shanghai and later by
// timestamp ([ForkShanghai], [ForkCancun], [ForkPrague], [ForkOsaka],
// [ForkBPO1]..[ForkBPO5], [ForkAmsterdam]). [Config.Fork] names the latest
// fork active at a time, [Config.IsActiveAt] asks for one fork at a block,
// and [Config.Rules] gives the EVM rules of a block, or
// [ErrForkNotSupported] before Shanghai.
//
// A rule set is a set of EIPs. Each fork switches on a fixed set ([EIP3855],
// ..., [EIP7928], ...); [Config.EIPs] returns the [EIPSet] in force at a
// time, the union of the active forks' sets and Config.ExtraEIPs, so a
// devnet mix such as "Osaka plus EIP-7928" needs no fork of its own. Code
// that depends on one EIP asks that set, and [Config.Rules] turns it into
// the EVM's per-EIP switches.
//
// The per-fork sets are one table read only through [Config.EIPs]. Rule
// profiles per spec release (go-ethereum v1.17.10's Amsterdam against an
// execution-spec-tests devnet release) are meant to replace that table: a
// profile is a name plus, per fork, the EIPs (and, where a release amends
// one, the EIP's version) it switches on. Nothing outside this package
// needs to change for that.
//
// # Blob schedules
//
// The blob schedule holds entries ([BlobConfig]) for Cancun, Prague and the
// BPO forks only. [Config.BlobConfig] walks down from the latest active
// fork to the latest one with an entry, as go-ethereum does: Osaka uses
// Prague's, Amsterdam the latest BPO's, a BPO fork without an entry the one
// before it.
//
// # Where configurations come from
//
//   - a go-ethereum genesis file's "config" object ([ParseConfig],
//     [Config.UnmarshalJSON]);
//   - a hive forkenv.json, the HIVE_* variables hive hands a client
//     ([ParseForkEnv]); both hive files of a chain give equal
//     configurations;
//   - the network names of the ethereum/tests and execution-spec-tests
//     fixtures ("Cancun", "PragueToOsakaAtTime15k", ...;
//     [ConfigForNetwork]), with go-ethereum's test values;
//   - by hand, as a struct literal.
//
// Each loader checks its result with [Config.Validate] (forks in
// go-ethereum's order, each named fork with its predecessor, a blob
// schedule for Cancun, known extra EIPs); a configuration built by hand
// should be validated the same way. Malformed or inconsistent input is
// [ErrInvalidConfig], wrapped with the field at fault.
//
// # Genesis
//
// [Genesis] is a go-ethereum genesis file ([ParseGenesis], [ReadGenesis]).
// [Genesis.Header] builds the genesis header exactly as go-ethereum's
// ToBlock does, so its hash is the chain's genesis hash; [Genesis.State] is
// the allocation in memory.
//
// # Allocations and state dumps
//
// [Alloc] is a whole state as plain data, account by account: a genesis
// allocation ([ParseAlloc], [ReadGenesisAlloc]; also the "pre" and
// "postState" of the test fixtures) or the accounts of a go-ethereum state
// dump ([ReadDump], [Dump.Alloc]). [Alloc.Root] is its state root,
// [Alloc.Updates] its accounts as state.AccountUpdates and [Alloc.Memory]
// an in-memory state holding it. The readers are strict: malformed JSON,
// bad hex, numbers that overflow and addresses given twice (even in
// different case) are errors, each matchable with errors.Is.
//
// # Concurrency
//
// A Config is plain data: it is read-only once validated, and may then be
// shared between any number of goroutines; its methods never modify it and
// the per-block queries (Fork, Rules, BlobConfig, EIPs) do not allocate.
// Changing a Config that others read is a data race. A Genesis is likewise
// read-only once parsed. The package holds no mutable state of its own.
package chainspec
