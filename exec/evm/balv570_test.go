package evm

import (
	"errors"
	"testing"

	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The tests-bal@v5.7.0 revisions (EIP-8037, EIP-7954, EIP-7708 as that
// release has them, without EIP-8038, EIP-2780, EIP-8246 and EIP-8282). The
// expected numbers are those of the release's fixtures (their receipts and
// header gas), at its block gas limit of 120,000,000, where a state byte
// costs 1174: a new account 131,488, a new slot 37,568, a delegation
// indicator 27,002.

const balV570GasLimit = 120_000_000

// rulesBalV570 returns the Amsterdam rules of the tests-bal@v5.7.0 profile.
func rulesBalV570() Rules {
	r := RulesFor(1, Amsterdam)
	r.EIP8038, r.EIP2780, r.EIP8246, r.EIP8282 = false, false, false, false
	r.EIP8037Rev, r.EIP7954Rev, r.EIP7708Rev = RevBalV570, RevBalV570, RevBalV570
	return r
}

func newBalV570Chain(t *testing.T, alloc testAlloc) *txChain {
	t.Helper()
	block := amsBlock()
	block.GasLimit = balV570GasLimit
	vm, err := NewEVM(block, rulesBalV570(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	return &txChain{t: t, bs: state.NewBlockState(alloc.memory()), vm: vm, gp: NewGasPool(balV570GasLimit)}
}

func TestStateBytePrice(t *testing.T) {
	for _, c := range []struct{ gasLimit, want uint64 }{
		{30_000, 1}, {36_000_000, 150}, {60_000_000, 662}, {100_000_000, 1174},
		{120_000_000, 1174}, {150_000_000, 1686}, {200_000_000, 2198},
		{300_000_000, 3222}, {600_000_000, 6806}, {1<<64 - 1, 0},
	} {
		got := StateBytePrice(c.gasLimit)
		if c.want == 0 { // no overflow, and a price that keeps growing
			if got <= StateBytePrice(600_000_000) {
				t.Errorf("StateBytePrice(%d) = %d", c.gasLimit, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("StateBytePrice(%d) = %d, want %d", c.gasLimit, got, c.want)
		}
	}
	c := costsFor(new(rulesBalV570()), balV570GasLimit)
	if c.newAccount != 131_488 || c.newSlot != 37_568 || c.delegation != 27_002 || c.systemReservoir != 0 {
		t.Errorf("state gas %d/%d/%d, system reservoir %d", c.newAccount, c.newSlot, c.delegation, c.systemReservoir)
	}
	geth := RulesFor(1, Amsterdam)
	if c := costsFor(&geth, balV570GasLimit); c.newAccount != StateGasNewAccount || c.systemReservoir != SystemCallStateGas {
		t.Errorf("go-ethereum's state gas depends on the gas limit: %+v", c)
	}
}

func TestBurnLogTopic(t *testing.T) {
	if h := types.Keccak256One([]byte("Burn(address,uint256)")); h != BurnLogTopic {
		t.Errorf("BurnLogTopic %s, want %s", BurnLogTopic, h)
	}
	if h := types.Keccak256One([]byte("Transfer(address,address,uint256)")); h != TransferLogTopic {
		t.Errorf("TransferLogTopic %s, want %s", TransferLogTopic, h)
	}
}

func TestBalV570Rules(t *testing.T) {
	r := rulesBalV570()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.MaxCodeSize() != 32768 || r.MaxInitCodeSize() != 65536 {
		t.Errorf("code limits %d/%d", r.MaxCodeSize(), r.MaxInitCodeSize())
	}
	if tbl := r.sharedTable(); tbl == nil || tbl == &tables[Amsterdam] || tbl[opCREATE].constGas != 9000 || tbl[opDUPN].exec == nil {
		t.Error("tests-bal@v5.7.0 Amsterdam table")
	}
	for _, bad := range []func(r *Rules){
		func(r *Rules) { r.EIP8038 = true },                        // with EIP-8038
		func(r *Rules) { r.EIP2780 = true },                        // with EIP-2780
		func(r *Rules) { r.EIP8037Rev = numRevisions },             // unknown revision
		func(r *Rules) { r.EIP8037Rev = RevGeth },                  // go-ethereum's 8037 without 8038
		func(r *Rules) { r.EIP7954 = false },                       // Amsterdam without one of its EIPs
		func(r *Rules) { r.IsAmsterdam, r.IsOsaka = false, false }, // before Osaka
	} {
		r := rulesBalV570()
		bad(&r)
		if err := r.Validate(); !errors.Is(err, ErrInvalidRules) {
			t.Errorf("%+v: %v, want ErrInvalidRules", r, err)
		}
	}
}

// balV570Tx checks a transaction's receipt gas and its two block dimensions.
func balV570Tx(t *testing.T, out txOut, receipt, execGas, stateGas uint64) {
	t.Helper()
	if out.err != nil {
		t.Fatalf("consensus error: %v", out.err)
	}
	if out.res.UsedGas != receipt || out.res.ExecutionGas != execGas || out.res.StateGas != stateGas {
		t.Errorf("receipt %d, execution %d, state %d; want %d, %d, %d (err %v)",
			out.res.UsedGas, out.res.ExecutionGas, out.res.StateGas, receipt, execGas, stateGas, out.res.Err)
	}
}

// TestBalV570NewAccountTransfer: value to a fresh address costs 21000 and
// no state gas (no EIP-2780 charge), and is logged.
func TestBalV570NewAccountTransfer(t *testing.T) {
	c := newBalV570Chain(t, amsAlloc(nil))
	fresh := types.Address{0x0b, 0x0b}
	out := c.apply(c.msg(amsSender, fresh, 1e9, 100_000, nil))
	balV570Tx(t, out, 21000, 21000, 0)
	if len(out.logs) != 1 || !isTransferLog(out.logs[0], amsSender, fresh, 1e9) {
		t.Errorf("logs %v", out.logs)
	}
}

// TestBalV570CreateEmpty: a creation pays its account in the intrinsic
// state gas (bal_create_transaction_empty_code: receipt 161,488).
func TestBalV570CreateEmpty(t *testing.T) {
	c := newBalV570Chain(t, amsAlloc(nil))
	out := c.apply(c.create(amsSender, 0, 200_000, nil))
	balV570Tx(t, out, 161_488, 30_000, 131_488)
	// Below regular plus state intrinsic gas the transaction is invalid.
	if out := c.apply(c.create(amsSender, 0, 161_487, nil)); !errors.Is(out.err, ErrIntrinsicGas) {
		t.Errorf("below the intrinsic gas: %v", out.err)
	}
}

// TestBalV570HaltRefillsSpill: a top frame that writes a new slot and then
// halts burns its execution gas but gets the state gas that spilled into it
// back (bal_aborted_storage_access[invalid]: 5,000,000 - 37,568).
func TestBalV570HaltRefillsSpill(t *testing.T) {
	code, err := Assemble("PUSH1 1 PUSH0 SSTORE INVALID")
	if err != nil {
		t.Fatal(err)
	}
	target := types.Address{0xaa}
	c := newBalV570Chain(t, amsAlloc(testAlloc{target: {Code: code}}))
	out := c.apply(c.msg(amsSender, target, 0, 5_000_000, nil))
	balV570Tx(t, out, 4_962_432, 4_962_432, 0)
	if !errors.Is(out.res.Err, ErrInvalidOpCode) {
		t.Errorf("top frame error %v", out.res.Err)
	}
	// Under go-ethereum's rules the spill is burnt with the rest.
	g := newTxChain(t, amsAlloc(testAlloc{target: {Code: code}}))
	if out := g.apply(g.msg(amsSender, target, 0, 5_000_000, nil)); out.err != nil || out.res.UsedGas != 5_000_000 {
		t.Errorf("go-ethereum rules: %d, %v", out.res.UsedGas, out.err)
	}
}

// TestBalV570SstoreRestore: 0 to x to 0 refills the new slot's state gas to
// the reservoir and refunds 2800 of its 2900 execution gas.
func TestBalV570SstoreRestore(t *testing.T) {
	code, err := Assemble("PUSH1 1 PUSH0 SSTORE PUSH0 PUSH0 SSTORE STOP")
	if err != nil {
		t.Fatal(err)
	}
	target := types.Address{0xaa}
	c := newBalV570Chain(t, amsAlloc(testAlloc{target: {Code: code}}))
	// 21000 + 3 pushes and a PUSH0 (3+2+2+2) + cold set (2100+2900) + dirty
	// (100) = 26109 before the refund of 2800 (at most a fifth).
	out := c.apply(c.msg(amsSender, target, 0, 100_000, nil))
	balV570Tx(t, out, 26_109-2800, 26_109, 0)
}

// TestBalV570SelfDestructRefund: a creation that self-destructs to itself
// burns its endowment with a Burn log, and gets the state gas of its account
// back, so the block's state dimension counts nothing for it.
func TestBalV570SelfDestructRefund(t *testing.T) {
	initcode, err := Assemble("ADDRESS SELFDESTRUCT")
	if err != nil {
		t.Fatal(err)
	}
	c := newBalV570Chain(t, amsAlloc(nil))
	out := c.apply(c.create(amsSender, 100, 300_000, initcode))
	if out.err != nil || out.res.Failed() {
		t.Fatalf("%v %v", out.err, out.res.Err)
	}
	created := types.CreateAddress(amsSender, 0)
	// 21000 + 9000 + 2 bytes of data (32) + one initcode word (2) + ADDRESS 2
	// + SELFDESTRUCT 5000.
	const regular = 21000 + 9000 + 32 + 2 + 2 + 5000
	balV570Tx(t, out, regular, regular, 0)
	if len(out.logs) != 2 || !isTransferLog(out.logs[0], amsSender, created, 100) ||
		out.logs[1].Topics[0] != BurnLogTopic || types.Address(out.logs[1].Topics[1][12:]) != created {
		t.Errorf("logs %v", out.logs)
	}
	if c.exists(created) {
		t.Error("the self-destructed contract survived")
	}
}

// TestBalV570AuthorityCredit: an authorization for an existing authority
// credits its account's state gas to the reservoir; the block's state
// dimension still counts the whole intrinsic state gas.
func TestBalV570AuthorityCredit(t *testing.T) {
	key := authKey(0x51)
	authority := keyAddress(key)
	c := newBalV570Chain(t, amsAlloc(testAlloc{authority: {Balance: *uint256.NewInt(1)}}))
	m := c.msg(amsSender, amsBob, 0, 300_000, nil)
	m.Type = types.SetCodeTxType
	m.AuthList = []types.Authorization{signAuth(t, key, 1, types.Address{0xde}, 0)}
	// Regular 21000 + 7500; state 131488 + 27002, of which 131488 comes
	// back: the receipt is 28500 + 27002.
	balV570Tx(t, c.apply(m), 55_502, 28_500, 158_490)
}

// TestBalV570CreateCharge: CREATE charges its account's state gas before its
// pre-check and refunds it when the pre-check fails (value above the
// balance), so nothing remains.
func TestBalV570CreateCharge(t *testing.T) {
	code, err := Assemble("PUSH0 PUSH0 PUSH1 1 CREATE STOP")
	if err != nil {
		t.Fatal(err)
	}
	target := types.Address{0xaa}
	c := newBalV570Chain(t, amsAlloc(testAlloc{target: {Code: code}}))
	// 21000 + PUSH0 PUSH0 PUSH1 (7) + CREATE 9000: the creation does not
	// start, its state gas comes back.
	out := c.apply(c.msg(amsSender, target, 0, 300_000, nil))
	balV570Tx(t, out, 30_007, 30_007, 0)
	// With too little gas for the state charge the frame halts.
	if out := c.apply(c.msg(amsSender, target, 0, 30_007+131_487, nil)); out.err != nil || !errors.Is(out.res.Err, ErrOutOfGas) {
		t.Errorf("state charge unaffordable: %v %v", out.err, out.res.Err)
	}
}

// TestGasUnrecordedSpill: the tests-bal@v5.7.0 reservoir model returns
// spilled state gas to the reservoir on a refill and on a failure.
func TestGasUnrecordedSpill(t *testing.T) {
	g := NewGas(1000, 100)
	g.unrecordedSpill = true
	if !g.Charge(GasCost{Exec: 10, State: 300}) || g.Exec != 790 || g.State != 0 || g.Spilled != 0 || g.UsedState != 300 {
		t.Fatalf("charge: %+v", g)
	}
	child := g.Forward(500)
	if !child.Charge(GasCost{State: 50}) || child.Exec != 450 || !child.unrecordedSpill {
		t.Fatalf("child charge: %+v", child)
	}
	if left := child.exitRevert(); left.Exec != 450 || left.State != 50 {
		t.Errorf("revert: %+v, want the spill back in the reservoir", left)
	}
	if left := child.exitHalt(); left.Exec != 0 || left.State != 50 {
		t.Errorf("halt: %+v", left)
	}
	g.RefundState(300)
	if g.State != 300 || g.Exec != 290 || g.UsedState != 0 {
		t.Errorf("refill: %+v, want it in the reservoir", g)
	}
	// go-ethereum's model repays the spill first.
	h := NewGas(1000, 100)
	h.Charge(GasCost{State: 300})
	h.RefundState(300)
	if h.State != 100 || h.Exec != 1000 {
		t.Errorf("go-ethereum refill: %+v", h)
	}
}
