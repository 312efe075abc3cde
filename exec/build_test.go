package exec_test

import (
	"bytes"
	"context"
	"errors"
	"github.com/balexec/balexec/chainspec"
	"os"
	"strings"
	"testing"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/holiman/uint256"
)

// The builder's tests run on the hive genesis (Cancun at time 60, Prague
// at 120, Osaka at 180, Amsterdam at 360) with one more funded account, so
// that blocks of several forks can be built on it.

var buildKey = func() *secp256k1.PrivateKey {
	k := types.Keccak256([]byte("exec build test key"))
	return secp256k1.PrivKeyFromBytes(k[:])
}()

func buildSender() types.Address {
	pub := buildKey.PubKey().SerializeUncompressed()
	h := types.Keccak256One(pub[1:])
	var a types.Address
	copy(a[:], h[12:])
	return a
}

// buildChains returns n chains at the hive genesis with the test sender
// funded.
func buildChains(t *testing.T, n int) []*exec.Chain {
	t.Helper()
	f, err := os.Open(testdata.Repo(t, "hivechain-amsterdam/genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := chainspec.ReadGenesis(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var eth uint256.Int
	eth.Mul(uint256.NewInt(1e18), uint256.NewInt(1000))
	g.Alloc[buildSender()] = chainspec.GenesisAccount{Balance: eth}
	h, err := g.Header()
	if err != nil {
		t.Fatal(err)
	}
	var out []*exec.Chain
	for range n {
		c, err := exec.NewChain(g.Config, &h, g.Alloc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// buildTx returns a signed EIP-1559 transaction of the test sender on the
// hive chain (chain id 3503995874084926); to nil is a creation.
func buildTx(t *testing.T, nonce uint64, to *types.Address, value uint64, data []byte, gas uint64) *types.Transaction {
	t.Helper()
	chainID := uint256.NewInt(3503995874084926)
	tx := &types.Transaction{Type: types.DynamicFeeTxType, ChainID: *chainID, Nonce: nonce, Gas: gas, Data: data}
	if to == nil {
		tx.IsCreate = true
	} else {
		tx.To = *to
	}
	tx.GasFeeCap.SetUint64(50e9)
	tx.GasTipCap.SetUint64(1e9)
	tx.Value.SetUint64(value)
	h := tx.SigningHash(chainID)
	sig := ecdsa.SignCompact(buildKey, h[:], false)
	tx.V.SetUint64(uint64(sig[0] - 27))
	tx.R.SetBytes(sig[1:33])
	tx.S.SetBytes(sig[33:65])
	tx.Seal()
	return tx
}

// storeLogInitcode deploys a contract that stores calldata word 1 at the
// slot calldata word 0 names and logs.
func storeLogInitcode(t *testing.T) []byte {
	t.Helper()
	code, err := evm.Assemble(`
		PUSH1 10 PUSH @runtime PUSH0 CODECOPY PUSH1 10 PUSH0 RETURN
runtime: DATA 0x6020355f35555f5fa000 ; PUSH1 32 CALLDATALOAD PUSH0 CALLDATALOAD SSTORE PUSH0 PUSH0 LOG0 STOP
	`)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func word2(a, b uint64) []byte {
	var x, y uint256.Int
	x.SetUint64(a)
	y.SetUint64(b)
	xb, yb := x.Bytes32(), y.Bytes32()
	return append(xb[:], yb[:]...)
}

// TestBuildBlock builds a Prague block and two Amsterdam blocks (transfers,
// one to a new account, a creation, calls writing storage and logging,
// withdrawals), each on the head of a chain, and imports each into that
// chain sequentially and into another with the parallel processor: both
// accept every block, and no Amsterdam block falls back to sequential
// execution.
func TestBuildBlock(t *testing.T) {
	chains := buildChains(t, 2)
	seq, par := chains[0], chains[1]
	par.EnableParallel(2, 0)
	from := buildSender()
	contract := types.CreateAddress(from, 1)
	fresh := types.Address{19: 0x77}
	holder := types.Address{19: 0x66}
	blocks := []struct {
		time uint64
		txs  []*types.Transaction
		ws   []types.Withdrawal
	}{
		{150, []*types.Transaction{ // Prague
			buildTx(t, 0, &holder, 1e15, nil, 30_000),
			buildTx(t, 1, nil, 0, storeLogInitcode(t), 1_000_000),
		}, []types.Withdrawal{{Index: 0, Validator: 1, Address: holder, Amount: 5}}},
		{372, []*types.Transaction{ // Amsterdam
			buildTx(t, 2, &contract, 0, word2(1, 2), 300_000),
			buildTx(t, 3, &fresh, 7, nil, 300_000),
			buildTx(t, 4, &contract, 0, word2(1, 3), 300_000),
			buildTx(t, 5, &contract, 0, word2(9, 9), 300_000),
		}, []types.Withdrawal{{Index: 1, Validator: 2, Address: fresh, Amount: 9}, {Index: 2, Validator: 2, Address: from, Amount: 1}}},
		{384, []*types.Transaction{ // Amsterdam, no withdrawals
			buildTx(t, 6, &fresh, 1, nil, 30_000),
			buildTx(t, 7, &contract, 0, word2(1, 0), 300_000),
		}, nil},
	}
	for i, b := range blocks {
		head := seq.Head().Hash()
		attrs := &exec.BuildAttributes{
			Timestamp: b.time, FeeRecipient: types.Address{19: 0xfe}, PrevRandao: types.Hash{0: byte(i + 1)},
			ParentBeaconRoot: types.Hash{31: byte(i + 1)}, Withdrawals: b.ws, SlotNumber: uint64(i + 1),
			Extra: []byte("build test"),
		}
		built, err := seq.BuildBlock(context.Background(), attrs, b.txs)
		if err != nil {
			t.Fatalf("block %d: %v", i+1, err)
		}
		if seq.Head().Hash() != head {
			t.Fatalf("block %d: building moved the head", i+1)
		}
		// Building again gives the same block, byte for byte.
		again, err := seq.BuildBlock(context.Background(), attrs, b.txs)
		if err != nil || !bytes.Equal(again.Block.AppendRLP(nil), built.Block.AppendRLP(nil)) || !bytes.Equal(again.AccessListRLP, built.AccessListRLP) {
			t.Fatalf("block %d: a second build differs (%v)", i+1, err)
		}
		h := &built.Block.Header
		amsterdam := b.time >= 360
		switch {
		case h.Number != uint64(i+1) || h.GasUsed == 0 || amsterdam == (h.Bloom == types.Bloom{}) || len(built.Result.Receipts) != len(b.txs):
			t.Fatalf("block %d: header %+v", i+1, h)
		case amsterdam != (built.AccessList != nil) || amsterdam != h.Has(types.FieldBlockAccessListHash):
			t.Fatalf("block %d: access list %v in a block of time %d", i+1, built.AccessList != nil, b.time)
		case amsterdam && (h.BlockAccessListHash != built.AccessList.Hash() || h.SlotNumber != uint64(i+1)):
			t.Fatalf("block %d: access list hash or slot number", i+1)
		}
		for j, r := range built.Result.Receipts {
			if r.Status != types.ReceiptStatusSuccessful || r.BlockHash != built.Block.Hash() {
				t.Fatalf("block %d tx %d: status %d, block hash %s", i+1, j, r.Status, r.BlockHash)
			}
		}
		if _, err := seq.InsertWithAccessList(context.Background(), built.Block, built.AccessListRLP); err != nil {
			t.Fatalf("block %d: sequential import: %v", i+1, err)
		}
		if _, err := par.InsertWithAccessList(context.Background(), built.Block, built.AccessListRLP); err != nil {
			t.Fatalf("block %d: parallel import: %v", i+1, err)
		}
		if seq.Head().Hash() != built.Block.Hash() || par.Head().Hash() != built.Block.Hash() {
			t.Fatalf("block %d: not the head after import", i+1)
		}
	}
	if st := par.ParallelStats(); st.Parallel != 2 || st.Sequential != 0 {
		t.Fatalf("parallel stats %+v, want 2 parallel and no fallback", st)
	}
	// The state the blocks built: the contract's slot 1 was cleared, slot 9
	// holds 9, the new account holds what it was sent and withdrew.
	r, err := seq.State(seq.Head().Hash())
	if err != nil {
		t.Fatal(err)
	}
	var one, nine uint256.Int
	one.SetUint64(1)
	nine.SetUint64(9)
	if v, err := r.Storage(contract, one); err != nil || !v.IsZero() {
		t.Errorf("slot 1: %v %v", v, err)
	}
	if v, err := r.Storage(contract, nine); err != nil || v.Uint64() != 9 {
		t.Errorf("slot 9: %v %v", v, err)
	}
	if acct, ok, err := r.Account(fresh); err != nil || !ok || acct.Balance.Uint64() != 8+9e9 {
		t.Errorf("new account: %+v %v %v", acct, ok, err)
	}
}

// TestBuildBlockErrors: a transaction that cannot be included fails the
// build with ErrInvalidTransaction naming its index, bad attributes with
// the header check's sentinel; neither changes the chain, and a good block
// builds and imports afterwards.
func TestBuildBlockErrors(t *testing.T) {
	chain := buildChains(t, 1)[0]
	to := types.Address{19: 0x66}
	attrs := &exec.BuildAttributes{Timestamp: 372, SlotNumber: 1}
	good := func(nonce uint64) *types.Transaction { return buildTx(t, nonce, &to, 1, nil, 30_000) }
	cases := []struct {
		name  string
		attrs exec.BuildAttributes
		txs   []*types.Transaction
		want  error
		index string
	}{
		{"nonce gap", *attrs, []*types.Transaction{good(0), good(1), good(3)}, exec.ErrInvalidTransaction, "tx 2"},
		{"nonce reused", *attrs, []*types.Transaction{good(0), good(0)}, evm.ErrNonceTooLow, "tx 1"},
		// The new account's state gas leaves less than the second
		// transaction's gas limit in the state dimension (EIP-8037).
		{"over the block's gas", exec.BuildAttributes{Timestamp: 372, GasLimit: 99_990_000},
			[]*types.Transaction{buildTx(t, 0, &types.Address{19: 0x99}, 1, nil, 300_000), buildTx(t, 1, &to, 1, nil, 99_890_000)},
			evm.ErrGasLimitReached, "tx 1"},
		{"intrinsic gas", *attrs, []*types.Transaction{buildTx(t, 0, &to, 1, nil, 20_000)}, evm.ErrIntrinsicGas, "tx 0"},
		{"timestamp", exec.BuildAttributes{Timestamp: 0}, []*types.Transaction{good(0)}, exec.ErrInvalidTimestamp, ""},
		{"gas limit jump", exec.BuildAttributes{Timestamp: 372, GasLimit: 50_000_000}, nil, exec.ErrInvalidGasLimit, ""},
		{"extra data", exec.BuildAttributes{Timestamp: 372, Extra: make([]byte, 33)}, nil, exec.ErrExtraDataTooLong, ""},
	}
	head := chain.Head().Hash()
	for _, c := range cases {
		_, err := chain.BuildBlock(context.Background(), &c.attrs, c.txs)
		if !errors.Is(err, c.want) || (c.index != "" && !errors.Is(err, exec.ErrInvalidTransaction)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		if c.index != "" && !strings.Contains(err.Error(), c.index+" ") && !strings.Contains(err.Error(), c.index+":") {
			t.Errorf("%s: %v does not name %s", c.name, err, c.index)
		}
		if chain.Head().Hash() != head {
			t.Fatalf("%s: the failed build moved the head", c.name)
		}
	}
	built, err := chain.BuildBlock(context.Background(), attrs, []*types.Transaction{good(0), good(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.InsertWithAccessList(context.Background(), built.Block, built.AccessListRLP); err != nil {
		t.Fatal(err)
	}
}
