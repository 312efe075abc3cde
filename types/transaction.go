package types

import (
	"sync/atomic"

	"github.com/holiman/uint256"
)

// Transaction types (EIP-2718 type bytes; legacy transactions have none).
const (
	LegacyTxType     = 0x00
	AccessListTxType = 0x01 // EIP-2930
	DynamicFeeTxType = 0x02 // EIP-1559
	BlobTxType       = 0x03 // EIP-4844
	SetCodeTxType    = 0x04 // EIP-7702
)

// BlobGasPerBlob is the blob gas one blob consumes (EIP-4844 GAS_PER_BLOB).
const BlobGasPerBlob = 1 << 17

// AccessTuple is one entry of an EIP-2930 access list.
type AccessTuple struct {
	Address     Address
	StorageKeys []Hash
}

// AccessList is an EIP-2930 access list.
type AccessList []AccessTuple

// StorageKeys returns the total number of storage keys in al.
func (al AccessList) StorageKeys() int {
	n := 0
	for i := range al {
		n += len(al[i].StorageKeys)
	}
	return n
}

// Authorization is one entry of an EIP-7702 authorization list: the RLP list
// [chainId, address, nonce, yParity, r, s].
type Authorization struct {
	ChainID uint256.Int
	Address Address
	Nonce   uint64
	V       uint8 // yParity
	R       uint256.Int
	S       uint256.Int
}

// Transaction is a transaction of any of the five types. It is one concrete
// struct (the type byte and the union of all types' fields, integers as
// uint256 by value) rather than an interface per type: decoding a block then
// needs no per-field heap values and no interface dispatch, and accessors
// are plain field reads. Fields a type does not have are zero and ignored by
// its encoding:
//
//	type 0 (legacy):     Nonce GasPrice Gas To Value Data V R S
//	type 1 (EIP-2930):   ChainID Nonce GasPrice Gas To Value Data AccessList V R S
//	type 2 (EIP-1559):   ChainID Nonce GasTipCap GasFeeCap Gas To Value Data AccessList V R S
//	type 3 (EIP-4844):   type 2 fields + BlobFeeCap BlobHashes (To required)
//	type 4 (EIP-7702):   type 2 fields + AuthList (To required)
//
// IsCreate marks a contract creation (the RLP "to" is empty); types 3 and 4
// cannot create. For a legacy transaction V is 27/28, or chainID*2+35/36
// under EIP-155; for typed ones it is the y-parity (0 or 1).
//
// The hash is cached: decoders fill the cache, and [Transaction.Seal] fills
// it for a transaction built in code. After sealing, the fields must not be
// modified (or Seal must be called again before the transaction is shared).
// A sealed transaction is safe for concurrent readers.
type Transaction struct {
	Type       uint8
	ChainID    uint256.Int
	Nonce      uint64
	GasPrice   uint256.Int // types 0 and 1
	GasTipCap  uint256.Int // types 2, 3, 4: maxPriorityFeePerGas
	GasFeeCap  uint256.Int // types 2, 3, 4: maxFeePerGas
	Gas        uint64
	To         Address
	IsCreate   bool
	Value      uint256.Int
	Data       []byte
	AccessList AccessList
	BlobFeeCap uint256.Int // type 3: maxFeePerBlobGas
	BlobHashes []Hash      // type 3: blob versioned hashes
	AuthList   []Authorization
	V, R, S    uint256.Int

	hash   Hash
	hashed bool

	// sender caches the sender recovered (or supplied) for one chain id.
	// NB: it makes Transaction unsafe to copy by value; use Copy.
	sender atomic.Pointer[cachedSender]
}

// cachedSender is a sender and the chain id it was recovered for.
type cachedSender struct {
	chainID uint256.Int
	from    Address
}

// TipCap returns the maximum priority fee per gas: the gas price for types 0
// and 1, GasTipCap otherwise.
func (tx *Transaction) TipCap() uint256.Int {
	if tx.Type <= AccessListTxType {
		return tx.GasPrice
	}
	return tx.GasTipCap
}

// FeeCap returns the maximum fee per gas: the gas price for types 0 and 1,
// GasFeeCap otherwise.
func (tx *Transaction) FeeCap() uint256.Int {
	if tx.Type <= AccessListTxType {
		return tx.GasPrice
	}
	return tx.GasFeeCap
}

// EffectiveGasPrice returns min(feeCap, baseFee + tipCap), the price per gas
// the sender pays in a block with baseFee (for types 0 and 1 the gas price).
// The caller checks feeCap >= baseFee beforehand.
func (tx *Transaction) EffectiveGasPrice(baseFee *uint256.Int) uint256.Int {
	if tx.Type <= AccessListTxType {
		return tx.GasPrice
	}
	var p uint256.Int
	if _, overflow := p.AddOverflow(baseFee, &tx.GasTipCap); overflow || p.Gt(&tx.GasFeeCap) {
		return tx.GasFeeCap
	}
	return p
}

// BlobGas returns the blob gas the transaction consumes.
func (tx *Transaction) BlobGas() uint64 {
	return uint64(len(tx.BlobHashes)) * BlobGasPerBlob
}

func isUnprotectedV(v *uint256.Int) bool {
	if !v.IsUint64() {
		return false
	}
	x := v.Uint64()
	return x == 27 || x == 28
}

// Hash returns the transaction hash: keccak256 of the canonical encoding. It
// returns the cached hash of a sealed or decoded transaction, and computes it
// otherwise (without caching, so that an unsealed transaction can still be
// read concurrently).
func (tx *Transaction) Hash() Hash {
	if tx.hashed {
		return tx.hash
	}
	return tx.computeHash()
}

func (tx *Transaction) computeHash() Hash {
	e := getEncBuf()
	e.b = tx.AppendCanonical(e.b)
	h := Keccak256One(e.b)
	putEncBuf(e)
	return h
}

// Seal computes and caches the transaction hash and forgets any cached
// sender. Call it after building or modifying a transaction and before
// sharing it between goroutines.
func (tx *Transaction) Seal() {
	tx.hash = tx.computeHash()
	tx.hashed = true
	tx.sender.Store(nil)
}

// Copy returns a copy of tx that shares no caches with it: its hash is
// cached only if tx's was, and no sender is cached. Slices (data, access
// list, blob hashes, authorizations) are shared; replace them rather than
// modify them in place.
func (tx *Transaction) Copy() *Transaction {
	c := &Transaction{
		Type: tx.Type, ChainID: tx.ChainID, Nonce: tx.Nonce, GasPrice: tx.GasPrice,
		GasTipCap: tx.GasTipCap, GasFeeCap: tx.GasFeeCap, Gas: tx.Gas, To: tx.To,
		IsCreate: tx.IsCreate, Value: tx.Value, Data: tx.Data, AccessList: tx.AccessList,
		BlobFeeCap: tx.BlobFeeCap, BlobHashes: tx.BlobHashes, AuthList: tx.AuthList,
		V: tx.V, R: tx.R, S: tx.S, hash: tx.hash, hashed: tx.hashed,
	}
	return c
}
