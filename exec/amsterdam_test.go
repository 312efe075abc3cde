package exec_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/engine"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// hiveChain imports the hive Amsterdam chain from its engine payloads up to
// (not including) block stop, and returns the chain with the payload requests.
func hiveChain(t testing.TB, stop uint64) (*exec.Chain, []types.NewPayloadRequest) {
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
	gh, err := g.Header()
	if err != nil {
		t.Fatal(err)
	}
	chain, err := exec.NewChain(g.Config, &gh, g.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(testdata.Repo(t, "hivechain-amsterdam/newpayload.json"))
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := types.ParseNewPayloadRequests(data)
	if err != nil {
		t.Fatal(err)
	}
	importPayloads(t, chain, reqs, stop)
	return chain, reqs
}

// importPayloads imports the payloads of blocks 1 to stop-1 into chain and
// returns the results.
func importPayloads(t testing.TB, chain *exec.Chain, reqs []types.NewPayloadRequest, stop uint64) []*exec.Result {
	t.Helper()
	var out []*exec.Result
	for i := range reqs {
		r := &reqs[i]
		n := uint64(r.Payload.BlockNumber)
		if n == 0 || n >= stop {
			continue
		}
		b, err := engine.Block(r)
		if err != nil {
			t.Fatal(err)
		}
		var list []byte
		if len(r.Payload.BlockAccessList) > 0 {
			list = r.Payload.BlockAccessList
		}
		res, err := chain.InsertWithAccessList(context.Background(), b, list)
		if err != nil {
			t.Fatalf("block %d: %v", n, err)
		}
		out = append(out, res)
	}
	return out
}

// TestLyingAccessListRejected takes a real Amsterdam block and, for each way
// its block access list can lie (an account or a read or a write dropped or
// added, a value or an index changed), re-pins the header to the lying list,
// so that the list passes every check made before execution. The list
// execution builds must then differ and the block must be rejected with
// ErrBALHashMismatch, leaving the chain as it was: the real block imports
// afterwards.
func TestLyingAccessListRejected(t *testing.T) {
	// Block 37 is an Amsterdam block with a transaction that writes and reads
	// storage besides the system contracts.
	const target = 37
	chain, reqs := hiveChain(t, target)
	real, raw := hiveTarget(t, reqs, target)
	fresh := func() *bal.BlockAccessList {
		l, err := bal.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	n := uint32(len(real.Transactions) + 1)
	// pick finds an account with at least one entry of the kind asked for.
	pick := func(l *bal.BlockAccessList, ok func(a *bal.AccountAccess) bool) *bal.AccountAccess {
		for i := range l.Accounts {
			if ok(&l.Accounts[i]) {
				return &l.Accounts[i]
			}
		}
		t.Fatalf("block %d has no account for this mutation", target)
		return nil
	}
	mutations := map[string]func(l *bal.BlockAccessList){
		"drop account": func(l *bal.BlockAccessList) { l.Accounts = l.Accounts[1:] },
		"add account": func(l *bal.BlockAccessList) {
			extra := bal.AccountAccess{Address: types.Address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
			l.Accounts = append(l.Accounts[:len(l.Accounts):len(l.Accounts)], extra)
		},
		"drop read": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool { return len(a.StorageReads) > 0 })
			a.StorageReads = a.StorageReads[1:]
		},
		"add read": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool { return len(a.StorageReads) > 0 })
			var slot uint256.Int
			slot.SetAllOne()
			a.StorageReads = append(a.StorageReads[:len(a.StorageReads):len(a.StorageReads)], slot)
		},
		"drop write": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 0 })
			a.StorageChanges = a.StorageChanges[1:]
		},
		"change written value": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool { return len(a.StorageChanges) > 0 })
			w := &a.StorageChanges[0].Writes[0]
			w.Value.AddUint64(&w.Value, 1)
		},
		"change write index": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool {
				return len(a.StorageChanges) > 0 && len(a.StorageChanges[0].Writes) == 1
			})
			w := &a.StorageChanges[0].Writes[0]
			w.Index = (w.Index + 1) % (n + 1)
		},
		"change balance": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool { return len(a.BalanceChanges) > 0 })
			b := &a.BalanceChanges[0].Balance
			b.AddUint64(b, 1)
		},
		"drop nonce change": func(l *bal.BlockAccessList) {
			a := pick(l, func(a *bal.AccountAccess) bool { return len(a.NonceChanges) > 0 })
			a.NonceChanges = nil
		},
	}
	head := chain.Head().Hash()
	for name, mutate := range mutations {
		l := fresh()
		mutate(l)
		if err := l.Validate(real.Header.GasLimit, len(real.Transactions)); err != nil {
			t.Fatalf("%s: the mutation breaks the structural rules (%v); it must only lie", name, err)
		}
		lying := l.EncodeRLP()
		block := *real
		block.Header.BlockAccessListHash = types.Keccak256One(lying)
		_, err := chain.InsertWithAccessList(context.Background(), &block, lying)
		if !errors.Is(err, exec.ErrBALHashMismatch) {
			t.Errorf("%s: got %v, want ErrBALHashMismatch", name, err)
		}
		// The list itself is fine (it decodes, validates and hashes to the
		// header): execution disagrees with it, which is not a bad sidecar.
		if errors.Is(err, exec.ErrBadSidecar) {
			t.Errorf("%s: execution disagreeing with a well-formed list is ErrBadSidecar: %v", name, err)
		}
		if chain.Head().Hash() != head {
			t.Fatalf("%s: the rejected block changed the head", name)
		}
	}
	// The supplied list is checked against the header before execution: a
	// bad sidecar, with the sentinel of what is wrong with it.
	if _, err := chain.InsertWithAccessList(context.Background(), real, raw[:len(raw)-1]); !errors.Is(err, exec.ErrInvalidBAL) || !errors.Is(err, exec.ErrBadSidecar) {
		t.Errorf("truncated list: got %v, want ErrBadSidecar and ErrInvalidBAL", err)
	}
	other := fresh()
	other.Accounts = other.Accounts[1:]
	if _, err := chain.InsertWithAccessList(context.Background(), real, other.EncodeRLP()); !errors.Is(err, exec.ErrBALHashMismatch) || !errors.Is(err, exec.ErrBadSidecar) {
		t.Errorf("list not matching the header: got %v, want ErrBadSidecar and ErrBALHashMismatch", err)
	}
	// A list breaking a rule of bal.Validate, pinned to the header so that
	// only the rule fails: two entries for one account.
	dup := fresh()
	dup.Accounts = append(dup.Accounts[:1:1], dup.Accounts...)
	dupRaw := dup.EncodeRLP()
	dupBlock := *real
	dupBlock.Header.BlockAccessListHash = types.Keccak256One(dupRaw)
	if _, err := chain.InsertWithAccessList(context.Background(), &dupBlock, dupRaw); !errors.Is(err, exec.ErrInvalidBAL) || !errors.Is(err, exec.ErrBadSidecar) {
		t.Errorf("list breaking bal.Validate: got %v, want ErrBadSidecar and ErrInvalidBAL", err)
	}
	if _, err := chain.InsertWithAccessList(context.Background(), real, raw); err != nil {
		t.Fatalf("the real block after the rejected ones: %v", err)
	}
}

