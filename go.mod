module github.com/balexec/balexec

go 1.26.0

require (
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/consensys/gnark-crypto v0.18.1
	github.com/crate-crypto/go-eth-kzg v1.5.0
	github.com/decred/dcrd/dcrec/secp256k1/v4 v4.4.1
	github.com/holiman/uint256 v1.3.2
	github.com/puzpuzpuz/xsync/v3 v3.5.1
	golang.org/x/crypto v0.59.0
)

require (
	github.com/bits-and-blooms/bitset v1.20.0 // indirect
	golang.org/x/sync v0.11.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
