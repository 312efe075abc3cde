package evm

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The EIP-7928 rules decided inside a transaction: which addresses and
// slots a transaction's block-access-list fragment holds, given where its
// execution stops. The EVM decides them by making go-ethereum's state
// accesses in go-ethereum's order, each after the gas charge that guards
// it. Every case checks presence and absence.

var (
	balProbe  = types.Address{0x9b, 0x0e}       // the contract the transaction calls
	balTarget = types.Address{0x7a, 0x46, 0xe7} // an address the probe names
)

// balRun deploys code at balProbe (with balance and extra accounts) and
// calls it with exec gas beyond the intrinsic 15000.
func balRun(t *testing.T, code string, balance uint64, extra testAlloc, exec uint64) txOut {
	t.Helper()
	alloc := testAlloc{balProbe: {Nonce: 1, Balance: u256(balance), Code: asm(t, code)}}
	for a, acct := range extra {
		alloc[a] = acct
	}
	c := newTxChain(t, amsAlloc(alloc))
	out := c.apply(c.msg(amsSender, balProbe, 0, 15000+exec, nil))
	if out.err != nil {
		t.Fatalf("consensus error: %v", out.err)
	}
	return out
}

// edge runs code with exactly need execution gas and with one less, and
// checks that addr is in the fragment with need and absent with one less.
func edge(t *testing.T, what, code string, balance uint64, extra testAlloc, need uint64, addr types.Address) {
	t.Helper()
	short := balRun(t, code, balance, extra, need-1)
	if !errors.Is(short.res.Err, ErrOutOfGas) {
		t.Errorf("%s: one gas short: %v, want out of gas", what, short.res.Err)
	}
	wantAbsent(t, short.bal, what+", one gas short", addr)
	wantPresent(t, short.bal, what+", one gas short", balProbe, amsSender, amsCoinbase)
	enough := balRun(t, code, balance, extra, need)
	wantPresent(t, enough.bal, what, addr)
}

func hexAddr(a types.Address) string { return fmt.Sprintf("0x%x", a[:]) }

