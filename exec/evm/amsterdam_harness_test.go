package evm

import (
	"slices"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The Amsterdam tests run transactions the way a block does: on the
// production state (state.StateDB over a BlockState over an in-memory
// pre-state), recording each transaction's block-access-list fragment. The
// setup is that of the worked examples of EIP-7928 produced with
// go-ethereum v1.17.10 (MergedTestChainConfig with Amsterdam at genesis):
// block 1 at time 10 with base fee 0.875 gwei, coinbase 0x…cb00, slot
// number 1, gas limit 60,000,000, and EIP-1559 transactions paying at most
// 10 gwei with a 1 gwei tip.

const (
	gwei        = 1_000_000_000
	amsBaseFee  = 875_000_000
	amsFeeCap   = 10 * gwei
	amsTip      = 1 * gwei
	amsGasLimit = 60_000_000
)

var (
	amsSender   = types.MustHexToAddress("0x71562b71999873db5b286df957af199ec94617f7")
	amsBob      = types.Address{18: 0xb0, 19: 0xb0}
	amsCounter  = types.Address{18: 0xc0, 19: 0xde}
	amsCoinbase = types.Address{18: 0xcb}
	// amsCounterCode: slot0 = slot0 + 1; SLOAD slot 1; STOP.
	amsCounterCode = mustHex("6000546001016000556001545000")
)

func mustHex(s string) []byte {
	b, err := types.DecodeHex(s)
	if err != nil {
		panic(err)
	}
	return b
}

// amsAlloc is the worked examples' pre-state (without the system contracts,
// which no transaction-level test needs), plus extra accounts.
func amsAlloc(extra testAlloc) testAlloc {
	a := testAlloc{
		amsSender:  {Balance: *uint256.NewInt(1e18)},
		amsBob:     {Balance: *uint256.NewInt(1)},
		amsCounter: {Code: amsCounterCode, Storage: map[uint256.Int]uint256.Int{{}: u256(5)}},
	}
	for addr, acct := range extra {
		a[addr] = acct
	}
	return a
}

func amsBlock() BlockContext {
	b := BlockContext{Coinbase: amsCoinbase, Number: 1, Time: 10, GasLimit: amsGasLimit, SlotNumber: 1}
	b.BaseFee.SetUint64(amsBaseFee)
	return b
}

// txChain applies transactions one after another, as a block does.
type txChain struct {
	t     testing.TB
	bs    *state.BlockState
	vm    *EVM
	gp    *GasPool
	all   bal.Builder
	index uint32
}

func newTxChain(t testing.TB, alloc testAlloc) *txChain {
	t.Helper()
	return newTxChainRules(t, alloc, RulesFor(1, Amsterdam))
}

func newTxChainRules(t testing.TB, alloc testAlloc, rules Rules) *txChain {
	t.Helper()
	vm, err := NewEVM(amsBlock(), rules, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return &txChain{t: t, bs: state.NewBlockState(alloc.memory()), vm: vm, gp: NewGasPool(amsGasLimit)}
}

// txOut is the outcome of one transaction.
type txOut struct {
	res  ExecutionResult
	err  error                // a consensus error: the transaction was not applied
	logs []types.Log          // its logs
	bal  *bal.BlockAccessList // its fragment alone, at index 1
}

// apply runs msg as the next transaction of the block.
func (c *txChain) apply(msg Message) txOut {
	c.t.Helper()
	sdb := state.New(c.bs)
	frag := bal.NewFragment()
	if c.vm.rules.IsAmsterdam {
		sdb.SetAmsterdam(frag)
	}
	c.vm.Reset(sdb)
	res, err := ApplyMessage(c.vm, &msg, c.gp)
	out := txOut{res: res, err: err}
	if err != nil {
		return out
	}
	if err := sdb.Err(); err != nil {
		c.t.Fatalf("state: %v", err)
	}
	out.logs = slices.Clone(sdb.Logs())
	if err := c.bs.Apply(sdb.Finalise()); err != nil {
		c.t.Fatal(err)
	}
	c.index++
	c.all.Merge(c.index, frag)
	var b bal.Builder
	b.Merge(1, frag)
	out.bal = b.Build()
	return out
}

// msg returns a dynamic-fee message from sender with the next nonce.
func (c *txChain) msg(from, to types.Address, value, gas uint64, data []byte) Message {
	m := Message{Type: types.DynamicFeeTxType, From: from, To: to, GasLimit: gas, Data: data, Nonce: c.account(from).Nonce}
	m.Value.SetUint64(value)
	m.GasFeeCap.SetUint64(amsFeeCap)
	m.GasTipCap.SetUint64(amsTip)
	m.GasPrice.SetUint64(min(amsFeeCap, amsBaseFee+amsTip))
	return m
}

// create returns a creation message from sender.
func (c *txChain) create(from types.Address, value, gas uint64, initcode []byte) Message {
	m := c.msg(from, types.Address{}, value, gas, initcode)
	m.IsCreate = true
	return m
}

// account returns addr's account after the transactions so far (the empty
// account when it does not exist).
func (c *txChain) account(addr types.Address) types.Account {
	c.t.Helper()
	a, ok, err := c.bs.Account(addr)
	if err != nil {
		c.t.Fatal(err)
	}
	if !ok {
		return types.NewEmptyAccount()
	}
	return a
}

// storage returns a slot of addr after the transactions so far.
func (c *txChain) storage(addr types.Address, slot uint64) uint256.Int {
	c.t.Helper()
	v, err := c.bs.Storage(addr, u256(slot))
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

func (c *txChain) exists(addr types.Address) bool {
	_, ok, err := c.bs.Account(addr)
	if err != nil {
		c.t.Fatal(err)
	}
	return ok
}

// entry returns addr's entry in l, nil when addr is absent.
func entry(l *bal.BlockAccessList, addr types.Address) *bal.AccountAccess {
	for i := range l.Accounts {
		if l.Accounts[i].Address == addr {
			return &l.Accounts[i]
		}
	}
	return nil
}

// emptyEntry reports whether e records an access and nothing else.
func emptyEntry(e *bal.AccountAccess) bool {
	return e != nil && len(e.StorageChanges) == 0 && len(e.StorageReads) == 0 &&
		len(e.BalanceChanges) == 0 && len(e.NonceChanges) == 0 && len(e.CodeChanges) == 0
}

// wantPresent and wantAbsent check the presence of addresses in a
// transaction's fragment.
func wantPresent(t *testing.T, l *bal.BlockAccessList, what string, addrs ...types.Address) {
	t.Helper()
	for _, a := range addrs {
		if entry(l, a) == nil {
			t.Errorf("%s: %v absent from the access list, want present", what, a)
		}
	}
}

func wantAbsent(t *testing.T, l *bal.BlockAccessList, what string, addrs ...types.Address) {
	t.Helper()
	for _, a := range addrs {
		if entry(l, a) != nil {
			t.Errorf("%s: %v present in the access list, want absent", what, a)
		}
	}
}

// hasRead and hasWrite report whether slot of e is a storage read or write.
func hasRead(e *bal.AccountAccess, slot uint64) bool {
	if e == nil {
		return false
	}
	for _, r := range e.StorageReads {
		if r.Eq(uint256.NewInt(slot)) {
			return true
		}
	}
	return false
}

func hasWrite(e *bal.AccountAccess, slot uint64) bool {
	if e == nil {
		return false
	}
	for _, w := range e.StorageChanges {
		if w.Slot.Eq(uint256.NewInt(slot)) {
			return true
		}
	}
	return false
}
