// Package evm is the Ethereum Virtual Machine and the state transition of
// one transaction, under the rules of Shanghai, Cancun, Prague, Osaka and
// Amsterdam, agreeing exactly with go-ethereum v1.17.10 (gas, errors, and the
// order of state accesses).
//
// # Using it
//
// Build one EVM per worker goroutine with [NewEVM] (the block context, the
// [Rules], and a [Config] whose [AnalysisCache] is shared by all workers),
// then for each transaction:
//
//	vm.Reset(state)                          // the StateDB for this transaction
//	msg := evm.NewMessage(tx, sender, &baseFee)
//	res, err := evm.ApplyMessage(vm, &msg, gasPool)
//	// err != nil: the transaction is invalid (a consensus error); discard
//	//             the state
//	// else res.UsedGas (the receipt's), res.ExecutionGas and res.StateGas
//	//      (the block's two dimensions), res.Err (nil or the error of the
//	//      top frame), ...
//	// then finalise the state (self-destructs, EIP-161) on the caller's side
//
// A StateDB that implements [Preparer] is told when a validated
// transaction starts (access-list reset and warming, transient storage);
// otherwise ApplyMessage warms the access list itself and the StateDB must
// be fresh for the transaction.
//
// [EVM.SystemCall] runs the system calls around a block's transactions;
// [EVM.Call] and [EVM.Create] run a frame directly.
// [Assemble] turns a small assembly language into bytecode for tests and
// benchmarks.
//
// # Structure
//
// The interpreter dispatches through one jump table per fork, built and
// validated once at package initialisation; an entry holds the opcode's
// function, constant gas, optional dynamic gas and memory-size functions,
// and its stack bounds. The loop checks the stack bounds, charges the
// constant gas, computes the memory size and charges the dynamic gas (which
// may read and warm state, in go-ethereum's order), expands memory, then
// runs the opcode. Opcodes that are identical in every fork and cost only
// their constant gas (pushes, dups, swaps, arithmetic, jumps, and memory
// reads and writes that do not expand it) run inline in the loop, which
// keeps pc and gas in registers; this fast path is 1.5-1.8 times the speed
// of function-pointer dispatch and is tested against the plain table loop
// (fuzzing and a share of the state tests run both).
//
// Gas is a frame-level [Gas] value with an execution dimension and a
// state-gas reservoir (EIP-8037, zero before Amsterdam): frames charge it,
// forward part of it to a child ([Gas.Forward]) and absorb the child's
// leftover ([Gas.Absorb]) in the form given by the child's exit (success,
// revert or exceptional halt).
//
// # Amsterdam
//
// The Amsterdam changes are switched on one EIP at a time in [Rules] (all
// of them by [RulesFor]; by a chain configuration at Amsterdam as its rule
// profile says):
//
//   - EIP-8037 state gas: new accounts, new slots, code deposits and
//     delegation indicators are charged in the state dimension, from a
//     per-transaction reservoir (the gas limit above 2^24) and then by
//     spilling into execution gas; failed frames refill them; a transaction
//     adds its execution gas and its state gas to the two dimensions of the
//     block's [GasPool], whose gas used is the larger sum (EIP-7778: the
//     execution dimension counts gas before refunds).
//   - EIP-8038 prices, EIP-2780 intrinsic gas and runtime charges,
//     EIP-7976/7981 floor, EIP-7954 code limits, EIP-7825 as amended.
//   - EIP-7708 transfer (and burn) logs, EIP-8246 SELFDESTRUCT without burn, EIP-7843
//     SLOTNUM, EIP-8024 DUPN/SWAPN/EXCHANGE.
//   - EIP-7928 block access lists: the state records them; the EVM reads
//     state only after the gas charge that guards the read, in go-ethereum's
//     order, so that an access the frame could not pay for is not recorded.
//
// # Revisions
//
// Some Amsterdam EIPs changed between the releases balexec runs; the Rules
// fields ending in Rev pick one version ([Revision]): go-ethereum
// v1.17.10's (RevGeth, the default) or that of the execution-spec-tests
// release tests-bal@v5.7.0 (RevBalV570; chainspec's rule profiles set
// them). The prices that differ between forks and revisions are one table
// (gasSchedule) that the gas functions read, so each gas function exists
// once. The tests-bal@v5.7.0 EIP-8037 is that of the EIP text of
// 2026-04-20; where the release's fixtures leave a rule open this package
// follows that text and the specification code of its time:
//
//   - a state byte's price is derived from the block gas limit
//     ([StateBytePrice]; a constant 1174 gives the same at the fixtures'
//     120M);
//   - a block admits a transaction as go-ethereum does (execution:
//     min(2^24, gas limit); state: the gas limit), not with the intrinsic
//     parts subtracted as the text of that day has it; no fixture fills a
//     block; and the 2^32-1 cap on a transaction's gas limit is kept;
//   - code may have 32 KiB (EIP-7954 before its raise to 64 KiB);
//   - a code deposit pays its state gas before its hashing;
//   - a failed CALL does not give back its new account's state gas;
//   - a slot restored to zero refills its state gas to the reservoir and
//     refunds the rest of its price through the refund counter;
//   - a refill inside a frame that then fails contributes nothing: the
//     failure returns all the state gas the frame consumed, net of its
//     refills, to the reservoir (the specification code of the time took
//     the refills off once more, which the text does not say);
//   - a contract created in the transaction that self-destructs to itself
//     burns its balance with a Burn log at once, and what destroyed
//     accounts still hold is burnt, with a log each, after the fees.
//
// # Invariants
//
//   - Bad input never panics and never hangs: every memory offset and size
//     is bounded by gas before it is used (sizes past 2^64 or whose cost
//     overflows are out of gas), stack bounds are checked before each
//     opcode, and execution is bounded by the gas limit. Cancel stops a
//     running execution at its next jump.
//   - The interpreter loop allocates nothing per opcode in steady state.
//     Stacks (1024 words by value), memories and return-data buffers belong
//     to per-depth frames owned by the EVM and reused across calls and
//     transactions; only LOG (the log belongs to the state), CREATE's
//     deployed code, and the first use of a depth allocate.
//   - The JUMPDEST analysis of deployed code is computed once per code hash
//     and shared read-only through the AnalysisCache; initcode (which has no
//     hash) is analysed per frame on its first jump.
//   - Errors are sentinels (errors.go): execution errors end a frame and
//     never invalidate a transaction; consensus errors of ApplyMessage
//     invalidate it (those of the checks before execution leave the state
//     untouched; from Amsterdam the block-gas charge after execution can
//     fail too).
//
// # Concurrency
//
// An EVM, and the StateDB it runs on, belong to one goroutine; only
// [EVM.Cancel] may be called from another. Jump tables, precompile sets and
// a SharedAnalysisCache are shared by all goroutines (the first two are
// immutable, the cache is synchronised).
package evm
