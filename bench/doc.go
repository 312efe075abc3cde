// Package bench generates the seeded workloads balexec is measured on:
// Amsterdam chains of full blocks, each block with its block access list
// built by balexec's own sequential execution (exec.Chain.BuildBlock), for
// benchmarks, tests and the side-by-side timing against go-ethereum
// (bench/gethpeer, a module of its own).
//
// # Workloads
//
// [Generate] builds a workload by name ([Workloads]) and [Params] (seed,
// blocks, gas limit, senders). Every block is filled to the gas limit
// (100M by default) in whichever of EIP-8037's two dimensions fills first:
//
//   - transfers: value transfers, a fifth to new accounts (whose state gas
//     fills the state dimension first);
//   - erc20: token transfers (contracts/erc20.asm) among the senders and
//     many holders, a fifth to new holders (a new balance slot);
//   - dex: swaps on four constant-product pools (contracts/pool.asm) over
//     four tokens: every swap reads and writes its pool's two reserves and
//     moves four token balances through two nested calls, so all the
//     transactions contend for the same few slots;
//   - nft: mints on one collection (contracts/nft.asm): the totalSupply
//     slot is read and written by every transaction, and each writes one
//     fresh owner slot;
//   - storage: calls writing 8 to 32 fresh slots each
//     (contracts/fresh_sstore.asm);
//   - compute: hashing and arithmetic (contracts/compute.asm), 1M to 4M gas
//     a transaction, no state beyond the caller;
//   - skew: one heavy compute transaction with the largest gas limit a
//     transaction may have (evm.MaxTxGas, 2^24; it uses all but 5000 of
//     it, 16.8% of a full 100M block; at gas limits below 28M, three fifths
//     of the limit), first in one block and last in the next (the seed
//     picks which comes first), among transfers and token transfers: the
//     critical path of a parallel executor;
//   - mixed: a blend drawn by count: transfers 40%, token transfers 25%,
//     swaps 15%, mints 10%, fresh storage 4% (1 to 8 slots), compute
//     (100k to 500k gas) 6%, so that each kind takes 13% to 21% of the gas
//     (receipts' gas used, state gas included; TestMixedShares logs the
//     split); the headline.
//
// A workload's genesis (go-ethereum's genesis JSON, which both clients
// read) holds go-ethereum's system contracts, the senders (a million ether
// each), holders (funded accounts with no key), the coinbase and the
// contracts the workload calls with their storage (balances, allowances,
// reserves, minted ids); no account in it is empty. Its configuration is
// go-ethereum v1.17.10's "Amsterdam" test network (chainspec.ConfigForNetwork):
// chain id 1, every fork from genesis. Each block has sixteen withdrawals
// to holders; the transactions are EIP-1559 ones paying a tip of one to two
// gwei.
//
// # Filling a block
//
// A transaction's gas limit is signed before the block is built, while
// whether it fits depends on what the ones before it used in each
// dimension. The generator draws candidates beyond the block's expected
// capacity, runs them all once (a trial, on the parent state, in a block
// with room for all), packs the longest prefix the block admits from the
// measured execution gas and the state gas it knows each transaction
// creates, signs that prefix and builds the block; the header's gas used
// must equal the packing's prediction, and every transaction must succeed
// (see generator.go).
//
// # Invariants
//
// The same name and Params give the same workload, byte for byte: all
// randomness comes from a PCG seeded with the seed and the name, keys and
// addresses are derived from the seed, signatures are deterministic (RFC
// 6979), and nothing iterates a map where order matters. Every block is
// accepted by exec.Chain sequentially and by the parallel processor without
// a fallback (the tests check both), and by go-ethereum v1.17.10's two
// processors (bench/gethpeer's TestBenchWorkloadsAgree).
//
// # Concurrency
//
// Generate may run on many goroutines at once; each call has its own
// generator (which uses all cores to derive keys and sign). A Workload is
// read-only once returned. There is no global mutable state.
package bench
