package bench

import (
	"encoding/binary"
	"runtime"
	"sync"

	"github.com/balexec/balexec/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/holiman/uint256"
)

// derive returns keccak256(label . seed . i): the source of every key and
// address a workload derives from its seed.
func derive(label string, seed, i uint64) types.Hash {
	buf := make([]byte, 0, len(label)+16)
	buf = append(buf, label...)
	buf = binary.BigEndian.AppendUint64(buf, seed)
	buf = binary.BigEndian.AppendUint64(buf, i)
	return types.Keccak256One(buf)
}

// deriveAddress returns the i-th address of label for seed (an address no
// key controls).
func deriveAddress(label string, seed, i uint64) types.Address {
	h := derive(label, seed, i)
	var a types.Address
	copy(a[:], h[12:])
	return a
}

// account is a funded key of a workload.
type account struct {
	key  *secp256k1.PrivateKey
	addr types.Address
}

// deriveAccounts returns n keys of label for seed, derived on all cores (a
// key costs a scalar multiplication); the i-th is the same whatever n.
func deriveAccounts(label string, seed uint64, n int) []account {
	out := make([]account, n)
	parallel(n, func(i int) {
		for ctr := uint64(0); ; ctr++ {
			h := derive(label, seed, uint64(i)<<16|ctr)
			var s secp256k1.ModNScalar
			if overflow := s.SetByteSlice(h[:]); overflow || s.IsZero() {
				continue // not a valid key: the next counter (2^-128 odds)
			}
			k := secp256k1.NewPrivateKey(&s)
			pub := k.PubKey().SerializeUncompressed()
			hh := types.Keccak256One(pub[1:])
			out[i].key = k
			copy(out[i].addr[:], hh[12:])
			return
		}
	})
	return out
}

// sign signs tx for chainID with key (RFC 6979, so the same transaction
// always gets the same signature), seals it and caches from as its sender.
func sign(tx *types.Transaction, key *secp256k1.PrivateKey, from types.Address, chainID *uint256.Int) {
	h := tx.SigningHash(chainID)
	sig := ecdsa.SignCompact(key, h[:], false)
	tx.V.SetUint64(uint64(sig[0] - 27))
	tx.R.SetBytes(sig[1:33])
	tx.S.SetBytes(sig[33:65])
	tx.Seal()
	tx.SetSender(chainID, from)
}

// parallel calls f(0) .. f(n-1) on GOMAXPROCS goroutines and waits for all.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var (
		wg   sync.WaitGroup
		next = make(chan int, n)
	)
	for i := range n {
		next <- i
	}
	close(next)
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	wg.Wait()
}