func decodeList(raw []byte) (*bal.BlockAccessList, error) { return bal.Decode(raw) }

// TestSidecarBeforeAmsterdam: a list that comes with a block before
// Amsterdam is a bad sidecar, whatever it holds.
func TestSidecarBeforeAmsterdam(t *testing.T) {
	chain, reqs := hiveChain(t, 1)
	for i := range reqs {
		if reqs[i].Payload.BlockNumber != 1 {
			continue
		}
		b, err := engine.Block(&reqs[i])
		if err != nil {
			t.Fatal(err)
		}
		_, err = chain.InsertWithAccessList(context.Background(), b, []byte{0xc0})
		if !errors.Is(err, exec.ErrBadSidecar) || !errors.Is(err, exec.ErrBALBeforeAmsterdam) {
			t.Fatalf("list with block 1: %v, want ErrBadSidecar and ErrBALBeforeAmsterdam", err)
		}
		if _, err := chain.Insert(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("no block 1")
}

// TestVerdictOrder: a block bound for the parallel path has its body and
// its list's hash checked beside its execution, yet every block gets the
// verdict of checking in order (header, body, the list's decoding, hash and
// rules, execution), the same error as the sequential path, and a rejected
// block is not counted as a parallel run.
func TestVerdictOrder(t *testing.T) {
	const target = 37
	seq, reqs := hiveChain(t, target)
	par, _ := hiveChain(t, target)
	par.EnableParallel(2, 0)
	real, raw := hiveTarget(t, reqs, target)
	l, err := bal.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	other := *l
	other.Accounts = other.Accounts[1:]
	otherRaw := other.EncodeRLP() // decodes and validates, hashes to something else
	dup := *l
	dup.Accounts = append(dup.Accounts[:1:1], dup.Accounts...)
	dupRaw := dup.EncodeRLP() // breaks bal.Validate
	badBody := func() *types.Block {
		b := *real
		b.Header.TxHash = types.Hash{1}
		return &b
	}
	pinned := func(list []byte) *types.Block {
		b := *real
		b.Header.BlockAccessListHash = types.Keccak256One(list)
		return &b
	}
	cases := []struct {
		name  string
		block *types.Block
		list  []byte
		want  []error
	}{
		{"bad body, true list", badBody(), raw, []error{exec.ErrTxRootMismatch}},
		{"bad body, undecodable list", badBody(), raw[:len(raw)-1], []error{exec.ErrTxRootMismatch}},
		{"bad body, list of another hash", badBody(), otherRaw, []error{exec.ErrTxRootMismatch}},
		{"bad body, list breaking the rules", badBody(), dupRaw, []error{exec.ErrTxRootMismatch}},
		{"undecodable list", real, raw[:len(raw)-1], []error{exec.ErrBadSidecar, exec.ErrInvalidBAL}}, // its hash differs too
		{"list of another hash", real, otherRaw, []error{exec.ErrBadSidecar, exec.ErrBALHashMismatch}},
		{"list of another hash breaking the rules", real, dupRaw, []error{exec.ErrBadSidecar, exec.ErrBALHashMismatch}},
		{"list breaking the rules", pinned(dupRaw), dupRaw, []error{exec.ErrBadSidecar, exec.ErrInvalidBAL}},
		{"lying list", pinned(otherRaw), otherRaw, []error{exec.ErrBALHashMismatch}},
	}
	for _, c := range cases {
		_, serr := seq.InsertWithAccessList(context.Background(), c.block, c.list)
		_, perr := par.InsertWithAccessList(context.Background(), c.block, c.list)
		for _, want := range c.want {
			if !errors.Is(serr, want) || !errors.Is(perr, want) {
				t.Errorf("%s: sequential %v, parallel %v; want %v", c.name, serr, perr, want)
			}
		}
		if serr == nil || perr == nil || serr.Error() != perr.Error() {
			t.Errorf("%s: sequential %v, parallel %v: want the same error", c.name, serr, perr)
		}
	}
	if st := par.ParallelStats(); st.Parallel != 0 {
		t.Errorf("rejected blocks counted as parallel runs: %+v", st)
	}
	for name, c := range map[string]*exec.Chain{"sequential": seq, "parallel": par} {
		if _, err := c.InsertWithAccessList(context.Background(), real, raw); err != nil {
			t.Fatalf("%s: the real block after the rejected ones: %v", name, err)
		}
	}
	if st := par.ParallelStats(); st.Parallel != 1 {
		t.Errorf("parallel stats %+v, want the real block's run", st)
	}
}

// TestNilBlock: a nil block is an error, on both paths, not a panic.
func TestNilBlock(t *testing.T) {
	chain, _ := hiveChain(t, 1)
	head := chain.Head().Hash()
	for _, workers := range []int{0, 2} {
		if workers > 0 {
			chain.EnableParallel(workers, 0)
		}
		if _, err := chain.Insert(context.Background(), nil); !errors.Is(err, exec.ErrNilBlock) {
			t.Errorf("workers %d: Insert(nil): %v, want ErrNilBlock", workers, err)
		}
		if _, err := chain.InsertWithAccessList(context.Background(), nil, []byte{0xc0}); !errors.Is(err, exec.ErrNilBlock) {
			t.Errorf("workers %d: InsertWithAccessList(nil): %v, want ErrNilBlock", workers, err)
		}
	}
	if chain.Head().Hash() != head {
		t.Fatal("a nil block moved the head")
	}
}
