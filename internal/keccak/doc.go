// Package keccak implements Keccak-256 with the original (pre-SHA-3)
// padding, the hash Ethereum uses everywhere: trie nodes, secure-trie keys,
// transaction, receipt and block hashes, log blooms and addresses.
//
// # API
//
// [Sum256] hashes one byte slice. [Hasher] hashes the concatenation of
// several writes; it is a plain value (344 bytes) meant to live on the
// caller's stack: its zero value is ready to use and [Hasher.Sum256] does
// not change it, so more input may follow. Neither allocates, and neither
// goes through an interface or a pool: the sponge state is a [25]uint64
// local to the call.
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
// There is no assembly. Two amd64 designs were measured against this code
// on an AVX-512 machine of the AMD Zen 5 generation and rejected: the state
// as five rows in ZMM registers (theta and chi by VPTERNLOGQ, rho by
// VPROLVQ, pi and the lane shifts of chi by VPERMQ/VPERMI2Q) was 10-50%
// slower, because one permutation is a single dependency chain through
// cross-lane permutes of 6-7 cycles' latency; and chi by BMI1's ANDN (the
// Go compiler emits it under GOAMD64=v3) cut the instructions by a fifth but
// the time by only 5-8%. Hashing many inputs at once (eight states across
// the quadwords of the ZMM registers) is where vectors would pay.
//
// # Invariants
//
// Sum256 agrees with golang.org/x/crypto/sha3's NewLegacyKeccak256 on every
// input; the tests check it differentially and by fuzzing, and check the
// generated permutation against a loop-by-loop transcription of the
// specification.
//
// # Concurrency
//
// Sum256 is safe for concurrent use. A Hasher is not: each goroutine uses
// its own.
package keccak

//go:generate go run gen.go gen8.go -o permute_generic.go -asm8 permute8_amd64.s
