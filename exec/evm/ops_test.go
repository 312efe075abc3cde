package evm

import (
	"fmt"
	"testing"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// runWord runs code (which must leave one word at memory 0..32 and return
// it) and returns the word.
func runWord(t *testing.T, fork Fork, code string, setup func(evm *EVM, s *memState)) uint256.Int {
	t.Helper()
	state := newMemState()
	evm := newTestEVM(t, fork, state)
	if setup != nil {
		setup(evm, state)
	}
	r := callContract(t, evm, state, asm(t, code+" PUSH0 MSTORE PUSH1 32 PUSH0 RETURN"), nil, 1_000_000)
	if r.err != nil {
		t.Fatalf("%s: %v", code, r.err)
	}
	var v uint256.Int
	v.SetBytes(r.ret)
	return v
}

func TestClz(t *testing.T) {
	for _, c := range []struct {
		x    string
		want uint64
	}{
		{"0", 256}, {"1", 255}, {"0x80", 248}, {"0xffffffffffffffff", 192},
		{"0x8000000000000000000000000000000000000000000000000000000000000000", 0},
		{"0x4000000000000000000000000000000000000000000000000000000000000000", 1},
	} {
		if got := runWord(t, Osaka, "PUSH32 "+c.x+" CLZ", nil); got.Uint64() != c.want {
			t.Errorf("CLZ(%s) = %d, want %d", c.x, got.Uint64(), c.want)
		}
	}
}

func TestEnvironmentOpcodes(t *testing.T) {
	blob := types.Hash{0: 1, 31: 0x42}
	setup := func(evm *EVM, s *memState) {
		evm.Tx = TxContext{Origin: types.Address{0x0e}, BlobHashes: []types.Hash{{0: 1}, blob}}
		evm.Tx.GasPrice.SetUint64(99)
		evm.Block.PrevRandao = types.Hash{31: 0x55}
		evm.Block.BlobBaseFee.SetUint64(17)
	}
	b := testBlock()
	for _, c := range []struct {
		code string
		want uint256.Int
	}{
		{"CHAINID", u256(1)},
		{"BASEFEE", b.BaseFee},
		{"BLOBBASEFEE", u256(17)},
		{"NUMBER", u256(b.Number)},
		{"TIMESTAMP", u256(b.Time)},
		{"GASLIMIT", u256(b.GasLimit)},
		{"GASPRICE", u256(99)},
		{"PREVRANDAO", u256(0x55)},
		{"PUSH1 1 BLOBHASH", *new(uint256.Int).SetBytes(blob[:])},
		{"PUSH1 2 BLOBHASH", u256(0)},
		{"PUSH9 0x010000000000000001 BLOBHASH", u256(0)},
		{"ORIGIN", *new(uint256.Int).Lsh(uint256.NewInt(0x0e), 152)},
		{"COINBASE", *new(uint256.Int).SetBytes(addrCoinbase[:])},
		{"CALLER", *new(uint256.Int).SetBytes(addrCaller[:])},
		{"ADDRESS", *new(uint256.Int).SetBytes(addrContract[:])},
		// CODESIZE, PUSH0, MSTORE, PUSH1 32, PUSH0, RETURN: 7 bytes.
		{"CODESIZE", u256(7)},
		{"PUSH1 7 PUSH1 0x3f SIGNEXTEND", u256(7)},
		{"PUSH1 0xff PUSH0 SIGNEXTEND", *new(uint256.Int).SetAllOne()},
		{"PUSH1 0x80 PUSH1 1 SAR", u256(0x40)},
		{"PUSH32 0x8000000000000000000000000000000000000000000000000000000000000000 PUSH2 300 SAR", *new(uint256.Int).SetAllOne()},
		{"PUSH1 2 PUSH1 10 EXP", u256(100)},
		{"PUSH1 3 PUSH1 10 PUSH1 9 ADDMOD", u256(1)},
		{"PUSH0 PUSH1 10 PUSH1 9 MULMOD", u256(0)},
		{"PUSH1 0xab PUSH1 31 BYTE", u256(0xab)},
	} {
		if got := runWord(t, Cancun, c.code, setup); got != c.want {
			t.Errorf("%s = %v, want %v", c.code, &got, &c.want)
		}
	}
}

func TestBlockhashRange(t *testing.T) {
	b := testBlock() // number 1000
	for _, n := range []uint64{0, 743, 744, 999, 1000, 1001} {
		got := runWord(t, Cancun, fmt.Sprintf("PUSH2 %d BLOCKHASH", n), nil)
		var want uint256.Int
		if n >= 744 && n < 1000 {
			h := b.GetHash(n)
			want.SetBytes(h[:])
		}
		if got != want {
			t.Errorf("BLOCKHASH(%d) = %v, want %v", n, &got, &want)
		}
	}
}

func TestSelfdestructRules(t *testing.T) {
	beneficiary := types.Address{0xbe}
	for _, c := range []struct {
		name      string
		fork      Fork
		newInTx   bool
		toSelf    bool
		destroyed bool
		benGets   uint64
		selfLeft  uint64
	}{
		{"shanghai-existing", Shanghai, false, false, true, 100, 0},
		{"shanghai-to-self", Shanghai, false, true, true, 0, 0},
		{"cancun-existing", Cancun, false, false, false, 100, 0},
		{"cancun-existing-to-self", Cancun, false, true, false, 0, 100},
		{"cancun-new", Cancun, true, false, true, 100, 0},
		{"cancun-new-to-self", Cancun, true, true, true, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			state := newMemState()
			evm := newTestEVM(t, c.fork, state)
			target := beneficiary
			if c.toSelf {
				target = addrContract
			}
			code := asm(t, fmt.Sprintf("PUSH20 0x%x SELFDESTRUCT", target[:]))
			state.put(addrContract, 1, 100, code, nil)
			if c.newInTx {
				state.CreateContract(addrContract)
			}
			r := callContract(t, evm, state, nil, nil, 100_000)
			if r.err != nil {
				t.Fatal(r.err)
			}
			want := uint64(3 + 5000 + 2600 + 25000) // cold, empty beneficiary
			if c.toSelf {
				want = 3 + 5000 // warm (itself), not empty
			}
			if r.used != want {
				t.Errorf("gas used %d, want %d", r.used, want)
			}
			if got := state.HasSelfDestructed(addrContract); got != c.destroyed {
				t.Errorf("destroyed %v, want %v", got, c.destroyed)
			}
			if b := state.GetBalance(beneficiary); b.Uint64() != c.benGets {
				t.Errorf("beneficiary got %v, want %d", &b, c.benGets)
			}
			if b := state.GetBalance(addrContract); b.Uint64() != c.selfLeft {
				t.Errorf("contract left with %v, want %d", &b, c.selfLeft)
			}
			if state.GetRefund() != 0 {
				t.Error("SELFDESTRUCT refunds nothing since London")
			}
		})
	}
}

