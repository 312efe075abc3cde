package evm

import (
	"bytes"
	"encoding/binary"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The benchmark contracts live as assembly in bench/contracts at the
// repository root; they are assembled at test time.

func loadContract(tb testing.TB, name string) []byte {
	tb.Helper()
	root, err := testdata.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "bench", "contracts", name+".asm"))
	if err != nil {
		tb.Fatal(err)
	}
	code, err := Assemble(string(src))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return code
}

// word encodes values as consecutive 32-byte calldata words.
func words(vals ...uint64) []byte {
	out := make([]byte, 32*len(vals))
	for i, v := range vals {
		binary.BigEndian.PutUint64(out[32*i+24:], v)
	}
	return out
}

// contractRunner calls one contract repeatedly on a memState.
type contractRunner struct {
	evm   *EVM
	state *memState
	input []byte
}

func newContractRunner(tb testing.TB, code, input []byte) *contractRunner {
	return newContractRunnerFork(tb, Osaka, code, input)
}

func newContractRunnerFork(tb testing.TB, fork Fork, code, input []byte) *contractRunner {
	state := newMemState()
	state.put(addrCaller, 0, 1e18, nil, nil)
	state.put(addrContract, 1, 0, code, nil)
	evm := newTestEVM(tb, fork, state)
	return &contractRunner{evm: evm, state: state, input: input}
}

// run calls the contract with gas and returns the output and the gas used.
// The state's journal is dropped first so that repeated runs do not grow it.
func (r *contractRunner) run(gas uint64) ([]byte, uint64, error) {
	r.state.journal = r.state.journal[:0]
	r.state.dirtyAddr = r.state.dirtyAddr[:0]
	r.state.revisions = r.state.revisions[:0]
	ret, left, err := r.evm.Call(addrCaller, addrContract, r.input, NewGas(gas, 0), &r.evm.zero)
	return ret, gas - left.Exec, err
}

func TestBenchContracts(t *testing.T) {
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	check := func(name string, input []byte, want []byte) {
		t.Helper()
		r := newContractRunner(t, loadContract(t, name), input)
		ret, used, err := r.run(1 << 32)
		if err != nil {
			t.Fatalf("%s: %v (used %d)", name, err, used)
		}
		if !bytes.Equal(ret, want) {
			t.Errorf("%s: returned %x, want %x", name, ret, want)
		}
	}
	word := func(b *big.Int) []byte {
		var v uint256.Int
		v.SetFromBig(new(big.Int).Mod(b, mod))
		w := v.Bytes32()
		return w[:]
	}

	// fib(n) mod 2^256, iteratively and recursively.
	fib := func(n int) *big.Int {
		a, b := big.NewInt(0), big.NewInt(1)
		for range n {
			a, b = b, new(big.Int).Add(a, b)
		}
		return a
	}
	check("fib_iter", words(1000), word(fib(1000)))
	check("fib_rec", words(15), word(fib(15)))

	fact := big.NewInt(1)
	for i := int64(2); i <= 60; i++ {
		fact.Mul(fact, big.NewInt(i))
	}
	check("factorial", words(60, 3), word(fact))

	// The arithmetic loop, mirrored with uint256.
	acc := uint256.NewInt(1)
	var tmp uint256.Int
	for range 1000 {
		acc.Mul(acc, uint256.NewInt(3))
		acc.Add(acc, uint256.NewInt(7))
		acc.And(acc, uint256.NewInt(0xffffffffffffffff))
		acc.Lsh(acc, 5)
		acc.Rsh(acc, 2)
		acc.Xor(acc, uint256.NewInt(0xdeadbeef))
		acc.Sub(acc, uint256.NewInt(1))
		acc.Div(acc, tmp.SetUint64(3))
		acc.Add(acc, uint256.NewInt(11))
	}
	w := acc.Bytes32()
	check("arith_loop", words(1000), w[:])

	h := types.Hash{}
	for range 500 {
		h = types.Keccak256One(h[:])
	}
	check("manyhashes", words(500), h[:])

	// Bubble sort: the LCG sequence, sorted; min and max returned.
	const n = 60
	seq := make([]*big.Int, n)
	x := big.NewInt(12345)
	a := new(big.Int).SetUint64(0x5851f42d4c957f2d)
	for i := range seq {
		x = new(big.Int).Mod(new(big.Int).Add(new(big.Int).Mul(x, a), big.NewInt(11)), mod)
		seq[i] = x
	}
	slices.SortFunc(seq, func(p, q *big.Int) int { return p.Cmp(q) })
	check("bubblesort", words(n), append(word(seq[0]), word(seq[n-1])...))

	check("mstore", words(300), nil)
	check("push", words(300), nil)

	// sstore writes slot i = i+1 for i in 1..n.
	r := newContractRunner(t, loadContract(t, "sstore"), words(50))
	if _, _, err := r.run(1 << 32); err != nil {
		t.Fatal(err)
	}
	for i := uint64(1); i <= 50; i++ {
		if got := r.state.GetState(addrContract, u256(i)); got.Uint64() != i+1 {
			t.Fatalf("sstore: slot %d = %v", i, &got)
		}
	}
}

