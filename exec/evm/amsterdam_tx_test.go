package evm

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/holiman/uint256"
)

// Transaction-level rules of Amsterdam: EIP-8037's budget, caps and block
// pool, EIP-2780's intrinsic gas and runtime charges, the EIP-7976/7981
// floor, EIP-7708 logs, EIP-8246, and the new opcodes.

// amsSenderKey is the key of amsSender (go-ethereum's test key).
var amsSenderKey = secp256k1.PrivKeyFromBytes(mustHex("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"))

func authKey(b byte) *secp256k1.PrivateKey {
	return secp256k1.PrivKeyFromBytes(bytes.Repeat([]byte{b}, 32))
}

// wantTx checks a transaction's receipt gas and its two dimensions.
func wantTx(t *testing.T, out txOut, receipt, execGas, stateGas uint64) {
	t.Helper()
	if out.err != nil {
		t.Fatalf("consensus error: %v", out.err)
	}
	if out.res.UsedGas != receipt || out.res.ExecutionGas != execGas || out.res.StateGas != stateGas {
		t.Errorf("receipt %d, execution %d, state %d; want %d, %d, %d (err %v)",
			out.res.UsedGas, out.res.ExecutionGas, out.res.StateGas, receipt, execGas, stateGas, out.res.Err)
	}
}

