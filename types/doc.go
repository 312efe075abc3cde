// Package types defines the core Ethereum data types balexec works with:
// addresses and hashes, Keccak-256, accounts, headers, the five transaction
// types with their signing hashes and sender recovery, blocks, withdrawals,
// logs and receipts, and the engine API execution payloads that deliver
// blocks.
//
// # Conventions
//
// Fixed-size data (Address, Hash, Bloom) are value types. Encoders are
// append-style (AppendRLP(dst) []byte) and decoders are strict: they accept
// only canonical RLP and reject anything that would not re-encode byte for
// byte. Every decoding and validation failure is an exported sentinel error,
// wrapped with context.
//
// # Headers
//
// [Header] holds every field through Amsterdam by value (integers as uint64
// or uint256.Int, no pointers). The optional trailing fields, BaseFee
// through SlotNumber, are tracked by the bit set [Header.Optional], which
// plays the part of go-ethereum's nil pointers: a field is encoded when it or
// any later optional field is present, decoding stops at the end of the list
// and marks every field it found, and so present-but-zero trailing fields
// round-trip byte for byte. Number is a uint64 and Difficulty a uint256;
// larger values are decoding errors (go-ethereum decodes them and rejects
// them in its header sanity check).
//
// # Transactions
//
// [Transaction] is one concrete struct for all five types: the type byte
// plus the union of the types' fields, with every integer a uint256.Int by
// value and "to" an Address plus an IsCreate flag. This was chosen over an
// interface per type (go-ethereum's TxData) because the block executor reads
// transaction fields on its hot path: a concrete struct needs no interface
// dispatch, no per-field heap values and no type switches at the call sites,
// and a block's transactions decode into one slab allocation. The cost is a
// larger value (472 bytes on 64-bit platforms) whose unused fields stay zero, and the
// type's field set is a documented convention rather than enforced by the
// type system; the encoders simply ignore fields the type does not have.
//
// The canonical ("binary") encoding is what the transaction hash and the
// transactions trie commit to: a legacy transaction's RLP list, or
// type || RLP(payload). In a block body a typed transaction is wrapped as
// an RLP byte string ([Transaction.AppendRLP], [Transaction.DecodeRLP]).
// Blob transactions are handled without their network sidecar.
//
// Sender recovery ([Transaction.Sender], [RecoverSenders]) uses balexec's
// own pure-Go secp256k1 recovery (internal/secp256k1), or libsecp256k1
// through cgo when built with the libsecp256k1 tag ([Secp256k1Backend] names
// the one in use), and applies the EIP-2 low-s rule, the EIP-155
// chain id rules for legacy transactions and the y-parity and chain id rules
// of typed ones. Which types a fork accepts is the executor's check.
//
// # Ownership
//
// Decoders do not copy variable-length byte strings: Header.Extra,
// Transaction.Data, Log.Data and Receipt.PostState alias the input, which
// the caller must not modify while the decoded values are in use. Hashes,
// addresses and integers are copied. Empty byte strings decode to nil.
//
// # Caches
//
// A decoded [Transaction] carries its hash, computed from the input bytes.
// A transaction built in code computes its hash on every Hash call until
// [Transaction.Seal] caches it; after sealing, its fields must not change.
// Header and block hashes are not cached: [Header.Hash] encodes into a
// pooled buffer and does not allocate.
//
// # Engine API payloads
//
// [ParseNewPayloadRequests] reads engine_newPayloadV2..V5 requests with the
// engine API's strict hex rules and checks which parameters and fields each
// version carries. Building the block needs ordered-list trie roots, so the
// engine package does it. The raw block access list bytes stay in
// [ExecutionPayload.BlockAccessList] for the bal package to decode.
//
// # Concurrency
//
// Values are plain data: safe to share read-only between goroutines, not safe
// to mutate concurrently. Keccak256 uses a pool of hashers and is safe for
// concurrent use. [RecoverSenders] runs a bounded set of goroutines and joins
// them all before it returns; its error is that of the lowest failing index,
// whatever the scheduling.
package types