func TestBALCallTargets(t *testing.T) {
	tgt := hexAddr(balTarget)
	bob := testAlloc{balTarget: {Balance: u256(1)}}
	// Each call: its pushes, the constant warm 100, then the cold access.
	edge(t, "CALL cold", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 "+tgt+" PUSH0 CALL STOP", 0, nil, 15+100+2900, balTarget)
	edge(t, "CALLCODE cold", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 "+tgt+" PUSH0 CALLCODE STOP", 0, nil, 15+100+2900, balTarget)
	edge(t, "DELEGATECALL cold", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 "+tgt+" PUSH0 DELEGATECALL STOP", 0, nil, 13+100+2900, balTarget)
	edge(t, "STATICCALL cold", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 "+tgt+" PUSH0 STATICCALL STOP", 0, nil, 13+100+2900, balTarget)
	// The value charge comes before the target is read; the balance check
	// after: with no balance to send, the target is still recorded.
	edge(t, "CALL value", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 "+tgt+" PUSH0 CALL STOP", 0, bob, 16+100+2900+11300, balTarget)
	edge(t, "CALLCODE value", "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 "+tgt+" PUSH0 CALLCODE STOP", 0, bob, 16+100+2900+11300, balTarget)
	// So does the memory expansion (4096 bytes of input: 416).
	edge(t, "CALL memory", "PUSH0 PUSH0 PUSH2 0x1000 PUSH0 PUSH0 PUSH20 "+tgt+" PUSH0 CALL STOP", 0, nil, 16+100+2900+416, balTarget)

	// A call that fails its balance check still recorded its target.
	out := balRun(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 "+tgt+" PUSH0 CALL PUSH0 MSTORE STOP", 0, bob, 100_000)
	if out.res.Err != nil || !emptyEntry(entry(out.bal, balTarget)) {
		t.Errorf("failed call: %v, target %+v", out.res.Err, entry(out.bal, balTarget))
	}
	// A call into a frame that reverts, and a reverted caller, keep it too.
	out = balRun(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 "+tgt+" GAS CALL PUSH0 PUSH0 REVERT", 0,
		testAlloc{balTarget: {Code: asm(t, "PUSH1 1 PUSH0 SSTORE PUSH0 PUSH0 REVERT")}}, 200_000)
	if out.res.Err != ErrExecutionReverted || entry(out.bal, balTarget) == nil || !hasRead(entry(out.bal, balTarget), 0) {
		t.Errorf("reverted: %v, target %+v", out.res.Err, entry(out.bal, balTarget))
	}
}

func TestBALDelegationTarget(t *testing.T) {
	deleg := types.Address{0xde, 0x1e}
	next := types.Address{0x0e, 0x87}
	extra := testAlloc{
		deleg:     {Code: AppendDelegation(nil, balTarget)},
		balTarget: {Code: AppendDelegation(nil, next)}, // a second hop, never followed
	}
	code := "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 " + hexAddr(deleg) + " PUSH0 CALL STOP"
	// The delegation's access (3000 cold) is charged before its target is
	// loaded; the delegated account itself was read to find it.
	short := balRun(t, code, 0, extra, 15+100+2900+3000-1)
	wantPresent(t, short.bal, "delegation short", deleg)
	wantAbsent(t, short.bal, "delegation short", balTarget, next)
	enough := balRun(t, code, 0, extra, 15+100+2900+3000)
	wantPresent(t, enough.bal, "delegation", deleg, balTarget)
	wantAbsent(t, enough.bal, "delegation (one hop)", next)
	// Loaded before the balance check of a call with value.
	out := balRun(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 1 PUSH20 "+hexAddr(deleg)+" PUSH0 CALL STOP", 0, extra, 100_000)
	wantPresent(t, out.bal, "delegation, failed value call", deleg, balTarget)
	// EXTCODE* see the designator and never load the target.
	out = balRun(t, "PUSH20 "+hexAddr(deleg)+" EXTCODESIZE PUSH20 "+hexAddr(deleg)+" EXTCODEHASH STOP", 0, extra, 100_000)
	wantPresent(t, out.bal, "EXTCODESIZE of a delegated account", deleg)
	wantAbsent(t, out.bal, "EXTCODESIZE of a delegated account", balTarget)
}

func TestBALPrecompiles(t *testing.T) {
	sha := types.Address{19: 2}
	ident := types.Address{19: 4}
	// Called: recorded. Warm from the start but not called: absent.
	out := balRun(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 2 GAS STATICCALL STOP", 0, nil, 100_000)
	wantPresent(t, out.bal, "called precompile", sha)
	wantAbsent(t, out.bal, "warm precompiles", ident, types.Address{19: 1}, types.Address{19: 0x0a})
	// A call to a precompile that runs out of gas before its charges is not
	// recorded: memory expansion (416) after the warm 100.
	edge(t, "precompile memory", "PUSH0 PUSH0 PUSH2 0x1000 PUSH0 PUSH1 4 PUSH0 STATICCALL STOP", 0, nil, 14+100+416, ident)
	// Value to a precompile: a balance entry.
	out = balRun(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 3 PUSH1 4 GAS CALL STOP", 10, nil, 300_000)
	if e := entry(out.bal, ident); e == nil || len(e.BalanceChanges) != 1 {
		t.Errorf("precompile with value: %+v", e)
	}
}

func TestBALCreateTargets(t *testing.T) {
	created := types.CreateAddress(balProbe, 1)
	created2 := types.CreateAddress2(balProbe, types.Hash{}, types.Keccak256One(nil))
	// The creation's pre-check (here the balance for the value) runs before
	// the target is read.
	for _, c := range []struct {
		name, code string
		target     types.Address
	}{
		{"CREATE", "PUSH0 PUSH0 PUSH1 1 CREATE STOP", created},
		{"CREATE2", "PUSH0 PUSH0 PUSH0 PUSH1 1 CREATE2 STOP", created2},
	} {
		out := balRun(t, c.code, 0, nil, 300_000)
		if out.res.Err != nil {
			t.Fatal(out.res.Err)
		}
		wantAbsent(t, out.bal, c.name+" failing its pre-check", c.target)
		out = balRun(t, c.code, 5, nil, 300_000)
		if e := entry(out.bal, c.target); e == nil || len(e.NonceChanges) != 1 || len(e.BalanceChanges) != 1 {
			t.Errorf("%s: target %+v", c.name, e)
		}
	}
	// The target is read (Empty) before the new account's state gas: an
	// out-of-gas there leaves it present and empty.
	out := balRun(t, "PUSH0 PUSH0 PUSH0 CREATE STOP", 0, nil, 6+12000+StateGasNewAccount-1)
	if !errors.Is(out.res.Err, ErrOutOfGas) || !emptyEntry(entry(out.bal, created)) {
		t.Errorf("state-gas OOG: %v, target %+v", out.res.Err, entry(out.bal, created))
	}
	// A collision is recorded, with no change.
	out = balRun(t, "PUSH0 PUSH0 PUSH0 CREATE STOP", 0, testAlloc{created: {Nonce: 1}}, 300_000)
	if !emptyEntry(entry(out.bal, created)) {
		t.Errorf("collision: target %+v", entry(out.bal, created))
	}
	// So is a creation whose initcode reverts.
	out = balRun(t, "PUSH5 0x60006000fd PUSH0 MSTORE PUSH1 5 PUSH1 27 PUSH0 CREATE STOP", 0, nil, 300_000)
	if !emptyEntry(entry(out.bal, created)) {
		t.Errorf("reverted initcode: target %+v", entry(out.bal, created))
	}
}

func TestBALSelfdestructBeneficiary(t *testing.T) {
	edge(t, "SELFDESTRUCT cold", "PUSH20 "+hexAddr(balTarget)+" SELFDESTRUCT", 0, nil, 3+5000+3000, balTarget)
}

func TestBALAccountReads(t *testing.T) {
	tgt := hexAddr(balTarget)
	// The target does not exist: it is recorded all the same, once the cold
	// surcharge is paid.
	edge(t, "BALANCE", "PUSH20 "+tgt+" BALANCE STOP", 0, nil, 3+100+2900, balTarget)
	edge(t, "EXTCODEHASH", "PUSH20 "+tgt+" EXTCODEHASH STOP", 0, nil, 3+100+2900, balTarget)
	edge(t, "EXTCODESIZE", "PUSH20 "+tgt+" EXTCODESIZE STOP", 0, nil, 3+100+3000, balTarget)
	edge(t, "EXTCODECOPY", "PUSH0 PUSH0 PUSH0 PUSH20 "+tgt+" EXTCODECOPY STOP", 0, nil, 9+100+3000, balTarget)
}

func TestBALStorageReads(t *testing.T) {
	slot7 := "PUSH1 1 PUSH1 7 SSTORE"
	// A write that reverts is a read.
	out := balRun(t, slot7+" PUSH0 PUSH0 REVERT", 0, nil, 200_000)
	if e := entry(out.bal, balProbe); !hasRead(e, 7) || hasWrite(e, 7) {
		t.Errorf("reverted write: %+v", e)
	}
	// Past the sentry and the access cost the slot is read, even if the
	// write then runs out of gas.
	out = balRun(t, slot7, 0, nil, 6+2301)
	if e := entry(out.bal, balProbe); !errors.Is(out.res.Err, ErrOutOfGas) || !hasRead(e, 7) {
		t.Errorf("write out of gas: %v, %+v", out.res.Err, e)
	}
	// At the sentry it is not.
	out = balRun(t, slot7, 0, nil, 6+2300)
	if e := entry(out.bal, balProbe); !errors.Is(out.res.Err, ErrOutOfGas) || hasRead(e, 7) || e == nil {
		t.Errorf("at the sentry: %v, %+v", out.res.Err, e)
	}
	// A callee's write undone by its caller's revert stays a read.
	callee := types.Address{0xca, 0x11}
	out = balRun(t, "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 "+hexAddr(callee)+" GAS CALL PUSH0 PUSH0 REVERT", 0,
		testAlloc{callee: {Code: asm(t, "PUSH1 1 PUSH1 3 SSTORE STOP")}}, 200_000)
	if e := entry(out.bal, callee); !hasRead(e, 3) || hasWrite(e, 3) {
		t.Errorf("parent revert: %+v", e)
	}
	// Writes that change nothing over the transaction are reads: the same
	// value, or there and back.
	pre := map[uint256.Int]uint256.Int{{}: u256(5)}
	for _, code := range []string{"PUSH1 5 PUSH0 SSTORE STOP", "PUSH1 6 PUSH0 SSTORE PUSH1 5 PUSH0 SSTORE STOP"} {
		c := newTxChain(t, amsAlloc(testAlloc{balProbe: {Code: asm(t, code), Storage: pre}}))
		out := c.apply(c.msg(amsSender, balProbe, 0, 100_000, nil))
		if e := entry(out.bal, balProbe); out.res.Err != nil || !hasRead(e, 0) || hasWrite(e, 0) {
			t.Errorf("%q: %v, %+v", code, out.res.Err, e)
		}
	}
	// An SLOAD is a read; a changed value a write, not a read.
	out = balRun(t, "PUSH1 9 SLOAD POP PUSH1 1 PUSH1 8 SSTORE STOP", 0, nil, 200_000)
	if e := entry(out.bal, balProbe); !hasRead(e, 9) || !hasWrite(e, 8) || hasRead(e, 8) {
		t.Errorf("read and write: %+v", e)
	}
}

func TestBALAuthorities(t *testing.T) {
	target := types.Address{0x7a}
	keyWrongChain, keyBadNonce, keyOK, keyCode := authKey(0x21), authKey(0x22), authKey(0x23), authKey(0x24)
	c := newTxChain(t, amsAlloc(testAlloc{keyAddress(keyCode): {Code: []byte{0x60}}}))
	msg := c.msg(amsSender, amsSender, 0, 2_000_000, nil)
	msg.Type = types.SetCodeTxType
	msg.AuthList = []types.Authorization{
		signAuth(t, keyWrongChain, 5, target, 0),
		signAuth(t, keyBadNonce, 1, target, 5),
		signAuth(t, keyOK, 1, target, 0),
		signAuth(t, keyCode, 1, target, 0),
	}
	out := c.apply(msg)
	if out.err != nil || out.res.Err != nil {
		t.Fatal(out.err, out.res.Err)
	}
	// Rejected before the authority is loaded: absent.
	wantAbsent(t, out.bal, "wrong chain id", keyAddress(keyWrongChain))
	// Rejected after: present, with nothing.
	for _, k := range []types.Address{keyAddress(keyBadNonce), keyAddress(keyCode)} {
		if !emptyEntry(entry(out.bal, k)) {
			t.Errorf("rejected authority %v: %+v", k, entry(out.bal, k))
		}
	}
	e := entry(out.bal, keyAddress(keyOK))
	if e == nil || len(e.NonceChanges) != 1 || e.NonceChanges[0].Nonce != 1 || len(e.CodeChanges) != 1 ||
		!bytes.Equal(e.CodeChanges[0].Code, AppendDelegation(nil, target)) {
		t.Errorf("applied authority: %+v", e)
	}
	// The delegation target is not loaded by the authorization.
	wantAbsent(t, out.bal, "delegation target", target)
}

// When an authorization's runtime charge runs out of gas, the transaction
// halts before the recipient is loaded.
func TestBALAuthOutOfGasExcludesRecipient(t *testing.T) {
	key := authKey(0x31)
	c := newTxChain(t, amsAlloc(nil))
	msg := c.msg(amsSender, amsBob, 0, 12000+3000+7816, nil)
	msg.Type = types.SetCodeTxType
	msg.AuthList = []types.Authorization{signAuth(t, key, 1, types.Address{0x7a}, 0)}
	out := c.apply(msg)
	if !errors.Is(out.res.Err, ErrOutOfGas) {
		t.Fatalf("err %v, want out of gas", out.res.Err)
	}
	wantAbsent(t, out.bal, "recipient", amsBob)
	if !emptyEntry(entry(out.bal, keyAddress(key))) {
		t.Errorf("authority %+v, want present and empty", entry(out.bal, keyAddress(key)))
	}
	if e := entry(out.bal, amsSender); e == nil || len(e.NonceChanges) != 1 {
		t.Errorf("sender %+v", e)
	}
}

// A creation transaction reads its target before charging the new
// account: running out of gas there leaves the target present.
func TestBALCreationTxTarget(t *testing.T) {
	c := newTxChain(t, amsAlloc(nil))
	out := c.apply(c.create(amsSender, 0, 24000, nil))
	addr := types.CreateAddress(amsSender, 0)
	if !errors.Is(out.res.Err, ErrOutOfGas) || !emptyEntry(entry(out.bal, addr)) {
		t.Errorf("err %v, target %+v", out.res.Err, entry(out.bal, addr))
	}
	if e := entry(out.bal, amsSender); e == nil || len(e.NonceChanges) != 1 || e.NonceChanges[0].Nonce != 1 {
		t.Errorf("sender %+v: the nonce is bumped", e)
	}
}

func TestBALAccessListNotPromoted(t *testing.T) {
	listed := types.Address{0x11, 0x57}
	c := newTxChain(t, amsAlloc(nil))
	msg := c.msg(amsSender, amsBob, 0, 100_000, nil)
	msg.AccessList = types.AccessList{{Address: listed, StorageKeys: []types.Hash{{31: 1}}}, {Address: amsCounter}}
	out := c.apply(msg)
	wantAbsent(t, out.bal, "access list", listed, amsCounter)
	// The zero-value recipient is present, with no change.
	if !emptyEntry(entry(out.bal, amsBob)) {
		t.Errorf("recipient %+v", entry(out.bal, amsBob))
	}
}
