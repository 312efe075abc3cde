package types

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/holiman/uint256"
)

// The secp256k1 group order n and n/2 (the EIP-2 bound on s). Read-only.
var (
	secp256k1N     = *uint256.MustFromHex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	secp256k1HalfN = *uint256.MustFromHex("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")
)

// setCodeAuthMagic prefixes the signing payload of an EIP-7702 authorization.
const setCodeAuthMagic = 0x05

// SigningHash returns the hash the sender signs.
//
// For a typed transaction it is keccak256(type || rlp(payload without
// signature)) with chainID as the payload's chain id (nil means the
// transaction's own ChainID). For a legacy transaction a non-nil, non-zero
// chainID gives the EIP-155 hash keccak256(rlp([nonce, gasPrice, gas, to,
// value, data, chainID, 0, 0])); nil or zero gives the unprotected
// (pre-EIP-155) hash over the first six fields. It does not allocate.
func (tx *Transaction) SigningHash(chainID *uint256.Int) Hash {
	if tx.Type != LegacyTxType && chainID == nil {
		chainID = &tx.ChainID
	}
	e := getEncBuf()
	if tx.Type != LegacyTxType {
		e.b = append(e.b, tx.Type)
	}
	e.b = tx.appendFields(e.b, false, chainID)
	h := Keccak256One(e.b)
	putEncBuf(e)
	return h
}

// ValidateSignatureValues reports whether a signature's values are in range:
// the recovery id v is 0 or 1, r and s are in [1, n-1], and, with lowS
// (EIP-2, every transaction since Homestead), s <= n/2.
func ValidateSignatureValues(v byte, r, s *uint256.Int, lowS bool) bool {
	if v > 1 || r.IsZero() || s.IsZero() {
		return false
	}
	if lowS && s.Gt(&secp256k1HalfN) {
		return false
	}
	return r.Lt(&secp256k1N) && s.Lt(&secp256k1N)
}

// RecoverAddress returns the address whose key produced the signature
// (r, s, v) over hash, v being the recovery id 0 or 1. It checks that r and s
// are in [1, n-1] but not the EIP-2 low-s rule (the ecrecover precompile
// does not apply it). Failures wrap ErrInvalidSig.
func RecoverAddress(hash Hash, r, s *uint256.Int, v byte) (Address, error) {
	if !ValidateSignatureValues(v, r, s, false) {
		return Address{}, ErrInvalidSig
	}
	var sig [64]byte
	rb, sb := r.Bytes32(), s.Bytes32()
	copy(sig[:32], rb[:])
	copy(sig[32:], sb[:])
	var pub [64]byte // X || Y
	if err := recoverPubkey(&pub, &sig, v, &hash); err != nil {
		return Address{}, fmt.Errorf("%w: %v", ErrInvalidSig, err)
	}
	h := Keccak256One(pub[:])
	var a Address
	copy(a[:], h[12:])
	return a, nil
}

// Sender returns the address that signed tx on the chain chainID: the
// cached sender when one was recovered or supplied for that chain id, else
// the one recovered from the signature now, which it caches (the first
// recovery of a transaction costs about as much as executing a simple one;
// later calls cost a load). Errors are not cached.
//
// A typed transaction's ChainID must equal chainID and its V must be 0 or 1.
// A legacy transaction is either unprotected (v 27 or 28) or EIP-155
// protected with v = chainID*2 + 35 or 36. In both cases r and s must be in
// [1, n-1] and s <= n/2. Errors: ErrInvalidChainID, ErrInvalidSig,
// ErrTxTypeNotSupported. Which types a fork accepts is the caller's check.
func (tx *Transaction) Sender(chainID *uint256.Int) (Address, error) {
	if from, ok := tx.CachedSender(chainID); ok {
		return from, nil
	}
	from, err := tx.recoverSender(chainID)
	if err == nil && chainID != nil {
		tx.sender.Store(&cachedSender{chainID: *chainID, from: from})
	}
	return from, err
}

// CachedSender returns the sender cached for the chain chainID (recovered by
// an earlier Sender call or supplied by SetSender) and true, or false when
// there is none. It never recovers.
func (tx *Transaction) CachedSender(chainID *uint256.Int) (Address, bool) {
	if c := tx.sender.Load(); c != nil && chainID != nil && c.chainID == *chainID {
		return c.from, true
	}
	return Address{}, false
}

// SetSender caches from as tx's sender on the chain chainID, as an execution
// client does with the sender it recovered when the transaction entered its
// pool: Sender then returns it without recovery. The caller vouches for it:
// a wrong sender makes execution wrong, exactly as a wrong signature check
// would. It is safe to call concurrently with Sender.
func (tx *Transaction) SetSender(chainID *uint256.Int, from Address) {
	tx.sender.Store(&cachedSender{chainID: *chainID, from: from})
}