func TestAmsterdamRules(t *testing.T) {
	if err := signAuthCheck(); err != nil {
		t.Fatal(err)
	}
	r := RulesFor(1, Amsterdam)
	if err := r.Validate(); err != nil || r.Fork() != Amsterdam || r.sharedTable() == nil {
		t.Fatalf("Amsterdam rules: %v, fork %v", err, r.Fork())
	}
	if r.MaxCodeSize() != 65536 || r.MaxInitCodeSize() != 131072 {
		t.Errorf("code limits %d/%d", r.MaxCodeSize(), r.MaxInitCodeSize())
	}
	osaka := RulesFor(1, Osaka)
	if r.Precompiles() != osaka.Precompiles() {
		t.Error("Amsterdam does not use Osaka's precompiles")
	}
	for _, bad := range []func(r *Rules){
		func(r *Rules) { r.EIP7708 = false },                                         // Amsterdam without one of its EIPs
		func(r *Rules) { r.IsOsaka = false },                                         // Amsterdam without Osaka
		func(r *Rules) { r.IsAmsterdam, r.EIP8038 = false, false },                   // 8037 without 8038
		func(r *Rules) { r.IsAmsterdam, r.EIP8037, r.EIP8038 = false, false, false }, // 2780 without 8037
	} {
		r := RulesFor(1, Amsterdam)
		bad(&r)
		if err := r.Validate(); !errors.Is(err, ErrInvalidRules) {
			t.Errorf("%+v: %v, want ErrInvalidRules", r, err)
		}
	}
	// Osaka with single Amsterdam EIPs runs on a private table: SLOTNUM is
	// defined, DUPN is not, and the table was validated.
	mix := RulesFor(1, Osaka)
	mix.EIP7843, mix.EIP7928 = true, true
	if err := mix.Validate(); err != nil || mix.sharedTable() != nil {
		t.Fatalf("mix: %v", err)
	}
	evm, err := NewEVM(testBlock(), mix, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if evm.table == &tables[Osaka] || evm.table[opSLOTNUM].constGas != gasQuick || evm.table[opDUPN].minStack != 0 {
		t.Error("private table not built")
	}
	// Before Osaka the Amsterdam EIPs are refused.
	early := RulesFor(1, Prague)
	early.EIP7708 = true
	if err := early.Validate(); !errors.Is(err, ErrInvalidRules) {
		t.Errorf("Prague with EIP-7708: %v", err)
	}
}

// signAuthCheck checks that amsSenderKey is amsSender's key.
func signAuthCheck() error {
	if got := keyAddress(amsSenderKey); got != amsSender {
		return fmt.Errorf("sender key gives %v", got)
	}
	return nil
}

func TestTransferLogTopic(t *testing.T) {
	if h := types.Keccak256One([]byte("Transfer(address,address,uint256)")); h != TransferLogTopic {
		t.Fatalf("topic %v, want %v", TransferLogTopic, h)
	}
}

func TestAmsterdamTxGasCaps(t *testing.T) {
	t.Run("reservoir above the cap", func(t *testing.T) {
		c := newTxChain(t, amsAlloc(nil))
		wantTx(t, c.apply(c.msg(amsSender, amsBob, 1, MaxTxGas+5_000_000, nil)), 21000, 21000, 0)
	})
	t.Run("total cap", func(t *testing.T) {
		c := newTxChain(t, amsAlloc(nil))
		if out := c.apply(c.msg(amsSender, amsBob, 1, MaxTxTotalGas+1, nil)); !errors.Is(out.err, ErrGasLimitTooHigh) {
			t.Errorf("above the total cap: %v", out.err)
		}
		// At the cap the transaction is valid, but does not fit a block of
		// 60M in the state dimension.
		if out := c.apply(c.msg(amsSender, amsBob, 1, MaxTxTotalGas, nil)); !errors.Is(out.err, ErrGasLimitReached) {
			t.Errorf("at the total cap: %v", out.err)
		}
	})
	t.Run("execution reservation capped", func(t *testing.T) {
		// After a transfer, the execution dimension of a 17M block has
		// 16,979,000 left: room for a capped reservation (2^24) but not
		// for the whole gas limit, which the state dimension takes.
		c := newTxChain(t, amsAlloc(nil))
		c.gp = NewGasPool(17_000_000)
		wantTx(t, c.apply(c.msg(amsSender, amsBob, 1, 21000, nil)), 21000, 21000, 0)
		wantTx(t, c.apply(c.msg(amsSender, amsBob, 1, 16_990_000, nil)), 21000, 21000, 0)
		if out := c.apply(c.msg(amsSender, amsBob, 1, 17_000_001, nil)); !errors.Is(out.err, ErrGasLimitReached) {
			t.Errorf("state dimension full: %v", out.err)
		}
	})
	t.Run("Osaka cap", func(t *testing.T) {
		c := newTxChainRules(t, amsAlloc(nil), RulesFor(1, Osaka))
		if out := c.apply(c.msg(amsSender, amsBob, 1, MaxTxGas+1, nil)); !errors.Is(out.err, ErrGasLimitTooHigh) {
			t.Errorf("Osaka above the cap: %v", out.err)
		}
	})
	t.Run("intrinsic above the execution cap", func(t *testing.T) {
		c := newTxChain(t, amsAlloc(nil))
		msg := c.msg(amsSender, amsSender, 0, 25_000_000, nil)
		msg.AccessList = make(types.AccessList, 5000) // 5000 x (2900 + 1280) > 2^24
		for i := range msg.AccessList {
			msg.AccessList[i].Address = types.Address{0xa1, byte(i >> 8), byte(i)}
		}
		if out := c.apply(msg); !errors.Is(out.err, ErrFloorDataGas) {
			t.Errorf("got %v, want ErrFloorDataGas", out.err)
		}
	})
	t.Run("floor above the execution cap", func(t *testing.T) {
		c := newTxChain(t, amsAlloc(nil))
		data := make([]byte, 300_000) // floor 12000 + 64 x 300000 > 2^24
		msg := c.msg(amsSender, amsSender, 0, 0, data)
		floor, err := c.vm.rules.FloorDataGas(&msg)
		if err != nil || floor != 12000+64*300_000 {
			t.Fatalf("floor %d %v", floor, err)
		}
		msg.GasLimit = floor + 1_000_000
		if out := c.apply(msg); !errors.Is(out.err, ErrFloorDataGas) {
			t.Errorf("got %v, want ErrFloorDataGas", out.err)
		}
	})
}

// TestAmsterdamReservoir: state growth beyond the execution cap needs a gas
// limit above MaxTxGas, whose excess is the reservoir; without it the state
// gas spills into the capped execution gas and runs out.
func TestAmsterdamReservoir(t *testing.T) {
	var src strings.Builder
	for i := range 200 {
		fmt.Fprintf(&src, "PUSH1 1 PUSH2 %d SSTORE ", i)
	}
	store := types.Address{0x5e, 0x70}
	alloc := amsAlloc(testAlloc{store: {Code: asm(t, src.String()+"STOP")}})
	const exec = 15000 + 200*(3+3+2100+10000)
	const stateGas = 200 * StateGasNewSlot

	c := newTxChain(t, alloc)
	out := c.apply(c.msg(amsSender, store, 0, MaxTxGas+20_000_000, nil))
	wantTx(t, out, exec+stateGas, exec, stateGas)
	if out.res.Failed() || c.gp.Used() != stateGas {
		t.Errorf("err %v, block gas %d", out.res.Err, c.gp.Used())
	}

	c = newTxChain(t, alloc)
	out = c.apply(c.msg(amsSender, store, 0, MaxTxGas, nil))
	wantTx(t, out, MaxTxGas, MaxTxGas, 0)
	if !errors.Is(out.res.Err, ErrOutOfGas) {
		t.Errorf("without a reservoir: %v, want out of gas", out.res.Err)
	}
}

func TestGasPoolAmsterdam(t *testing.T) {
	gp := NewGasPool(1000)
	if err := gp.CheckGasAmsterdam(1000, 1000); err != nil {
		t.Fatal(err)
	}
	if err := gp.ChargeGasAmsterdam(600, 300, 700); err != nil {
		t.Fatal(err)
	}
	if gp.Used() != 600 || gp.CumulativeUsed() != 700 || gp.CumulativeExecution() != 600 || gp.CumulativeState() != 300 {
		t.Errorf("used %d, receipts %d, dimensions %d/%d", gp.Used(), gp.CumulativeUsed(), gp.CumulativeExecution(), gp.CumulativeState())
	}
	for _, c := range []struct{ exec, state uint64 }{{401, 0}, {0, 701}} {
		if err := gp.CheckGasAmsterdam(c.exec, c.state); !errors.Is(err, ErrGasLimitReached) {
			t.Errorf("check %v: %v", c, err)
		}
	}
	if err := gp.CheckGasAmsterdam(400, 700); err != nil {
		t.Errorf("check at the edge: %v", err)
	}
	// The block holds max(execution, state), not their sum.
	if err := gp.ChargeGasAmsterdam(400, 700, 1100); err != nil {
		t.Errorf("charge to the limit: %v", err)
	}
	if gp.Used() != 1000 || gp.CumulativeUsed() != 1800 {
		t.Errorf("used %d, receipts %d", gp.Used(), gp.CumulativeUsed())
	}
	if err := gp.ChargeGasAmsterdam(0, 1, 1); !errors.Is(err, ErrGasLimitReached) || gp.CumulativeState() != 1000 {
		t.Errorf("overflow: %v, state %d", err, gp.CumulativeState())
	}
}

func TestSystemCallReservoir(t *testing.T) {
	code := func(n int) []byte {
		var src strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&src, "PUSH1 1 PUSH1 %d SSTORE ", i)
		}
		return asm(t, src.String()+"GAS PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")
	}
	sys := types.Address{0x5e, 0x55}
	for _, c := range []struct {
		fork  Fork
		slots int
		want  uint64
	}{
		{Amsterdam, 16, SystemCallGas - 16*12106 - 2},                   // the reservoir pays
		{Amsterdam, 17, SystemCallGas - 17*12106 - StateGasNewSlot - 2}, // the 17th spills
		{Osaka, 16, SystemCallGas - 16*(6+22100) - 2},
	} {
		s := newMemState()
		s.put(sys, 1, 0, code(c.slots), nil)
		evm := newTestEVM(t, c.fork, s)
		ret, err := evm.SystemCall(sys, nil)
		if err != nil || returnedWord(ret) != c.want {
			t.Errorf("%v, %d slots: gas left %d (%v), want %d", c.fork, c.slots, returnedWord(ret), err, c.want)
		}
	}
}

