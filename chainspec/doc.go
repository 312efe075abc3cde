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
// The per-fork sets are read only through [Config.EIPs]; Amsterdam's comes
// from the configuration's rule profile.
//
// # Rule profiles
//
// Amsterdam is still moving: each release of the specifications and of
// go-ethereum switches on a different set of EIPs, some in different
// versions. A [Profile] names one such release: the EIPs its Amsterdam
// switches on and the revision ([evm.Revision]) of those whose text
// changed. [Config.Profile] selects it (ProfileGeth, the zero value, by
// default); [ProfileByName] reads the names the command line takes, and
// [ProfileForRelease] maps an execution-spec-tests release tag, as a
// fixture's _info.url names it, to the profile its fixtures need (an
// unknown devnet release is an error, not a guess). The forks up to Osaka
// are the same in every profile. The profiles side by side:
//
//	EIP   geth-v1.17.10 (default)     tests-bal@v5.7.0            what differs
//	7928  on                          on                          nothing
//	8037  go-ethereum v1.17.10's      the EIP of 2026-04-20       see below
//	8038  on                          off                         Berlin access prices instead (cold
//	                                                              account 2600, CALL value 9000,
//	                                                              access list 2400/1900)
//	2780  on                          off                         21000 base, no run-time recipient or
//	                                                              authorization charges
//	7778  (not named)                 on                          nothing: go-ethereum's 8037 block
//	                                                              accounting is 7778's; no switch
//	7708  transfer logs               transfer and Burn logs      Burn(address,uint256) logs
//	8246  on                          off                         SELFDESTRUCT to itself burns
//	7954  64 KiB code, 128 KiB init   32 KiB code, 64 KiB init    the limits
//	7825  amended by 8037             amended by 8037             the cap binds the intrinsic gas's
//	                                                              execution part (see 8037)
//	7843  on                          on                          nothing
//	7976  on                          on                          nothing
//	7981  on                          on                          nothing (added to 8038's prices
//	                                                              or to Berlin's)
//	8024  on                          on                          nothing
//	8282  on                          off                         no builder deposit and exit queues
//
// EIP-8037 under tests-bal@v5.7.0, against go-ethereum v1.17.10:
//
//   - a state byte costs what the block gas limit gives (1174 at 120M)
//     instead of 1530; an account, a slot and a delegation indicator count
//     112, 32 and 23 bytes instead of 120, 64 and 23; CREATE costs 9000 and
//     a new slot 2900 of execution gas on top of their state gas;
//   - a creation's account and each authorization's account and indicator
//     are intrinsic state gas, not charged at run time; an authority that
//     exists is credited its account back to the reservoir, while the
//     block's state dimension keeps the whole intrinsic state gas;
//   - state gas that spilled into execution gas stays state gas: a refill,
//     and a frame that reverts or halts, give all of it back to the
//     reservoir (go-ethereum repays the spill first and a halt burns it);
//   - CREATE charges its account before its pre-check and target read, and
//     every failure refunds it; a failed CALL does not refill its new
//     account; a code deposit pays its state gas before its hashing;
//   - the accounts a transaction creates and destroys give their state gas
//     (account, code and slots) back before the gas used is worked out;
//   - system calls have no state-gas reservoir.
//
// The evm.Rules fields ending in Rev hold the revisions; the evm package
// says, for each rule the release's fixtures leave open, which reading it
// follows.
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