func TestReturnDataBounds(t *testing.T) {
	// The callee returns 4 bytes; copying past them fails the frame, a
	// zero-length copy at the end does not.
	state := newMemState()
	evm := newTestEVM(t, Cancun, state)
	state.put(addrOther, 1, 0, asm(t, "PUSH4 0xaabbccdd PUSH0 MSTORE PUSH1 4 PUSH1 28 RETURN"), nil)
	call := fmt.Sprintf("PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 0x%x GAS STATICCALL POP ", addrOther[:])
	for _, c := range []struct {
		copy string
		ok   bool
	}{
		{"PUSH1 4 PUSH0 PUSH0 RETURNDATACOPY", true},
		{"PUSH0 PUSH1 4 PUSH0 RETURNDATACOPY", true},
		{"PUSH1 1 PUSH1 4 PUSH0 RETURNDATACOPY", false},
		{"PUSH1 5 PUSH0 PUSH0 RETURNDATACOPY", false},
		{"PUSH0 PUSH1 5 PUSH0 RETURNDATACOPY", false},
		{"PUSH0 PUSH9 0x010000000000000000 PUSH0 RETURNDATACOPY", false},
	} {
		state.accounts[addrContract] = nil
		delete(state.accounts, addrContract)
		r := callContract(t, evm, state, asm(t, call+c.copy+" STOP"), nil, 100_000)
		if (r.err == nil) != c.ok {
			t.Errorf("%s: err %v, want ok=%v", c.copy, r.err, c.ok)
		}
	}
}

func TestJumpdestAnalysis(t *testing.T) {
	// 0x5b inside PUSH data is not a destination.
	code := []byte{opPUSH1 + 1, opJUMPDEST, opJUMPDEST, opJUMPDEST, opPUSH32}
	d := AnalyzeJumpDests(code)
	for pc, want := range []bool{false, false, false, true, false, false} {
		if got := d.Valid(uint64(pc)); got != want {
			t.Errorf("pc %d: valid %v, want %v", pc, got, want)
		}
	}
	if d.Valid(1 << 40) {
		t.Error("far pc valid")
	}
	// The shared cache returns the same analysis for the same hash.
	c := NewSharedAnalysisCache(128)
	h := types.Keccak256One(code)
	a1 := c.JumpDests(h, code)
	a2 := c.JumpDests(h, code)
	if &a1[0] != &a2[0] || c.Len() != 1 {
		t.Error("analysis not cached")
	}
	// A full shard is emptied rather than growing without bound.
	small := NewSharedAnalysisCache(analysisShards)
	for i := range 1000 {
		small.JumpDests(types.Hash{0: 0, 1: byte(i), 2: byte(i >> 8)}, code)
	}
	if small.Len() > analysisShards {
		t.Errorf("cache grew to %d entries", small.Len())
	}
}