func TestEIP2780IntrinsicGas(t *testing.T) {
	rules := RulesFor(1, Amsterdam)
	other := types.Address{0x07}
	one := *uint256.NewInt(1)
	for _, c := range []struct {
		name string
		msg  Message
		want uint64
	}{
		{"value to another account", Message{From: amsSender, To: other, Value: one}, 21000},
		{"no value", Message{From: amsSender, To: other}, 15000},
		{"to itself with value", Message{From: amsSender, To: amsSender, Value: one}, 12000},
		{"to itself", Message{From: amsSender, To: amsSender}, 12000},
		{"creation", Message{From: amsSender, IsCreate: true, Value: one}, 24000},
		{"creation with initcode", Message{From: amsSender, IsCreate: true, Data: []byte{1, 0, 1}}, 24000 + 16 + 4 + 16 + 2},
		{"authorization", Message{From: amsSender, To: other, AuthList: make([]types.Authorization, 2)}, 15000 + 2*7816},
		{"access list", Message{From: amsSender, To: other, AccessList: types.AccessList{{Address: other, StorageKeys: []types.Hash{{}}}}},
			15000 + 2900 + 1280 + 2000 + 2048},
	} {
		got, err := rules.IntrinsicGas(&c.msg)
		if err != nil || got != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, got, err, c.want)
		}
	}
	// Before Amsterdam: 21000, calldata, one authorization, one address and
	// one key in the access list.
	osaka := RulesFor(1, Osaka)
	msg := Message{From: amsSender, To: other, Data: []byte{0, 1}, AuthList: make([]types.Authorization, 1),
		AccessList: types.AccessList{{Address: other, StorageKeys: []types.Hash{{}}}}}
	const want = 21000 + 4 + 16 + 25000 + 2400 + 1900
	if got, err := osaka.IntrinsicGas(&msg); err != nil || got != want {
		t.Errorf("Osaka: %d %v, want %d", got, err, want)
	}
}