// ERC-20 selectors and event topics, checked against their signatures.
var (
	selTransfer  = [4]byte{0xa9, 0x05, 0x9c, 0xbb}
	selApprove   = [4]byte{0x09, 0x5e, 0xa7, 0xb3}
	selMint      = [4]byte{0x40, 0xc1, 0x0f, 0x19}
	selBalanceOf = [4]byte{0x70, 0xa0, 0x82, 0x31}
	selTransFrom = [4]byte{0x23, 0xb8, 0x72, 0xdd}
	selTotal     = [4]byte{0x18, 0x16, 0x0d, 0xdd}
	selAllowance = [4]byte{0xdd, 0x62, 0xed, 0x3e}
)

func erc20Call(sel [4]byte, args ...[]byte) []byte {
	out := append([]byte(nil), sel[:]...)
	for _, a := range args {
		out = append(out, make([]byte, 32-len(a))...)
		out = append(out, a...)
	}
	return out
}

func u64Bytes(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func TestERC20Contract(t *testing.T) {
	for sig, sel := range map[string][4]byte{
		"transfer(address,uint256)": selTransfer, "approve(address,uint256)": selApprove,
		"mint(address,uint256)": selMint, "balanceOf(address)": selBalanceOf,
		"transferFrom(address,address,uint256)": selTransFrom, "totalSupply()": selTotal,
		"allowance(address,address)": selAllowance,
	} {
		if h := types.Keccak256One([]byte(sig)); [4]byte(h[:4]) != sel {
			t.Errorf("selector of %s is %x, not %x", sig, h[:4], sel)
		}
	}
	transferTopic := types.Keccak256One([]byte("Transfer(address,address,uint256)"))
	token := types.Address{0x70, 0x4e}
	alice, bob := addrCaller, addrOther
	state := newMemState()
	state.put(alice, 0, 1e18, nil, nil)
	state.put(bob, 0, 1e18, nil, nil)
	state.put(token, 1, 0, loadContract(t, "erc20"), nil)
	evm := newTestEVM(t, Osaka, state)
	nonces := map[types.Address]uint64{}
	call := func(from types.Address, data []byte) ExecutionResult {
		t.Helper()
		evm.Reset(state)
		msg := Message{Type: types.DynamicFeeTxType, From: from, To: token, Nonce: nonces[from], GasLimit: 200_000, Data: data}
		msg.GasPrice.SetUint64(10)
		msg.GasFeeCap.SetUint64(10)
		msg.GasTipCap.SetUint64(1)
		res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
		if err != nil {
			t.Fatal(err)
		}
		nonces[from]++
		state.finalise()
		return res
	}
	ok := func(res ExecutionResult) {
		t.Helper()
		if res.Err != nil || returnedWord(res.ReturnData) != 1 {
			t.Fatalf("call failed: %v %x", res.Err, res.ReturnData)
		}
	}
	view := func(data []byte) uint64 {
		t.Helper()
		res := call(alice, data)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		return returnedWord(res.ReturnData)
	}
	ok(call(alice, erc20Call(selMint, alice[:], u64Bytes(1000))))
	ok(call(alice, erc20Call(selTransfer, bob[:], u64Bytes(300))))
	if res := call(bob, erc20Call(selTransfer, alice[:], u64Bytes(301))); res.Err != ErrExecutionReverted {
		t.Fatalf("overdraft: %v", res.Err)
	}
	ok(call(bob, erc20Call(selApprove, alice[:], u64Bytes(100))))
	state.logs = nil
	evm.Reset(state)
	msg := Message{Type: types.DynamicFeeTxType, From: alice, To: token, Nonce: nonces[alice], GasLimit: 200_000,
		Data: erc20Call(selTransFrom, bob[:], alice[:], u64Bytes(60))}
	msg.GasPrice.SetUint64(10)
	msg.GasFeeCap.SetUint64(10)
	res, err := ApplyMessage(evm, &msg, NewGasPool(30_000_000))
	if err != nil {
		t.Fatal(err)
	}
	ok(res)
	if len(state.logs) != 1 || state.logs[0].Topics[0] != transferTopic ||
		types.BytesToAddress(state.logs[0].Topics[1][:]) != bob || types.BytesToAddress(state.logs[0].Topics[2][:]) != alice {
		t.Fatalf("transferFrom log %+v", state.logs)
	}
	nonces[alice]++
	state.finalise()
	if res := call(alice, erc20Call(selTransFrom, bob[:], alice[:], u64Bytes(41))); res.Err != ErrExecutionReverted {
		t.Fatalf("allowance overdraft: %v", res.Err)
	}
	for _, c := range []struct {
		data []byte
		want uint64
	}{
		{erc20Call(selBalanceOf, alice[:]), 760},
		{erc20Call(selBalanceOf, bob[:]), 240},
		{erc20Call(selTotal), 1000},
		{erc20Call(selAllowance, bob[:], alice[:]), 40},
	} {
		if got := view(c.data); got != c.want {
			t.Errorf("view %x: %d, want %d", c.data[:4], got, c.want)
		}
	}
}

// reportMgas reports the gas throughput of a benchmark.
func reportMgas(b *testing.B, gasPerOp uint64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(gasPerOp)*float64(b.N)/s/1e6, "mgas/s")
	}
}

