package exec_test

import (
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
		res, err := chain.InsertWithAccessList(b, list)
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
	var req *types.NewPayloadRequest
	for i := range reqs {
		if uint64(reqs[i].Payload.BlockNumber) == target {
			req = &reqs[i]
		}
	}
	real, err := engine.Block(req)
	if err != nil {
		t.Fatal(err)
	}
	raw := req.Payload.BlockAccessList
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
		_, err := chain.InsertWithAccessList(&block, lying)
		if !errors.Is(err, exec.ErrBALHashMismatch) {
			t.Errorf("%s: got %v, want ErrBALHashMismatch", name, err)
		}
		if chain.Head().Hash() != head {
			t.Fatalf("%s: the rejected block changed the head", name)
		}
	}
	// The supplied list is checked against the header before execution.
	if _, err := chain.InsertWithAccessList(real, raw[:len(raw)-1]); !errors.Is(err, exec.ErrInvalidBAL) {
		t.Errorf("truncated list: got %v, want ErrInvalidBAL", err)
	}
	other := fresh()
	other.Accounts = other.Accounts[1:]
	if _, err := chain.InsertWithAccessList(real, other.EncodeRLP()); !errors.Is(err, exec.ErrBALHashMismatch) {
		t.Errorf("list not matching the header: got %v, want ErrBALHashMismatch", err)
	}
	if _, err := chain.InsertWithAccessList(real, raw); err != nil {
		t.Fatalf("the real block after the rejected ones: %v", err)
	}
}

func decodeList(raw []byte) (*bal.BlockAccessList, error) { return bal.Decode(raw) }