func TestEIP7976FloorDataGas(t *testing.T) {
	rules := RulesFor(1, Amsterdam)
	other := types.Address{0x07}
	for _, c := range []struct {
		name string
		msg  Message
		want uint64
	}{
		{"non-zero bytes", Message{From: amsSender, To: other, Data: bytes.Repeat([]byte{1}, 100)}, 15000 + 100*64},
		{"zero bytes cost the same", Message{From: amsSender, To: other, Data: make([]byte, 100)}, 15000 + 100*64},
		{"access list tokens (EIP-7981)", Message{From: amsSender, To: other, AccessList: types.AccessList{{Address: other, StorageKeys: []types.Hash{{}}}}},
			15000 + 16*(80+128)},
		{"creation base", Message{From: amsSender, IsCreate: true, Data: []byte{1}}, 24000 + 64},
	} {
		got, err := rules.FloorDataGas(&c.msg)
		if err != nil || got != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, got, err, c.want)
		}
	}
	// The floor binds a transaction whose data costs less in intrinsic gas.
	c := newTxChain(t, amsAlloc(nil))
	data := bytes.Repeat([]byte{1}, 100)
	if out := c.apply(c.msg(amsSender, amsBob, 0, 15000+6400-1, data)); !errors.Is(out.err, ErrFloorDataGas) {
		t.Errorf("below the floor: %v", out.err)
	}
	wantTx(t, c.apply(c.msg(amsSender, amsBob, 0, 100_000, data)), 21400, 21400, 0)
}

func TestEIP2780Authorizations(t *testing.T) {
	delegate := types.Address{0xde, 0x1e}
	keyA := authKey(0x0a)
	authA := keyAddress(keyA)
	designator := AppendDelegation(nil, delegate)
	auth := func(key *secp256k1.PrivateKey, target types.Address, nonce uint64) types.Authorization {
		return signAuth(t, key, 1, target, nonce)
	}
	setCode := func(c *txChain, to types.Address, value uint64, auths ...types.Authorization) Message {
		m := c.msg(amsSender, to, value, 1_000_000, nil)
		m.Type = types.SetCodeTxType
		m.AuthList = auths
		return m
	}
	const base = 12000 + 7816 // to itself, one authorization
	for _, c := range []struct {
		name         string
		pre          testAlloc
		to           func() types.Address
		value        uint64
		auths        func() []types.Authorization
		exec, state  uint64
		wantDelegate bool
	}{
		{"new authority", nil, nil, 0, func() []types.Authorization { return []types.Authorization{auth(keyA, delegate, 0)} },
			base + 9000, StateGasNewAccount + StateGasDelegation, true},
		{"existing authority: no refund, indicator only", testAlloc{authA: {Balance: u256(1)}}, nil, 0,
			func() []types.Authorization { return []types.Authorization{auth(keyA, delegate, 0)} },
			base + 9000, StateGasDelegation, true},
		{"already delegated: nothing new", testAlloc{authA: {Code: AppendDelegation(nil, types.Address{0xab})}}, nil, 0,
			func() []types.Authorization { return []types.Authorization{auth(keyA, delegate, 0)} },
			base + 9000, 0, true},
		{"clear on a new authority", nil, nil, 0, func() []types.Authorization { return []types.Authorization{auth(keyA, types.Address{}, 0)} },
			base + 9000, StateGasNewAccount, false},
		{"set then clear: indicator kept", nil, nil, 0,
			func() []types.Authorization {
				return []types.Authorization{auth(keyA, delegate, 0), auth(keyA, types.Address{}, 1)}
			},
			base + 7816 + 9000, StateGasNewAccount + StateGasDelegation, false},
		{"set, clear, set: charged once", nil, nil, 0, func() []types.Authorization {
			return []types.Authorization{auth(keyA, types.Address{0x99}, 0), auth(keyA, types.Address{}, 1), auth(keyA, delegate, 2)}
		}, base + 2*7816 + 9000, StateGasNewAccount + StateGasDelegation, true},
		{"the same authority twice", nil, nil, 0,
			func() []types.Authorization {
				return []types.Authorization{auth(keyA, delegate, 0), auth(keyA, delegate, 1)}
			},
			base + 7816 + 9000, StateGasNewAccount + StateGasDelegation, true},
		{"invalid: nothing", nil, nil, 0, func() []types.Authorization { return []types.Authorization{signAuth(t, keyA, 7, delegate, 0)} },
			base, 0, false},
		// The sender's write was paid by the base cost; calling itself then
		// resolves its new delegation (3000, cold).
		{"the sender", nil, nil, 0, func() []types.Authorization { return []types.Authorization{auth(amsSenderKey, delegate, 1)} },
			base + 3000, StateGasDelegation, false},
		// A recipient receiving value had its write paid by the value cost.
		{"the recipient with value", nil, func() types.Address { return authA }, 1,
			func() []types.Authorization { return []types.Authorization{auth(keyA, delegate, 0)} },
			12000 + 3000 + 6000 + 7816 + 3000, StateGasNewAccount + StateGasDelegation, true},
		{"the recipient without value", nil, func() types.Address { return authA }, 0,
			func() []types.Authorization { return []types.Authorization{auth(keyA, delegate, 0)} },
			12000 + 3000 + 7816 + 9000 + 3000, StateGasNewAccount + StateGasDelegation, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := newTxChain(t, amsAlloc(c.pre))
			to := amsSender
			if c.to != nil {
				to = c.to()
			}
			out := ch.apply(setCode(ch, to, c.value, c.auths()...))
			wantTx(t, out, c.exec+c.state, c.exec, c.state)
			if out.res.Failed() || out.res.RefundedGas != 0 {
				t.Errorf("err %v, refund %d", out.res.Err, out.res.RefundedGas)
			}
			if c.wantDelegate {
				code, _ := ch.bs.Code(authA, ch.account(authA).CodeHash)
				if !bytes.Equal(code, designator) {
					t.Errorf("authority code %x, want %x", code, designator)
				}
			}
		})
	}
	t.Run("out of gas", func(t *testing.T) {
		ch := newTxChain(t, amsAlloc(nil))
		msg := setCode(ch, amsSender, 0, auth(keyA, delegate, 0))
		msg.GasLimit = base
		out := ch.apply(msg)
		wantTx(t, out, base, base, 0)
		if !errors.Is(out.res.Err, ErrOutOfGas) || ch.exists(authA) || ch.account(amsSender).Nonce != 1 {
			t.Errorf("err %v, authority exists %v, sender nonce %d", out.res.Err, ch.exists(authA), ch.account(amsSender).Nonce)
		}
	})
}

