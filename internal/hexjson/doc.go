// Package hexjson is balexec's one reader of numbers and hex in JSON input:
// 64- and 256-bit quantities ([ParseUint64], [ParseUint256], and [Uint64],
// [Uint256] for whole JSON values), byte strings ([ParseBytes]),
// fixed-size values such as addresses and hashes ([ParseFixed]) and 32-byte
// storage words ([ParseWord]).
//
// # Modes
//
// Input strictness is a contract, so every caller names the spellings it
// accepts with a [Mode]: the zero mode accepts canonical forms only
// ("0x1f", "0x00ff"), and each flag adds spellings without changing the
// value of any spelling already accepted, so a mode with more flags is a
// superset (a fuzz target checks this). The named modes:
//
//   - [Strict]: the engine API (go-ethereum's hexutil): 0x or 0X required,
//     no leading zeros, no empty quantity, at most 16 or 64 digits; byte
//     strings of an even number of digits.
//   - [Lenient]: go-ethereum genesis files, chain configurations, state
//     dumps: quantities as 0x-hex with leading zeros, decimal digits or JSON
//     integers; hex byte strings with or without the prefix.
//   - [Fixture]: the quantities of the ethereum/tests fixtures: a lower-case
//     0x always, leading zeros, "0x" for zero.
//
// Hex digits may be upper or lower case in every mode. No mode accepts
// whitespace inside a string, a sign, a fraction, an exponent, underscores,
// or a second prefix. Overflow (beyond 2^64-1, 2^256-1, or 32 bytes for a
// word) is [ErrOverflow], distinct from syntax errors, so callers can give
// it its own meaning.
//
// # Who uses which mode, and why
//
//   - types, engine API payloads (ExecutionPayload, NewPayloadRequest):
//     Strict, for every quantity, byte string, hash, address and bloom;
//     the engine API allows nothing else.
//   - types, Address, Hash and Bloom text and DecodeHex: Lenient (for
//     hex the prefix is optional, in either case); fixtures and dumps write
//     both.
//   - chainspec, chain configurations, genesis header fields and hive
//     forkenv variables: Lenient, as go-ethereum reads them (its math
//     HexOrDecimal types and plain JSON integers). "" and "0x" are not
//     numbers there.
//   - chainspec, allocations and state dumps: balances and nonces
//     Lenient|EmptyZero ("" is zero, as go-ethereum's HexOrDecimal reads
//     it; "0x" is not); code, addresses and hashes Lenient; storage keys and
//     values ParseWord with Lenient (at most 32 bytes, even length, as
//     go-ethereum's genesis storage reader).
//   - bal, the execution-spec-tests JSON of a block access list:
//     Lenient without UpperPrefix for indices and nonces, and that plus
//     PrefixZero for balances, slots and values (the readers this replaced
//     cut a lower-case "0x" only, and read a bare "0x" as zero at 256 bits
//     only); null is an error; code through types.DecodeHex.
//   - exec/statetest, ethereum/tests state tests: Fixture for the
//     environment and transaction quantities; Fixture|EmptyZero for the
//     transaction's nonce and values (which may be ""), where an overflow
//     means an impossible transaction, not a bad test; data, addresses and
//     transaction bytes through types.
//
// The readers these replaced differed from the modes above only on input
// no fixture here contains: types accepted a doubled prefix ("0x0Xff") in
// addresses, hashes and DecodeHex; bal accepted a "+" before a decimal
// 256-bit quantity; the state-test runner, which read quantities with
// math/big, accepted a sign ("+1", "-0") and hex without its prefix ("ff")
// (every quantity of GeneralStateTests has a lower-case 0x prefix); and
// JSON values were trimmed of Unicode spaces, not only JSON's. All of these
// are now errors.
//
// # Errors and concurrency
//
// Every error wraps exactly one sentinel of errors.go and quotes the input
// (cut to 40 bytes). The package is internal: callers wrap these errors
// under their own package's sentinels. The readers are pure functions, safe
// for concurrent use; the text readers of quantities and words do not
// allocate on success.
package hexjson
