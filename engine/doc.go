// Package engine builds blocks from engine API execution payloads
// (engine_newPayloadV2..V5), as go-ethereum's ExecutableDataToBlock does:
// [Block] for a whole request, [PayloadBlock] for a payload and the
// request's other parameters.
//
// The payload's JSON is decoded by the types package
// (types.ParseNewPayloadRequests), which needs no trie. Building the block
// does: its transactions and withdrawals roots are ordered-list trie roots,
// so the conversion lives here, above both types and trie. Nothing else
// belongs here yet; an engine API server would.
//
// # What is checked
//
// The transactions decode strictly from their canonical encodings, their
// blob hashes equal the request's versioned hashes in order
// ([ErrVersionedHashMismatch]), the block access list bytes are well-formed
// RLP (their structure is the bal package's to check), and the built block
// hashes to the payload's blockHash ([ErrBlockHashMismatch], returned with
// the built block). Other bad content is types.ErrInvalidPayload.
//
// # Concurrency
//
// The functions hold no state and are safe for concurrent use; the payload
// is only read. The block returned shares memory with the payload (extra
// data, withdrawals, the transactions' byte fields): the payload must not
// change while the block is in use.
package engine