// recoverSender is Sender without the cache.
func (tx *Transaction) recoverSender(chainID *uint256.Int) (Address, error) {
	var (
		recid byte
		hash  Hash
	)
	switch tx.Type {
	case LegacyTxType:
		v := &tx.V
		switch {
		case isUnprotectedV(v):
			recid = byte(v.Uint64() - 27)
			hash = tx.SigningHash(nil)
		case v.IsUint64() && v.Uint64() < 35:
			// 0 and 1 are not legacy v values; go-ethereum reads them as
			// unprotected and fails the recovery id check.
			if v.Uint64() <= 1 {
				return Address{}, fmt.Errorf("%w: legacy v %d", ErrInvalidSig, v.Uint64())
			}
			return Address{}, fmt.Errorf("%w: legacy v %d", ErrInvalidChainID, v.Uint64())
		default:
			var c uint256.Int
			c.SubUint64(v, 35)
			recid = byte(c.Uint64() & 1)
			c.Rsh(&c, 1)
			if chainID == nil || !c.Eq(chainID) {
				return Address{}, fmt.Errorf("%w: have %s want %s", ErrInvalidChainID, c.Dec(), chainIDString(chainID))
			}
			hash = tx.SigningHash(chainID)
		}
	case AccessListTxType, DynamicFeeTxType, BlobTxType, SetCodeTxType:
		if chainID == nil || !tx.ChainID.Eq(chainID) {
			return Address{}, fmt.Errorf("%w: have %s want %s", ErrInvalidChainID, tx.ChainID.Dec(), chainIDString(chainID))
		}
		if !tx.V.IsUint64() || tx.V.Uint64() > 1 {
			return Address{}, fmt.Errorf("%w: y-parity %s", ErrInvalidSig, tx.V.Dec())
		}
		recid = byte(tx.V.Uint64())
		hash = tx.SigningHash(chainID)
	default:
		return Address{}, fmt.Errorf("%w: type %#x", ErrTxTypeNotSupported, tx.Type)
	}
	if !ValidateSignatureValues(recid, &tx.R, &tx.S, true) {
		return Address{}, ErrInvalidSig
	}
	return RecoverAddress(hash, &tx.R, &tx.S, recid)
}

func chainIDString(c *uint256.Int) string {
	if c == nil {
		return "none"
	}
	return c.Dec()
}

// RecoverSenders recovers the senders of txs in parallel on at most workers
// goroutines (workers <= 0 means GOMAXPROCS), returning them in order. On
// failure it returns the error of the lowest failing index, whatever the
// scheduling. Every goroutine has returned when it returns.
func RecoverSenders(txs []*Transaction, chainID *uint256.Int, workers int) ([]Address, error) {
	n := len(txs)
	out := make([]Address, n)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i, tx := range txs {
			a, err := tx.Sender(chainID)
			if err != nil {
				return nil, fmt.Errorf("tx %d: %w", i, err)
			}
			out[i] = a
		}
		return out, nil
	}
	var (
		next   atomic.Int64 // next index to hand out
		lowest atomic.Int64 // lowest failing index so far, n if none
		errs   = make([]error, n)
		wg     sync.WaitGroup
	)
	lowest.Store(int64(n))
	// NB: indices are handed out in increasing order, so when index i is
	// taken every lower index has been taken too and will be finished. A
	// worker skips an index above the lowest failure seen: that failure (or
	// a lower one) is the answer regardless. The true lowest failing index
	// is never skipped, since lowest only ever holds failing indices.
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || i > lowest.Load() {
					return
				}
				a, err := txs[i].Sender(chainID)
				if err == nil {
					out[i] = a
					continue
				}
				errs[i] = err
				for {
					cur := lowest.Load()
					if i >= cur || lowest.CompareAndSwap(cur, i) {
						break
					}
				}
			}
		})
	}
	wg.Wait()
	if f := lowest.Load(); f < int64(n) {
		return nil, fmt.Errorf("tx %d: %w", f, errs[f])
	}
	return out, nil
}

// SigningHash returns the hash an EIP-7702 authorization is signed over:
// keccak256(0x05 || rlp([chainId, address, nonce])).
func (a *Authorization) SigningHash() Hash {
	e := getEncBuf()
	e.b = append(e.b, setCodeAuthMagic)
	e.b = rlp.AppendListHeader(e.b, rlp.Uint256Size(&a.ChainID)+1+AddressLength+rlp.Uint64Size(a.Nonce))
	e.b = rlp.AppendUint256(e.b, &a.ChainID)
	e.b = rlp.AppendBytes(e.b, a.Address[:])
	e.b = rlp.AppendUint64(e.b, a.Nonce)
	h := Keccak256One(e.b)
	putEncBuf(e)
	return h
}

// Authority recovers the account that signed the authorization. It rejects
// a y-parity above 1, r or s outside [1, n-1] and s above n/2 before doing
// any curve arithmetic. Every failure wraps ErrInvalidSig; it never panics.
// The chain id and nonce checks of EIP-7702 are the caller's.
func (a *Authorization) Authority() (Address, error) {
	if !ValidateSignatureValues(a.V, &a.R, &a.S, true) {
		return Address{}, ErrInvalidSig
	}
	return RecoverAddress(a.SigningHash(), &a.R, &a.S, a.V)
}

// CreateAddress returns the address of a contract created by sender with
// nonce: keccak256(rlp([sender, nonce]))[12:].
func CreateAddress(sender Address, nonce uint64) Address {
	e := getEncBuf()
	e.b = rlp.AppendListHeader(e.b, 1+AddressLength+rlp.Uint64Size(nonce))
	e.b = rlp.AppendBytes(e.b, sender[:])
	e.b = rlp.AppendUint64(e.b, nonce)
	h := Keccak256One(e.b)
	putEncBuf(e)
	var a Address
	copy(a[:], h[12:])
	return a
}

// CreateAddress2 returns the address of a contract created by sender with
// CREATE2: keccak256(0xff || sender || salt || initCodeHash)[12:].
func CreateAddress2(sender Address, salt Hash, initCodeHash Hash) Address {
	e := getEncBuf()
	e.b = append(e.b, 0xff)
	e.b = append(e.b, sender[:]...)
	e.b = append(e.b, salt[:]...)
	e.b = append(e.b, initCodeHash[:]...)
	h := Keccak256One(e.b)
	putEncBuf(e)
	var a Address
	copy(a[:], h[12:])
	return a
}