// A delegated recipient of a transaction costs its target's access before
// the first frame: cold 3000, or warm 100 when the access list names it.
func TestEIP2780DelegatedRecipient(t *testing.T) {
	target := types.Address{0x7a}
	deleg := types.Address{0xd1}
	alloc := amsAlloc(testAlloc{deleg: {Code: AppendDelegation(nil, target)}, target: {Code: []byte{0x00}}})
	c := newTxChain(t, alloc)
	wantTx(t, c.apply(c.msg(amsSender, deleg, 0, 100_000, nil)), 18000, 18000, 0)
	msg := c.msg(amsSender, deleg, 0, 100_000, nil)
	msg.AccessList = types.AccessList{{Address: target}}
	wantTx(t, c.apply(msg), 15000+2900+1280+100, 15000+2900+1280+100, 0)
}

// TestAmsterdamTopFrameFailure: a top frame that fails refills the new
// account it was charged for, and a halted one burns the execution gas
// that refill repaid.
func TestAmsterdamTopFrameFailure(t *testing.T) {
	bn254Add := types.Address{19: 6}
	bad := bytes.Repeat([]byte{0xff}, 64) // not a curve point: the precompile fails
	c := newTxChain(t, amsAlloc(nil))
	out := c.apply(c.msg(amsSender, bn254Add, 1, 300_000, bad))
	wantTx(t, out, 300_000, 300_000, 0)
	if out.res.Err == nil || c.exists(bn254Add) {
		t.Errorf("err %v, precompile exists %v", out.res.Err, c.exists(bn254Add))
	}
	// A creation whose initcode reverts: refilled, the rest returned. It
	// used 24000 + 3*16 + 2*4 + 2 (intrinsic) + 6, below the calldata floor
	// of 24000 + 5*64.
	out = c.apply(c.create(amsSender, 0, 300_000, initRevert))
	wantTx(t, out, 24000+5*64, 24000+5*64, 0)
	if out.res.MaxUsedGas != 24000+5*64 || out.res.Err != ErrExecutionReverted {
		t.Errorf("reverted creation: max used %d, err %v", out.res.MaxUsedGas, out.res.Err)
	}
	// One whose initcode halts: refilled, and everything burnt.
	out = c.apply(c.create(amsSender, 0, 300_000, initInvalid))
	wantTx(t, out, 300_000, 300_000, 0)
}