func BenchmarkContracts(b *testing.B) {
	for _, c := range []struct {
		name  string
		input []byte
	}{
		{"ArithLoop", words(20_000)},
		{"FibIter", words(20_000)},
		{"FibRec", words(20)},
		{"Factorial", words(50, 400)},
		{"BubbleSort", words(100)},
		{"ManyHashes", words(5_000)},
		{"MstoreBench", words(20_000)},
		{"Push", words(10_000)},
	} {
		file := map[string]string{
			"ArithLoop": "arith_loop", "FibIter": "fib_iter", "FibRec": "fib_rec", "Factorial": "factorial",
			"BubbleSort": "bubblesort", "ManyHashes": "manyhashes", "MstoreBench": "mstore", "Push": "push",
		}[c.name]
		b.Run(c.name, func(b *testing.B) {
			r := newContractRunner(b, loadContract(b, file), c.input)
			_, used, err := r.run(1 << 40)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				r.run(1 << 40)
			}
			reportMgas(b, used)
		})
	}
}

func BenchmarkSstore(b *testing.B) {
	// Writes 1000 fresh slots per run on a fresh state.
	code := loadContract(b, "sstore")
	input := words(1000)
	var used uint64
	b.ReportAllocs()
	for b.Loop() {
		r := newContractRunner(b, code, input)
		var err error
		if _, used, err = r.run(1 << 40); err != nil {
			b.Fatal(err)
		}
	}
	reportMgas(b, used)
}

// BenchmarkERC20 runs whole transactions (ApplyMessage on memState) against
// the ERC-20 contract: transfer, approve and mint.
func BenchmarkERC20(b *testing.B) {
	token := types.Address{0x70, 0x4e}
	holders := make([]types.Address, 64)
	for i := range holders {
		holders[i] = types.Address{0xaa, byte(i)}
	}
	for _, fork := range []Fork{Osaka, Amsterdam} {
		for _, kind := range []string{"transfer", "approve", "mint"} {
			benchmarkERC20(b, fork, kind, token, holders)
		}
	}
}

func benchmarkERC20(b *testing.B, fork Fork, kind string, token types.Address, holders []types.Address) {
	b.Run(fork.String()+"/"+kind, func(b *testing.B) {
		state := newMemState()
		state.put(addrCaller, 0, 1e18, nil, nil)
		state.put(token, 1, 0, loadContract(b, "erc20"), nil)
		// Give the caller a large balance of tokens.
		var slot [64]byte
		copy(slot[12:32], addrCaller[:])
		balSlot := types.Keccak256One(slot[:])
		var k uint256.Int
		k.SetBytes32(balSlot[:])
		state.accounts[token].storage[k] = u256(1 << 60)
		state.accounts[token].committed[k] = u256(1 << 60)
		evm := newTestEVM(b, fork, state)
		gp := NewGasPool(1 << 62)
		msg := Message{Type: types.DynamicFeeTxType, From: addrCaller, To: token, GasLimit: 500_000}
		msg.GasPrice.SetUint64(10)
		msg.GasFeeCap.SetUint64(10)
		sel := map[string][4]byte{"transfer": selTransfer, "approve": selApprove, "mint": selMint}[kind]
		datas := make([][]byte, len(holders))
		for i, h := range holders {
			datas[i] = erc20Call(sel, h[:], u64Bytes(uint64(i+1)))
		}
		var gasUsed uint64
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			evm.Reset(state)
			msg.Data = datas[i%len(datas)]
			res, err := ApplyMessage(evm, &msg, gp)
			if err != nil || res.Err != nil {
				b.Fatal(err, res.Err)
			}
			gasUsed += res.UsedGas
			msg.Nonce++
			state.finalise()
			i++
		}
		if s := b.Elapsed().Seconds(); s > 0 {
			b.ReportMetric(float64(gasUsed)/s/1e6, "mgas/s")
		}
	})
}

// BenchmarkDispatch compares the interpreter's inline fast path with plain
// jump-table dispatch (every opcode through its function pointer).
func BenchmarkDispatch(b *testing.B) {
	for _, c := range []struct {
		file  string
		input []byte
	}{
		{"arith_loop", words(20_000)},
		{"fib_iter", words(20_000)},
		{"bubblesort", words(100)},
	} {
		for _, mode := range []string{"fast", "table"} {
			b.Run(c.file+"/"+mode, func(b *testing.B) {
				r := newContractRunner(b, loadContract(b, c.file), c.input)
				r.evm.tableOnly = mode == "table"
				_, used, err := r.run(1 << 40)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					r.run(1 << 40)
				}
				reportMgas(b, used)
			})
		}
	}
}
