// Package precompile implements Ethereum's precompiled contracts from
// Frontier through Osaka (Amsterdam uses Osaka's set unchanged), with the
// semantics, gas and error behaviour of go-ethereum v1.17.10.
//
// # API
//
// A [Contract] prices its input ([Contract.Gas]) and runs it
// ([Contract.Run]). A [Set] holds the contracts active in one fork and is
// obtained from a fork function: [Homestead], [Byzantium], [Istanbul],
// [Berlin] (used through Shanghai), [Cancun], [Prague] and [Osaka] (used by
// Amsterdam too). [Set.Get] is an array index for 0x01-0x11 and one comparison
// for 0x100, without allocating; [Set.Addresses] lists a set in ascending
// order for warming the access list. [Warm] builds the KZG verification key
// (optional; a few microseconds).
//
// The EVM charges Gas(input) first and runs the contract only if the call can
// pay; an error from Run fails the call and consumes all the gas given to it.
// Gas and Run never touch state, so the caller records the BAL access (from
// Amsterdam, go-ethereum touches the precompile address after charging gas).
//
// # Invariants
//
//   - Gas never panics, never allocates for a malformed input and never
//     overflows: it saturates at math.MaxUint64. MODEXP length fields of
//     2^256-1 are handled without allocating.
//   - Run never panics on any input, never modifies or retains its input, and
//     returns a slice the caller owns (no shared result buffers). Its time and
//     memory are bounded by the gas the caller charged; MODEXP additionally
//     refuses any input priced above [MaxModexpRunGas] (no call can carry that
//     much gas), so even an unmetered call cannot make it allocate without
//     bound.
//   - Invalid input is either an error (one of the sentinels in errors.go,
//     possibly wrapped) or, where the EIP says so, empty output with no error:
//     ECRECOVER and P256VERIFY never fail, they return nothing.
//   - Error messages are go-ethereum's, because the shared fail-*.json vectors
//     specify them verbatim; they therefore carry no package prefix.
//
// # Concurrency
//
// Contracts and Sets are immutable after package initialisation and safe for
// concurrent use. The one piece of lazily built state, the KZG verification
// key (three constant points), is built once under a sync.Once and read-only
// afterwards.
//
// # Libraries
//
//   - ECRECOVER: types.RecoverAddress, the recovery transactions use too:
//     balexec's pure-Go internal/secp256k1 by default, libsecp256k1
//     (go-ethereum's choice with cgo) with the libsecp256k1 build tag. Both
//     are checked against github.com/decred/dcrd/dcrec/secp256k1/v4
//     (go-ethereum's choice without cgo) by differential and fuzz tests, so
//     the edge cases (r, s ranges, points off the curve) are go-ethereum's.
//   - SHA256: crypto/sha256 (standard library, assembly-accelerated).
//   - RIPEMD160: golang.org/x/crypto/ripemd160, the only maintained Go
//     implementation; the module is already a dependency.
//   - MODEXP: math/big, plus native Montgomery arithmetic written here for
//     moduli of one 64-bit word (the cheapest and so most repeatable calls),
//     tested against a naive big-integer model. go-ethereum links a patched
//     copy of math/big (go-bigmodexpfix) for speed on some adversarial
//     inputs; results are identical and adding that module was not worth it.
//     Pricing (EIP-198, EIP-2565, EIP-7883) and the EIP-7823 caps are
//     written here.
//   - BN254 and BLS12-381: github.com/consensys/gnark-crypto v0.18.1
//     (ecc/bn254, ecc/bls12-381). It is the library go-ethereum uses on amd64
//     and arm64 for both curves, so pairing, multi-scalar multiplication and
//     hash-to-curve results are the same code; it has assembly field
//     arithmetic and GLV scalar multiplication. The encodings, all range,
//     curve and subgroup checks, and the pricing are written here. A one-pair
//     MSM uses GLV scalar multiplication (about 2.5 times faster than the
//     bucket method, same point, tested against it); larger MSMs run gnark's
//     bucket method on the calling goroutine only, since the executor already
//     keeps every core busy.
//   - BLAKE2F: written here (the EIP-152 F function with a caller-chosen round
//     count is not exposed by golang.org/x/crypto/blake2b); tested against
//     x/crypto/blake2b by chaining F into BLAKE2b-512.
//   - KZG point evaluation: verify_kzg_proof written here on gnark-crypto's
//     BLS12-381 (point decoding with its subgroup check, a Straus-Shamir
//     double multiplication in G1, PairingCheck). The verification key is
//     the G2 generator and [τ]G2 from the Ethereum KZG ceremony's trusted
//     setup, a constant in the source; verifying needs nothing else from
//     the setup. go-ethereum's default backend (and this package's previous
//     choice), github.com/crate-crypto/go-eth-kzg v1.5.0, first builds a
//     context from the whole setup: about two seconds of CPU per process,
//     mostly EIP-7594 tables. go-eth-kzg stays a test dependency: the
//     contract is tested against it (outputs and error texts, which are
//     go-ethereum's) and the constant against its copy of the setup file.
//   - P256VERIFY: crypto/ecdsa and crypto/elliptic P256 from the standard
//     library, exactly as go-ethereum does.
package precompile
