package gethpeer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/balexec/balexec/bal"
	btypes "github.com/balexec/balexec/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"
)

// TestCompareDetects corrupts go-ethereum's side of a chain in one place
// at a time and requires the comparison to name the corrupted field, at the
// right block and transaction.
func TestCompareDetects(t *testing.T) {
	p := Params{Seed: 11, Fork: Prague, Blocks: 3, TxsPerBlock: 25}
	// find returns the first receipt of block 2 matching ok.
	find := func(t *testing.T, c *Chain, ok func(tx *types.Transaction, r *types.Receipt) bool) (int, *types.Receipt) {
		for j, r := range c.Receipts[1] {
			if ok(c.Blocks[1].Transactions()[j], r) {
				return j, r
			}
		}
		t.Fatal("no such receipt in block 2")
		return 0, nil
	}
	cases := []struct {
		name   string
		field  string
		mutate func(t *testing.T, c *Chain) int // returns the tx index, -1 for the block
	}{
		{"status", "receipt status", func(t *testing.T, c *Chain) int {
			c.Receipts[1][2].Status ^= 1
			return 2
		}},
		{"gas used", "receipt gas used", func(t *testing.T, c *Chain) int {
			c.Receipts[1][4].GasUsed++
			return 4
		}},
		{"log data", "receipt log 0 data", func(t *testing.T, c *Chain) int {
			j, r := find(t, c, func(_ *types.Transaction, r *types.Receipt) bool { return len(r.Logs) > 0 })
			r.Logs[0].Data = append(r.Logs[0].Data, 1)
			return j
		}},
		{"log index", "receipt log 0 index", func(t *testing.T, c *Chain) int {
			j, r := find(t, c, func(_ *types.Transaction, r *types.Receipt) bool { return len(r.Logs) > 0 })
			r.Logs[0].Index += 7
			return j
		}},
		{"contract address", "receipt contract address", func(t *testing.T, c *Chain) int {
			j, r := find(t, c, func(tx *types.Transaction, _ *types.Receipt) bool { return tx.To() == nil })
			r.ContractAddress[3] ^= 1
			return j
		}},
		{"effective gas price", "receipt effective gas price", func(t *testing.T, c *Chain) int {
			c.Receipts[1][0].EffectiveGasPrice.Add(c.Receipts[1][0].EffectiveGasPrice, common.Big1)
			return 0
		}},
		{"request", "request 0", func(t *testing.T, c *Chain) int {
			c.requests[1][0] = append([]byte(nil), c.requests[1][0]...)
			c.requests[1][0][len(c.requests[1][0])-1] ^= 1
			return -1
		}},
		{"state root", "insert", func(t *testing.T, c *Chain) int {
			last := len(c.Blocks) - 1
			h := types.CopyHeader(c.Blocks[last].Header())
			h.Root[0] ^= 1
			c.Blocks[last] = types.NewBlockWithHeader(h).WithBody(*c.Blocks[last].Body())
			return -1
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Generate(p)
			if err != nil {
				t.Fatal(err)
			}
			tx := tc.mutate(t, c)
			rep, err := Compare(c)
			if !errors.Is(err, ErrMismatch) {
				t.Fatalf("corrupted %s: err %v\n%s", tc.name, err, rep)
			}
			for _, m := range rep.Mismatches {
				if m.Field == tc.field && m.Tx == tx && m.Seed == p.Seed && m.Geth != m.Bal {
					return
				}
			}
			t.Errorf("corrupted %s: no mismatch of %q at tx %d\n%s", tc.name, tc.field, tx, rep)
		})
	}
}

// TestCompareState corrupts go-ethereum's post-state of an account and
// requires the account comparison to report the field.
func TestCompareState(t *testing.T) {
	c, err := Generate(Params{Seed: 12, Fork: Osaka, Blocks: 2, TxsPerBlock: 10})
	if err != nil {
		t.Fatal(err)
	}
	side, err := c.Balexec()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range side.Blocks {
		if _, err := side.Chain.Insert(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	post, err := side.Chain.State(side.Blocks[len(side.Blocks)-1].Hash())
	if err != nil {
		t.Fatal(err)
	}
	u := btypes.Address(c.Addresses[0])
	for _, a := range c.Addresses {
		if len(c.post[a].Code) > 0 && len(c.post[a].Storage) > 0 {
			u = btypes.Address(a)
			break
		}
	}
	cases := []struct {
		field  string
		mutate func(gs *state.StateDB)
	}{
		{"balance", func(gs *state.StateDB) {
			gs.SetBalance(common.Address(u), uint256.NewInt(12345), tracing.BalanceChangeUnspecified)
		}},
		{"nonce", func(gs *state.StateDB) {
			gs.SetNonce(common.Address(u), 999, tracing.NonceChangeUnspecified)
		}},
		{"storage", func(gs *state.StateDB) {
			gs.SetState(common.Address(u), slotKey(13), common.Hash{31: 0x77})
		}},
	}
	for _, tc := range cases {
		gs, err := c.StateAt(len(c.Blocks) - 1)
		if err != nil {
			t.Fatal(err)
		}
		cm := &comparer{c: c, rep: &Report{Params: c.Params}}
		cm.compareAccount(gs, post, u, nil, false)
		if len(cm.rep.Mismatches) != 0 {
			t.Fatalf("uncorrupted state differs:\n%s", cm.rep)
		}
		tc.mutate(gs)
		cm.compareAccount(gs, post, u, nil, false)
		if len(cm.rep.Mismatches) == 0 || !strings.Contains(cm.rep.Mismatches[0].Field, tc.field) {
			t.Errorf("corrupted %s of %s: %s", tc.field, u, cm.rep)
		}
	}
}

// TestCompareBAL feeds the access-list comparison a list that differs from
// go-ethereum's in one balance and requires it to name the account.
func TestCompareBAL(t *testing.T) {
	c, err := Generate(Params{Seed: 13, Fork: Amsterdam, Blocks: 1, TxsPerBlock: 15})
	if err != nil {
		t.Fatal(err)
	}
	raw := mustRLP(c.Blocks[0].AccessList())
	l, err := bal.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	cm := &comparer{c: c, rep: &Report{Params: c.Params}, block: 1}
	var target *bal.AccountAccess
	for i := range l.Accounts {
		if len(l.Accounts[i].BalanceChanges) > 0 {
			target = &l.Accounts[i]
			break
		}
	}
	if target == nil {
		t.Fatal("no balance change in the list")
	}
	target.BalanceChanges[0].Balance.AddUint64(&target.BalanceChanges[0].Balance, 1)
	cm.diffBAL(raw, l)
	if len(cm.rep.Mismatches) != 1 || cm.rep.Mismatches[0].Field != "bal account "+target.Address.String() {
		t.Errorf("changed balance of %s:\n%s", target.Address, cm.rep)
	}
}
