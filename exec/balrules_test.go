package exec_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/fanout"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/trie"
	"github.com/balexec/balexec/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/holiman/uint256"
)

// The block-level rules of the block access list (eip7928.md section 5):
// what the system calls, the coinbase and the withdrawals contribute. Each
// test runs a block through the processor under Amsterdam rules and checks
// presence and absence in the list it builds.

var (
	balSenderKey = secp256k1.PrivKeyFromBytes(mustHexBytes("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"))
	balSender    = types.MustHexToAddress("0x71562b71999873db5b286df957af199ec94617f7")
	balCoinbase  = types.Address{18: 0xcb}
	balRecipient = types.Address{18: 0xb0, 19: 0xb0}
	systemAddr   = types.MustHexToAddress("0xfffffffffffffffffffffffffffffffffffffffe")
)

func mustHexBytes(s string) []byte {
	b, err := types.DecodeHex(s)
	if err != nil {
		panic(err)
	}
	return b
}

// balPreState is the system contracts of the hive genesis (EIP-4788, 2935,
// 7002, 7251 and both EIP-8282 queues) plus a funded sender.
func balPreState(t *testing.T) *state.Memory {
	t.Helper()
	f, err := os.Open(testdata.Repo(t, "hivechain-amsterdam/genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := chainspec.ReadGenesis(f)
	if err != nil {
		t.Fatal(err)
	}
	alloc := chainspec.Alloc{}
	for _, a := range []types.Address{exec.BeaconRootsAddress, exec.HistoryStorageAddress, exec.WithdrawalQueueAddress,
		exec.ConsolidationQueueAddress, exec.BuilderDepositAddress, exec.BuilderExitAddress} {
		acct, ok := g.Alloc[a]
		if !ok {
			t.Fatalf("hive genesis lacks system contract %s", a)
		}
		acct.Nonce = 1
		alloc[a] = acct
	}
	var eth uint256.Int
	eth.SetUint64(1e18)
	alloc[balSender] = chainspec.GenesisAccount{Balance: eth}
	return alloc.Memory()
}

// signedTransfer returns an EIP-1559 transfer from the test sender.
func signedTransfer(t *testing.T, nonce uint64, to types.Address, value, tip uint64) *types.Transaction {
	t.Helper()
	tx := &types.Transaction{Type: types.DynamicFeeTxType, Nonce: nonce, Gas: 100_000, To: to}
	tx.ChainID.SetUint64(1)
	tx.GasFeeCap.SetUint64(10_000_000_000)
	tx.GasTipCap.SetUint64(tip)
	tx.Value.SetUint64(value)
	h := tx.SigningHash(uint256.NewInt(1))
	sig := ecdsa.SignCompact(balSenderKey, h[:], false)
	tx.V.SetUint64(uint64(sig[0] - 27))
	tx.R.SetBytes(sig[1:33])
	tx.S.SetBytes(sig[33:65])
	tx.Seal()
	return tx
}

func amsterdamBlock(txs []*types.Transaction, withdrawals []types.Withdrawal) *types.Block {
	h := types.Header{
		Number: 1, Time: 12, GasLimit: 60_000_000, Coinbase: balCoinbase,
		ParentHash: types.Hash{0xaa}, ParentBeaconRoot: types.Hash{31: 0xbe}, SlotNumber: 1,
		Optional: types.FieldsAmsterdam,
	}
	h.BaseFee.SetUint64(875_000_000)
	return &types.Block{Header: h, Transactions: txs, Withdrawals: withdrawals}
}

func buildBAL(t *testing.T, block *types.Block) *bal.BlockAccessList {
	t.Helper()
	cfg, err := chainspec.ConfigForNetwork("Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.NewProcessor(cfg, nil).Process(context.Background(), block, balPreState(t), func(uint64) types.Hash { return types.Hash{} })
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessList == nil {
		t.Fatal("no access list built under Amsterdam")
	}
	if err := res.AccessList.Validate(block.Header.GasLimit, len(block.Transactions)); err != nil {
		t.Fatalf("built list invalid: %v", err)
	}
	return res.AccessList
}

func entry(l *bal.BlockAccessList, a types.Address) *bal.AccountAccess {
	for i := range l.Accounts {
		if l.Accounts[i].Address == a {
			return &l.Accounts[i]
		}
	}
	return nil
}

func isEmptyEntry(a *bal.AccountAccess) bool {
	return a != nil && len(a.StorageChanges)+len(a.StorageReads)+len(a.BalanceChanges)+len(a.NonceChanges)+len(a.CodeChanges) == 0
}

// TestBALSystemEntriesAndEmptyBlock: an empty block lists the system
// contracts only (4788: two writes at index 0; 2935: one write at 0; the four
// queues: reads of slots 0-3), and neither the coinbase nor the system
// address.
func TestBALSystemEntriesAndEmptyBlock(t *testing.T) {
	l := buildBAL(t, amsterdamBlock(nil, nil))
	if entry(l, balCoinbase) != nil {
		t.Error("the coinbase is listed in an empty block")
	}
	if entry(l, systemAddr) != nil {
		t.Error("the system address is listed")
	}
	beacon := entry(l, exec.BeaconRootsAddress)
	if beacon == nil || len(beacon.StorageChanges) != 2 || beacon.StorageChanges[0].Writes[0].Index != 0 {
		t.Errorf("EIP-4788 entry %+v", beacon)
	}
	history := entry(l, exec.HistoryStorageAddress)
	if history == nil || len(history.StorageChanges) != 1 || history.StorageChanges[0].Writes[0].Index != 0 {
		t.Errorf("EIP-2935 entry %+v", history)
	}
	for _, q := range []types.Address{exec.WithdrawalQueueAddress, exec.ConsolidationQueueAddress, exec.BuilderDepositAddress, exec.BuilderExitAddress} {
		e := entry(l, q)
		if e == nil || len(e.StorageChanges) != 0 || len(e.StorageReads) != 4 || e.StorageReads[3].Uint64() != 3 {
			t.Errorf("queue %s entry %+v", q, e)
		}
	}
	if len(l.Accounts) != 6 {
		t.Errorf("%d accounts listed, want the 6 system contracts", len(l.Accounts))
	}
}

// TestBALCoinbasePerTransaction: the coinbase gets a balance entry per
// transaction that pays it a tip, and with a zero tip it is present with no
// entry; a zero-value recipient is present with no entry.
func TestBALCoinbasePerTransaction(t *testing.T) {
	l := buildBAL(t, amsterdamBlock([]*types.Transaction{
		signedTransfer(t, 0, balRecipient, 1000, 1_000_000_000),
		signedTransfer(t, 1, balRecipient, 1000, 1_000_000_000),
	}, nil))
	cb := entry(l, balCoinbase)
	if cb == nil || len(cb.BalanceChanges) != 2 || cb.BalanceChanges[0].Index != 1 || cb.BalanceChanges[1].Index != 2 {
		t.Errorf("coinbase %+v", cb)
	}
	s := entry(l, balSender)
	if s == nil || len(s.NonceChanges) != 2 || len(s.BalanceChanges) != 2 {
		t.Errorf("sender %+v", s)
	}

	l = buildBAL(t, amsterdamBlock([]*types.Transaction{signedTransfer(t, 0, balRecipient, 0, 0)}, nil))
	if cb := entry(l, balCoinbase); !isEmptyEntry(cb) {
		t.Errorf("zero-tip coinbase %+v, want present and empty", cb)
	}
	if r := entry(l, balRecipient); !isEmptyEntry(r) {
		t.Errorf("zero-value recipient %+v, want present and empty", r)
	}
}

// TestBALWithdrawals: withdrawals are recorded at index n+1; a zero-amount
// withdrawal's recipient is present with no entry.
func TestBALWithdrawals(t *testing.T) {
	zero, paid := types.Address{19: 0x01}, types.Address{19: 0x02}
	l := buildBAL(t, amsterdamBlock(
		[]*types.Transaction{signedTransfer(t, 0, balRecipient, 1, 1)},
		[]types.Withdrawal{{Index: 0, Address: zero, Amount: 0}, {Index: 1, Address: paid, Amount: 5}}))
	if e := entry(l, zero); !isEmptyEntry(e) {
		t.Errorf("zero-amount withdrawal %+v, want present and empty", e)
	}
	e := entry(l, paid)
	if e == nil || len(e.BalanceChanges) != 1 || e.BalanceChanges[0].Index != 2 || e.BalanceChanges[0].Balance.Uint64() != 5_000_000_000 {
		t.Errorf("withdrawal %+v, want balance 5 gwei at index 2", e)
	}
}

// twoTransfers returns the Amsterdam configuration, a block of two value
// transfers and the access list sequential execution builds for it.
func twoTransfers(t *testing.T) (*chainspec.Config, *types.Block, *bal.BlockAccessList) {
	t.Helper()
	cfg, err := chainspec.ConfigForNetwork("Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	block := amsterdamBlock([]*types.Transaction{
		signedTransfer(t, 0, types.Address{0x10}, 1, 1),
		signedTransfer(t, 1, types.Address{0x20}, 2, 1),
	}, nil)
	return cfg, block, buildBAL(t, block)
}

// ParallelProcessor.Process given a list that is not valid, but whose
// entries every step's check and the coverage of the list accept (a slot the
// steps only read, listed as a written slot with no writes), does not accept
// it: the parallel run fails, the sequential run decides, and the result
// carries the list execution built.
func TestParallelProcessRejectsUnvalidatedList(t *testing.T) {
	cfg, block, built := twoTransfers(t)
	noRoot := func(context.Context, []state.AccountUpdate) (types.Hash, trie.NodeSet, error) {
		return types.Hash{}, trie.NodeSet{}, nil
	}
	noHistory := func(uint64) types.Hash { return types.Hash{} }
	pp := exec.NewParallelProcessor(cfg, nil, 2)
	res, err := pp.Process(context.Background(), block, built, balPreState(t), noHistory, noRoot)
	if err != nil || pp.Stats().Parallel != 1 || res.AccessList != built {
		t.Fatalf("valid list: %v, stats %+v", err, pp.Stats())
	}
	bad := &bal.BlockAccessList{Accounts: slices.Clone(built.Accounts)}
	moved := false
	for i := range bad.Accounts {
		a := &bad.Accounts[i]
		if len(a.StorageReads) > 0 && len(a.StorageChanges) == 0 {
			a.StorageChanges = []bal.SlotChanges{{Slot: a.StorageReads[0]}}
			a.StorageReads = a.StorageReads[1:]
			moved = true
			break
		}
	}
	if !moved {
		t.Fatal("the built list has no account with reads only")
	}
	if err := bad.Validate(block.Header.GasLimit, len(block.Transactions)); !errors.Is(err, bal.ErrEmptySlotChanges) {
		t.Fatalf("the altered list validates: %v", err)
	}
	res, err = pp.Process(context.Background(), block, bad, balPreState(t), noHistory, noRoot)
	if err != nil {
		t.Fatal(err)
	}
	if st := pp.Stats(); st.Sequential != 1 {
		t.Fatalf("stats %+v: the invalid list must go to the sequential run", st)
	}
	if res.AccessList == bad || res.AccessList.Hash() != built.Hash() {
		t.Fatal("the result carries the invalid list, not the one execution built")
	}
}

// ParallelProcessor.Process hands its merkleizer a context whose fan-out
// limit leaves the cores to the running workers: between one goroutine and
// GOMAXPROCS while they run, and every core once the steps are done.
func TestParallelRootFanoutLimit(t *testing.T) {
	cfg, block, built := twoTransfers(t)
	var (
		limit  fanout.Limit
		atRoot int
		calls  int
	)
	// The first call is the root goroutine's. Invariant builds sometimes
	// check the result against the sequential path afterwards, which
	// merkleizes again, with no limit.
	merkleize := func(ctx context.Context, _ []state.AccountUpdate) (types.Hash, trie.NodeSet, error) {
		if calls++; calls == 1 {
			limit = fanout.From(ctx)
			atRoot = limit.N()
		}
		return types.Hash{}, trie.NodeSet{}, nil
	}
	pp := exec.NewParallelProcessor(cfg, nil, 0)
	if _, err := pp.Process(context.Background(), block, built, balPreState(t), func(uint64) types.Hash { return types.Hash{} }, merkleize); err != nil {
		t.Fatal(err)
	}
	if pp.Stats().Parallel != 1 {
		t.Fatalf("stats %+v: the block did not run in parallel", pp.Stats())
	}
	cores := runtime.GOMAXPROCS(0)
	if limit == nil {
		t.Fatal("the merkleizer's context carries no fan-out limit")
	}
	if atRoot < 1 || atRoot > cores {
		t.Errorf("limit %d while the steps ran, want 1 to %d", atRoot, cores)
	}
	if got := limit.N(); got != cores {
		t.Errorf("limit %d after the steps, want GOMAXPROCS %d", got, cores)
	}
}
