package cache

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// errPoison is what a poisonReader returns for its poisoned keys.
var errPoison = errors.New("test: poisoned key")

// keyKind names the three kinds of read, for counting and hooks.
type keyKind uint8

const (
	kindAccount keyKind = iota
	kindStorage
	kindCode
)

// readKey is any key of a backing reader, for per-key counts.
type readKey struct {
	kind keyKind
	addr types.Address
	slot uint256.Int
	hash types.Hash
}

// countingReader wraps a reader, counts the calls per key and runs an
// optional hook before each call (to block, fail or panic).
type countingReader struct {
	inner state.Reader
	hook  func(k readKey) error

	mu    sync.Mutex
	calls map[readKey]int
	total int
}

func newCounting(inner state.Reader) *countingReader {
	return &countingReader{inner: inner, calls: make(map[readKey]int)}
}

func (r *countingReader) before(k readKey) error {
	r.mu.Lock()
	r.calls[k]++
	r.total++
	r.mu.Unlock()
	if r.hook != nil {
		return r.hook(k)
	}
	return nil
}

func (r *countingReader) Account(addr types.Address) (types.Account, bool, error) {
	if err := r.before(readKey{kind: kindAccount, addr: addr}); err != nil {
		return types.Account{}, false, err
	}
	return r.inner.Account(addr)
}

func (r *countingReader) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	if err := r.before(readKey{kind: kindStorage, addr: addr, slot: slot}); err != nil {
		return uint256.Int{}, err
	}
	return r.inner.Storage(addr, slot)
}

func (r *countingReader) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	if err := r.before(readKey{kind: kindCode, hash: codeHash}); err != nil {
		return nil, err
	}
	return r.inner.Code(addr, codeHash)
}

func (r *countingReader) count(k readKey) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[k]
}

func (r *countingReader) totalCalls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

func (r *countingReader) maxPerKey() (readKey, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best readKey
	n := 0
	for k, c := range r.calls {
		if c > n {
			best, n = k, c
		}
	}
	return best, n
}

// poisonReader fails, every time, the storage reads of slots ≡ 13 mod 17
// and the account reads of addresses whose last byte is 0xee: deterministic
// errors, so that a cache and its twin must agree on them.
type poisonReader struct{ inner state.Reader }

func poisoned(addr types.Address, slot *uint256.Int) bool {
	if slot == nil {
		return addr[19] == 0xee
	}
	return slot.Uint64()%17 == 13
}

func (r poisonReader) Account(addr types.Address) (types.Account, bool, error) {
	if poisoned(addr, nil) {
		return types.Account{}, false, fmt.Errorf("%w: account %s", errPoison, addr)
	}
	return r.inner.Account(addr)
}

func (r poisonReader) Storage(addr types.Address, slot uint256.Int) (uint256.Int, error) {
	if poisoned(addr, &slot) {
		return uint256.Int{}, fmt.Errorf("%w: slot %d", errPoison, slot.Uint64())
	}
	return r.inner.Storage(addr, slot)
}

func (r poisonReader) Code(addr types.Address, codeHash types.Hash) ([]byte, error) {
	return r.inner.Code(addr, codeHash)
}

func addrN(n int) types.Address {
	var a types.Address
	a[0] = byte(n >> 8)
	a[1] = byte(n)
	a[19] = byte(n * 7)
	return a
}

func u256(v uint64) uint256.Int { return *uint256.NewInt(v) }

// testState returns an in-memory state of n accounts: account i has nonce i,
// balance 1000+i, slots 0..i-1 with value 100*i+slot+1, and code {0x60, i}
// when i is odd.
func testState(n int) (*state.Memory, chainspec.Alloc) {
	alloc := make(chainspec.Alloc, n)
	for i := range n {
		g := chainspec.GenesisAccount{Nonce: uint64(i), Balance: u256(1000 + uint64(i))}
		if i%2 == 1 {
			g.Code = []byte{0x60, byte(i)}
		}
		for s := range i {
			if g.Storage == nil {
				g.Storage = make(map[uint256.Int]uint256.Int)
			}
			g.Storage[u256(uint64(s))] = u256(uint64(100*i + s + 1))
		}
		alloc[addrN(i)] = g
	}
	return alloc.Memory(), alloc
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// checkNoLeak fails the test if the goroutine count does not come back to
// baseline.
func checkNoLeak(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), baseline, buf[:n])
		}
		time.Sleep(time.Millisecond)
	}
}
