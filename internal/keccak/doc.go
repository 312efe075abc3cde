// Package keccak implements Keccak-256 with the original (pre-SHA-3)
// padding, the hash Ethereum uses everywhere: trie nodes, secure-trie keys,
// transaction, receipt and block hashes, log blooms and addresses.
//
// # API
//
// [Sum256] hashes one byte slice. [Hasher] hashes the concatenation of
// several writes; it is a plain value (344 bytes) meant to live on the
// caller's stack: its zero value is ready to use and [Hasher.Sum256] does
// not change it, so more input may follow. [SumMany] hashes a batch of
// independent inputs, up to eight at a time where the CPU allows (below).
// None of them allocates, and none goes through an interface or a pool:
// the sponge states are locals of the call.
//
// # Construction
//
// The sponge has a rate of 136 bytes (1088 bits, capacity 512) and pads
// with pad10*1 after the single byte 0x01, where SHA3-256 would use 0x06.
// Lanes are loaded and stored little-endian with encoding/binary, so the
// package is portable and uses no unsafe.
//
// The permutation Keccak-f[1600] lives in permute_generic.go, which gen.go
// generates from the specification (FIPS 202): straight-line code for two
// rounds per loop iteration, between the state and a scratch array on the
// stack; rho, pi and chi fused row by row with the row's five lanes in
// locals; and lane complementing, which keeps six lanes inverted between
// rounds so that chi costs five NOTs a round instead of twenty-five (about
// 10% of the permutation's time on amd64). Regenerate with "go generate".
//
// The permutation of a single state has no assembly. Two amd64 designs
// were measured against this code on an AVX-512 machine of the AMD Zen 5
// generation and rejected: the state as five rows in ZMM registers (theta
// and chi by VPTERNLOGQ, rho by VPROLVQ, pi and the lane shifts of chi by
// VPERMQ/VPERMI2Q) was 10-50% slower, because one permutation is a single
// dependency chain through cross-lane permutes of 6-7 cycles' latency; and
// chi by BMI1's ANDN (the Go compiler emits it under GOAMD64=v3) cut the
// instructions by a fifth but the time by only 5-8%.
//
// Eight independent states are where vectors pay. On amd64 with AVX-512F
// (CPUID and XGETBV, checked once; not under the purego build tag),
// SumMany runs eight sponges in the quadwords of the ZMM registers: lane i
// of the eight states is one register, and absorbPermute8 (assembly
// written by gen8.go from the same derivations) XORs a block into each
// state and applies the 24 rounds with the 25 lanes in registers
// throughout, pi done by renaming registers. The eight states are slots: a
// slot whose input is done is squeezed and takes the next input, so a batch
// of any lengths keeps them full; when the inputs run out and fewer than
// two are busy, the rest finish through the scalar code. On the Zen 5 VM
// (2 cores; go test -bench 'Permute|SumMany' -count 5) one eight-way step
// took 264-274 ns, 33-34 ns per permutation against 240-258 ns for the
// scalar one; batches of 64 inputs took 53-55 ns per hash at 100 bytes
// against 262-309 ns through Sum256 one by one, and 210-252 ns per hash
// at 532 bytes against 983-1479 ns. In a CPU profile of the 532-byte
// batches the eight-way step is 59% of SumMany's time, and laying the
// blocks out in columns in Go most of the rest.
//
// # Invariants
//
// Sum256 agrees with golang.org/x/crypto/sha3's NewLegacyKeccak256 on every
// input; the tests check it differentially and by fuzzing, and check the
// generated permutation against a loop-by-loop transcription of the
// specification. The eight-way step agrees with eight runs of the scalar
// permutation and of that transcription, for random blocks and keep masks. SumMany's
// out[i] is Sum256(in[i]) whatever the batch's lengths and order, on
// every path (one by one, the slots over the Go step, the slots over
// AVX-512), which the tests and a fuzz target run on any machine that
// has them; it does not allocate. out must not overlap the inputs.
//
// # Concurrency
//
// Sum256 and SumMany are safe for concurrent use (SumMany's only shared
// variable is the CPU check, written once at start-up). A Hasher is not:
// each goroutine uses its own.
package keccak

//go:generate go run gen.go gen8.go -o permute_generic.go -asm8 permute8_amd64.s
