package gethpeer

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// outcomes counts what go-ethereum actually did with a chain (as opposed
// to what the generator meant to do), read from its receipts, requests and
// states.
type outcomes map[string]int

func (o outcomes) String() string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, o[k])
	}
	return b.String()
}

// observe adds the outcomes of chain c.
func (o outcomes) observe(c *Chain) error {
	ucode := universalCode()
	squat := create2Address(newGenerator(c.Params).addr("universal", 0), squatSalt, templates()[tmplKVRuntime])
	prev, err := c.StateAt(-1)
	if err != nil {
		return err
	}
	for i, blk := range c.Blocks {
		post, err := c.StateAt(i)
		if err != nil {
			return err
		}
		for j, tx := range blk.Transactions() {
			r := c.Receipts[i][j]
			if r.Status == types.ReceiptStatusFailed {
				o["tx-failed"]++
				if r.GasUsed == tx.Gas() {
					o["tx-all-gas-used"]++
				}
			}
			if tx.To() == nil {
				if r.Status == types.ReceiptStatusSuccessful && len(post.GetCode(r.ContractAddress)) > 0 {
					o["deploy-ok"]++
					if bytes.Equal(post.GetCode(r.ContractAddress), ucode) {
						o["deploy-universal-ok"]++
					}
				} else {
					o["deploy-failed"]++
				}
			}
			o[fmt.Sprintf("tx-type-%d", tx.Type())]++
			if tx.Type() == types.SetCodeTxType {
				o["auths"] += len(tx.SetCodeAuthorizations())
			}
			for _, l := range r.Logs {
				o[fmt.Sprintf("log-topics-%d", len(l.Topics))]++
				if len(l.Topics) == 1 && l.Topics[0] == createdTopic {
					if common.BytesToAddress(l.Data) == (common.Address{}) {
						o["contract-create-failed"]++
					} else {
						o["contract-create-ok"]++
						if !post.Exist(common.BytesToAddress(l.Data)) {
							o["contract-created-and-destroyed"]++
						}
					}
				}
			}
		}
		for _, r := range c.requests[i] {
			if len(r) > 1 {
				o[fmt.Sprintf("request-type-%d", r[0])]++
			}
		}
		for _, w := range blk.Withdrawals() {
			if w.Amount == 0 {
				o["withdrawal-zero"]++
			}
		}
		if len(prev.GetCode(squat)) == 0 && len(post.GetCode(squat)) > 0 {
			o["create2-onto-storage-account"]++
			if post.GetState(squat, slotKey(1)) != (common.Hash{}) {
				o["create2-storage-kept"]++
			}
		}
		for _, a := range c.Addresses {
			pc, nc := prev.GetCode(a), post.GetCode(a)
			_, wasDel := types.ParseDelegation(pc)
			_, isDel := types.ParseDelegation(nc)
			switch {
			case !wasDel && isDel:
				o["delegation-set"]++
			case wasDel && isDel && !bytes.Equal(pc, nc):
				o["delegation-changed"]++
			case wasDel && len(nc) == 0:
				o["delegation-cleared"]++
			}
			if prev.Exist(a) && !post.Exist(a) {
				o["account-deleted"]++
			}
			if !prev.Exist(a) && post.Exist(a) {
				o["account-created"]++
			}
			if prev.Exist(a) && post.Exist(a) && prev.GetBalance(a).Sign() > 0 && post.GetBalance(a).Sign() == 0 && len(pc) > 0 {
				o["contract-drained"]++
			}
			for _, s := range c.Slots {
				pv, nv := prev.GetState(a, s), post.GetState(a, s)
				switch {
				case pv == nv:
				case pv == (common.Hash{}):
					o["slot-new"]++
				case nv == (common.Hash{}):
					o["slot-zeroed"]++
				default:
					o["slot-changed"]++
				}
			}
		}
		prev = post
	}
	return nil
}
