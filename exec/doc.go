// Package exec turns transaction execution (exec/evm) into block
// execution: it runs a block's steps in go-ethereum's order, checks the
// block against its header, and imports chains of blocks. What applies to a
// block (forks, blob schedule, EIPs, EVM rules) comes from a
// chainspec.Config.
//
// # Processors
//
// A block runs as steps: index 0 is the pre-execution system calls (the
// EIP-4788 beacon root and EIP-2935 parent hash contracts), transaction i
// is index i+1, and index n+1 is the withdrawals followed by the request
// system calls (EIP-7002 and EIP-7251 from Prague, EIP-8282's builder
// queues from Amsterdam) and the EIP-6110 deposit logs, which make the
// block's EIP-7685 requests.
//
// The sequential [Processor] runs the steps one after another on one block
// state and, from Amsterdam, builds the block access list from what they
// record. The [ParallelProcessor] runs an Amsterdam block's steps at once
// on a pool of goroutines, each on the view of the block's access list at
// its index, checks each step against the list, and publishes the results
// in block order; any failure is speculative and the sequential processor's
// verdict is returned instead, so both give the same [Result] or the same
// error for every block. Senders are recovered once per transaction, ahead
// of the steps that need them.
//
// # Validation
//
// [ValidateHeader] applies go-ethereum's post-merge header rules (number and
// parent hash, timestamp, extra data, gas limit bounds, zero difficulty and
// nonce, the empty uncle hash, [CalcBaseFee], blob gas and
// [CalcExcessBlobGas] with the BPO schedules and EIP-7918's reserve price,
// and which optional fields each fork requires). [ValidateBody] checks the
// body against the header (EIP-7934 size cap, no uncles, transactions and
// withdrawals roots, blob count), and [Validate] the header against the
// result of execution (gas used, bloom, receipts root, requests hash, block
// access list hash, state root). Each failure is its own sentinel in errors.go, wrapped with the
// values that disagree; the same input always gives the same error, the
// first failing check in the documented order.
//
// # The chain
//
// [Chain] imports blocks in memory on top of a genesis state: it validates
// each block, executes it (in parallel when it comes with its access list
// and [Chain.EnableParallel] is on), checks the result and the new state
// root, and keeps every imported state so a block may extend any of them.
//
// # Concurrency
//
// A Processor, a ParallelProcessor and a Chain each belong to one goroutine
// and are reused from block to block; the ParallelProcessor runs its own
// worker goroutines and joins all of them before Process returns, on every
// path. The validation and calculation functions hold no state and are safe
// for concurrent use; a chainspec.Config they are given is only read.
package exec
