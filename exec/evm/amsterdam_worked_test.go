package evm

import (
	"bytes"
	"errors"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The worked examples of EIP-7928 (section 8 of the digest), produced with
// go-ethereum v1.17.10, at transaction level: receipts, the block's gas
// (two dimensions), balances, logs and each transaction's access-list
// entries.

// wantGas checks a transaction's receipt gas and the pool's sums.
func wantGas(t *testing.T, c *txChain, out txOut, receipt, blockUsed, cumulative uint64) {
	t.Helper()
	if out.err != nil {
		t.Fatalf("consensus error: %v", out.err)
	}
	if out.res.UsedGas != receipt {
		t.Errorf("receipt gas %d, want %d", out.res.UsedGas, receipt)
	}
	if got := c.gp.Used(); got != blockUsed {
		t.Errorf("block gas used %d, want %d", got, blockUsed)
	}
	if got := c.gp.CumulativeUsed(); got != cumulative {
		t.Errorf("cumulative receipt gas %d, want %d", got, cumulative)
	}
}

// wantBalanceChanges checks the balance entries of addr in l.
func wantBalanceChanges(t *testing.T, l *bal.BlockAccessList, addr types.Address, want ...uint64) {
	t.Helper()
	e := entry(l, addr)
	if e == nil {
		t.Fatalf("%v absent", addr)
	}
	if len(e.BalanceChanges) != len(want) {
		t.Fatalf("%v: %d balance changes, want %d", addr, len(e.BalanceChanges), len(want))
	}
	for i, w := range want {
		if got := e.BalanceChanges[i].Balance; !got.Eq(uint256.NewInt(w)) {
			t.Errorf("%v: balance change %d = %v, want %d", addr, i, &got, w)
		}
	}
}

// isTransferLog reports whether l is the EIP-7708 log of amount from from
// to to.
func isTransferLog(l types.Log, from, to types.Address, amount uint64) bool {
	want := TransferLog(from, to, uint256.NewInt(amount))
	return l.Address == want.Address && len(l.Topics) == 3 && l.Topics[0] == want.Topics[0] &&
		l.Topics[1] == want.Topics[1] && l.Topics[2] == want.Topics[2] && bytes.Equal(l.Data, want.Data)
}

func TestWorkedTransfer(t *testing.T) {
	c := newTxChain(t, amsAlloc(nil))
	out := c.apply(c.msg(amsSender, amsBob, 1000, 21000, nil))
	wantGas(t, c, out, 21000, 21000, 21000)
	if out.res.Failed() || len(out.logs) != 1 || !isTransferLog(out.logs[0], amsSender, amsBob, 1000) {
		t.Fatalf("status %v, logs %+v: want success with one transfer log", out.res.Err, out.logs)
	}
	// The sender paid 21000 gas at 1.875 gwei and the value.
	const senderPost = 999960624999999000
	if got := c.account(amsSender).Balance; !got.Eq(uint256.NewInt(senderPost)) {
		t.Errorf("sender balance %v, want %d", &got, uint64(senderPost))
	}
	wantBalanceChanges(t, out.bal, amsBob, 1001)
	wantBalanceChanges(t, out.bal, amsCoinbase, 21000*gwei)
	wantBalanceChanges(t, out.bal, amsSender, senderPost)
	if e := entry(out.bal, amsSender); len(e.NonceChanges) != 1 || e.NonceChanges[0].Nonce != 1 {
		t.Errorf("sender nonce changes %+v, want [1]", e.NonceChanges)
	}
	if len(out.bal.Accounts) != 3 {
		t.Errorf("%d accounts in the fragment, want 3 (sender, recipient, coinbase)", len(out.bal.Accounts))
	}
	// The fragment's encoding of the recipient and the coinbase, as in
	// go-ethereum's block access list.
	enc := out.bal.EncodeRLP()
	for _, want := range []string{
		"df94000000000000000000000000000000000000b0b0c0c0c5c4018203e9c0c0",
		"e394000000000000000000000000000000000000cb00c0c0c9c801861319718a5000c0c0",
		"e89471562b71999873db5b286df957af199ec94617f7c0c0cbca01880de092e3f280a618c3c20101c0",
	} {
		if !bytes.Contains(enc, mustHex(want)) {
			t.Errorf("encoding %x lacks %s", enc, want)
		}
	}
}

func TestWorkedCounter(t *testing.T) {
	c := newTxChain(t, amsAlloc(nil))
	first := c.apply(c.msg(amsSender, amsCounter, 0, 200000, nil))
	wantGas(t, c, first, 29317, 29317, 29317)
	second := c.apply(c.msg(amsSender, amsCounter, 0, 200000, nil))
	wantGas(t, c, second, 29317, 58634, 58634)
	// Intrinsic 15000 (base and cold recipient), execution 14317: SLOAD
	// cold, SSTORE warm first change, SLOAD cold of slot 1.
	if second.res.ExecutionGas != 29317 || second.res.StateGas != 0 {
		t.Errorf("dimensions %d/%d, want 29317/0", second.res.ExecutionGas, second.res.StateGas)
	}
	if got := c.storage(amsCounter, 0); got.Uint64() != 7 {
		t.Errorf("counter %d, want 7", got.Uint64())
	}
	l := c.all.Build()
	e := entry(l, amsCounter)
	if e == nil || len(e.StorageChanges) != 1 || len(e.StorageChanges[0].Writes) != 2 ||
		e.StorageChanges[0].Writes[0] != (bal.StorageWrite{Index: 1, Value: u256(6)}) ||
		e.StorageChanges[0].Writes[1] != (bal.StorageWrite{Index: 2, Value: u256(7)}) ||
		len(e.StorageReads) != 1 || !e.StorageReads[0].Eq(uint256.NewInt(1)) {
		t.Fatalf("counter entry %+v", e)
	}
	if enc := l.EncodeRLP(); !bytes.Contains(enc, mustHex("e494000000000000000000000000000000000000c0dec9c880c6c20106c20207c101c0c0c0")) {
		t.Errorf("counter encoding missing from %x", enc)
	}
	wantBalanceChanges(t, l, amsCoinbase, 29317*gwei, 58634*gwei)
}

func TestWorkedCreate(t *testing.T) {
	c := newTxChain(t, amsAlloc(nil))
	initcode := mustHex("6000600053" + "6001" + "6000" + "f3") // return the one byte 0x00
	out := c.apply(c.create(amsSender, 0, 500000, initcode))
	// Receipt = execution 24150 + state 185130 (a new account and one code
	// byte); the header counts the larger dimension.
	wantGas(t, c, out, 209280, 185130, 209280)
	if out.res.StateGas != 185130 || out.res.MaxUsedGas-out.res.StateGas != 24150 {
		t.Errorf("state %d, execution before the floor %d, want 185130 and 24150", out.res.StateGas, out.res.MaxUsedGas-out.res.StateGas)
	}
	// The block's execution dimension is raised to the calldata floor:
	// 24000 (EIP-2780 creation base) + 10 bytes at 64 gas.
	if out.res.FloorDataGas != 24640 || out.res.ExecutionGas != 24640 {
		t.Errorf("floor %d, execution gas %d, want 24640", out.res.FloorDataGas, out.res.ExecutionGas)
	}
	addr := out.res.ContractAddress
	if addr != types.CreateAddress(amsSender, 0) || addr[0] != 0x3a || addr[1] != 0x22 || addr[19] != 0x6a {
		t.Errorf("contract address %v", addr)
	}
	e := entry(out.bal, addr)
	if e == nil || len(e.BalanceChanges) != 0 || len(e.NonceChanges) != 1 || e.NonceChanges[0].Nonce != 1 ||
		len(e.CodeChanges) != 1 || !bytes.Equal(e.CodeChanges[0].Code, []byte{0}) {
		t.Fatalf("contract entry %+v", e)
	}
}

func TestWorkedNewAccountTransfers(t *testing.T) {
	fresh := types.Address{0xfe, 0x5e}
	c := newTxChain(t, amsAlloc(nil))
	first := c.apply(c.msg(amsSender, fresh, 1, 204600, nil))
	wantGas(t, c, first, 204600, 183600, 204600)
	if first.res.Failed() || first.res.StateGas != StateGasNewAccount || first.res.ExecutionGas != 21000 {
		t.Errorf("first: err %v, dimensions %d/%d", first.res.Err, first.res.ExecutionGas, first.res.StateGas)
	}
	second := c.apply(c.msg(amsSender, fresh, 1, 204600, nil))
	wantGas(t, c, second, 21000, 183600, 225600)
	if got := c.account(fresh).Balance; got.Uint64() != 2 {
		t.Errorf("balance %d, want 2", got.Uint64())
	}
}

func TestWorkedNewAccountTransferOutOfGas(t *testing.T) {
	fresh := types.Address{0xfe, 0x5e}
	c := newTxChain(t, amsAlloc(nil))
	out := c.apply(c.msg(amsSender, fresh, 1, 21000, nil))
	wantGas(t, c, out, 21000, 21000, 21000)
	if !errors.Is(out.res.Err, ErrOutOfGas) || len(out.logs) != 0 {
		t.Errorf("err %v, %d logs: want out of gas and no log", out.res.Err, len(out.logs))
	}
	if !emptyEntry(entry(out.bal, fresh)) {
		t.Errorf("fresh address entry %+v, want present and empty", entry(out.bal, fresh))
	}
	if c.exists(fresh) {
		t.Error("the value moved")
	}
	if got := c.account(amsSender).Nonce; got != 1 {
		t.Errorf("sender nonce %d, want 1", got)
	}
}

func TestWorkedZeroTipZeroValue(t *testing.T) {
	c := newTxChain(t, amsAlloc(nil))
	msg := c.msg(amsSender, amsBob, 0, 100000, nil)
	msg.GasTipCap.Clear()
	msg.GasPrice.SetUint64(amsBaseFee)
	out := c.apply(msg)
	wantGas(t, c, out, 15000, 15000, 15000)
	if len(out.logs) != 0 {
		t.Errorf("%d logs, want none", len(out.logs))
	}
	for _, a := range []types.Address{amsBob, amsCoinbase} {
		if !emptyEntry(entry(out.bal, a)) {
			t.Errorf("%v entry %+v, want present and empty", a, entry(out.bal, a))
		}
	}
}

func TestWorkedStorageClearRefund(t *testing.T) {
	clearer := types.Address{18: 0xc1, 19: 0xea}
	c := newTxChain(t, amsAlloc(testAlloc{
		clearer: {Code: mustHex("600060005500"), Storage: map[uint256.Int]uint256.Int{{}: u256(5)}},
	}))
	out := c.apply(c.msg(amsSender, clearer, 0, 100000, nil))
	// 15000 + 3 + 3 + 2100 + 10000 before the refund; the refund (11616)
	// is capped at a fifth.
	wantGas(t, c, out, 21685, 27106, 21685)
	if out.res.ExecutionGas != 27106 || out.res.RefundedGas != 5421 {
		t.Errorf("execution gas %d, refund %d, want 27106 and 5421", out.res.ExecutionGas, out.res.RefundedGas)
	}
	if enc := out.bal.EncodeRLP(); !bytes.Contains(enc, mustHex("c580c3c20180")) {
		t.Errorf("slot 0 -> [[1, 0]] missing from %x", enc)
	}
}
