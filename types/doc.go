// Package types defines the core Ethereum data types balexec works with:
// addresses and hashes, Keccak-256, accounts, headers, the five transaction
// types with their signing hashes and sender recovery, blocks, withdrawals,
// logs and receipts.
//
// # Conventions
//
// Fixed-size data (Address, Hash, Bloom) are value types. Encoders are
// append-style (AppendRLP(dst) []byte) and decoders are strict: they accept
// only canonical RLP and reject anything that would not re-encode byte for
// byte. Every decoding and validation failure is an exported sentinel error,
// wrapped with context.
//
// # Concurrency
//
// Values are plain data: safe to share read-only between goroutines, not safe
// to mutate concurrently. Keccak256 uses a pool of hashers and is safe for
// concurrent use.
package types
