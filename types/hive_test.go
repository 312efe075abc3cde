package types_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The hive chain: 600 blocks (1..600) from Shanghai at genesis through
// Amsterdam at block 36, and the 601 engine API requests (blocks 0..600)
// that deliver them.

type hiveChain struct {
	raw      [][]byte // block encodings from chain.rlp
	blocks   []*types.Block
	payloads []types.NewPayloadRequest
	chainID  uint256.Int
}

var (
	hiveOnce sync.Once
	hive     hiveChain
	hiveErr  error
)

func readRepoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testdata.Repo(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadHive(t testing.TB) *hiveChain {
	t.Helper()
	chain := readRepoFile(t, "hivechain-amsterdam/chain.rlp")
	payloads := readRepoFile(t, "hivechain-amsterdam/newpayload.json")
	genesis := readRepoFile(t, "hivechain-amsterdam/genesis.json")
	hiveOnce.Do(func() {
		hiveErr = func() error {
			for rest := chain; len(rest) > 0; {
				_, _, r, err := rlp.Split(rest)
				if err != nil {
					return err
				}
				raw := rest[:len(rest)-len(r)]
				b, err := types.DecodeBlock(raw)
				if err != nil {
					return err
				}
				hive.raw = append(hive.raw, raw)
				hive.blocks = append(hive.blocks, b)
				rest = r
			}
			var err error
			if hive.payloads, err = types.ParseNewPayloadRequests(payloads); err != nil {
				return err
			}
			var g struct {
				Config struct {
					ChainID uint64 `json:"chainId"`
				} `json:"config"`
			}
			if err := json.Unmarshal(genesis, &g); err != nil {
				return err
			}
			hive.chainID.SetUint64(g.Config.ChainID)
			return nil
		}()
	})
	if hiveErr != nil {
		t.Fatal(hiveErr)
	}
	return &hive
}

func TestHiveChainRoundTrip(t *testing.T) {
	h := loadHive(t)
	if len(h.blocks) != 600 || len(h.payloads) != 601 {
		t.Fatalf("got %d blocks and %d payloads, want 600 and 601", len(h.blocks), len(h.payloads))
	}
	forks := map[int]int{} // header field count -> blocks
	prev := h.payloads[0].Payload.BlockHash
	for i, b := range h.blocks {
		if b.Header.Number != uint64(i+1) {
			t.Fatalf("block %d has number %d", i, b.Header.Number)
		}
		enc := b.AppendRLP(nil)
		if !bytes.Equal(enc, h.raw[i]) {
			t.Fatalf("block %d: re-encoding differs", b.Header.Number)
		}
		if b.EncodedSize() != len(enc) {
			t.Fatalf("block %d: EncodedSize %d, encoding %d", b.Header.Number, b.EncodedSize(), len(enc))
		}
		if b.Withdrawals == nil {
			t.Fatalf("block %d: withdrawals absent in a Shanghai chain", b.Header.Number)
		}
		p := &h.payloads[b.Header.Number].Payload
		if p.BlockNumber != b.Header.Number {
			t.Fatalf("payload %d is for block %d", b.Header.Number, p.BlockNumber)
		}
		hash := b.Hash()
		if hash != p.BlockHash {
			t.Fatalf("block %d: hash %x, payload blockHash %x", b.Header.Number, hash, p.BlockHash)
		}
		if b.Header.ParentHash != prev {
			t.Fatalf("block %d: parent %x, previous block hash %x", b.Header.Number, b.Header.ParentHash, prev)
		}
		prev = hash
		hb := b.Header.AppendRLP(nil)
		n, err := rlpCount(hb)
		if err != nil {
			t.Fatal(err)
		}
		forks[n]++
	}
	// Shanghai (17 fields), Cancun (20), Prague/Osaka/BPO (21), Amsterdam (23).
	want := map[int]int{17: 5, 20: 6, 21: 24, 23: 565}
	for k, v := range want {
		if forks[k] != v {
			t.Errorf("%d blocks with %d header fields, want %d (all: %v)", forks[k], k, v, forks)
		}
	}
}

func rlpCount(b []byte) (int, error) {
	c, _, err := rlp.SplitList(b)
	if err != nil {
		return 0, err
	}
	return rlp.CountValues(c)
}

type txInfoEntry struct {
	TxHash types.Hash    `json:"txhash"`
	Sender types.Address `json:"sender"`
	Block  string        `json:"block"`
	Index  int           `json:"indexInBlock"`
	Topic0 *types.Hash   `json:"logtopic0"`
	Topic1 *types.Hash   `json:"logtopic1"`
}

func loadTxInfo(t *testing.T) map[string]json.RawMessage {
	var info map[string]json.RawMessage
	if err := json.Unmarshal(readRepoFile(t, "hivechain-amsterdam/txinfo.json"), &info); err != nil {
		t.Fatal(err)
	}
	return info
}

func TestHiveSenders(t *testing.T) {
	h := loadHive(t)
	type loc struct {
		block *types.Block
		index int
	}
	byHash := map[types.Hash]loc{}
	senders := map[types.Hash]types.Address{}
	types_ := map[uint8]int{}
	for _, b := range h.blocks {
		got, err := types.RecoverSenders(b.Transactions, &h.chainID, 4)
		if err != nil {
			t.Fatalf("block %d: %v", b.Header.Number, err)
		}
		for i, tx := range b.Transactions {
			seq, err := tx.Sender(&h.chainID)
			if err != nil || seq != got[i] {
				t.Fatalf("block %d tx %d: sequential sender %x (%v), parallel %x", b.Header.Number, i, seq, err, got[i])
			}
			if tx.Hash() != types.Keccak256One(tx.MarshalCanonical()) {
				t.Fatalf("block %d tx %d: cached hash differs from the canonical hash", b.Header.Number, i)
			}
			byHash[tx.Hash()] = loc{b, i}
			senders[tx.Hash()] = got[i]
			types_[tx.Type]++
		}
	}
	for typ := uint8(0); typ <= types.SetCodeTxType; typ++ {
		if types_[typ] == 0 {
			t.Errorf("no transaction of type %d in the chain", typ)
		}
	}
	checked := 0
	for name, raw := range loadTxInfo(t) {
		var entries []txInfoEntry
		if json.Unmarshal(raw, &entries) != nil {
			continue // not a list of transactions
		}
		for _, e := range entries {
			l, ok := byHash[e.TxHash]
			if !ok {
				t.Errorf("%s: tx %x not in the chain", name, e.TxHash)
				continue
			}
			num, _ := strconv.ParseUint(e.Block, 0, 64)
			if l.block.Header.Number != num || l.index != e.Index {
				t.Errorf("%s: tx %x at block %d index %d, txinfo says %d/%d", name, e.TxHash, l.block.Header.Number, l.index, num, e.Index)
			}
			if senders[e.TxHash] != e.Sender {
				t.Errorf("%s: tx %x sender %x, txinfo says %x", name, e.TxHash, senders[e.TxHash], e.Sender)
			}
			checked++
		}
	}
	if checked != 407 {
		t.Errorf("%d txinfo entries checked, want 407", checked)
	}

	// The EIP-7702 transaction delegates "account" to "proxyAddr".
	var d struct {
		Account   types.Address `json:"account"`
		Proxy     types.Address `json:"proxyAddr"`
		Authorize types.Hash    `json:"authorizeTx"`
	}
	if err := json.Unmarshal(loadTxInfo(t)["tx-eip7702"], &d); err != nil {
		t.Fatal(err)
	}
	l, ok := byHash[d.Authorize]
	if !ok {
		t.Fatalf("authorize tx %x not found", d.Authorize)
	}
	tx := l.block.Transactions[l.index]
	if tx.Type != types.SetCodeTxType || len(tx.AuthList) != 1 {
		t.Fatalf("authorize tx is type %d with %d authorizations", tx.Type, len(tx.AuthList))
	}
	auth := tx.AuthList[0]
	who, err := auth.Authority()
	if err != nil || who != d.Account || auth.Address != d.Proxy {
		t.Fatalf("authority %x (%v) delegating to %x; want %x to %x", who, err, auth.Address, d.Account, d.Proxy)
	}
	t.Logf("%d txinfo senders checked; tx types %v", checked, types_)
}

func TestHiveWithdrawals(t *testing.T) {
	h := loadHive(t)
	var info struct {
		Withdrawals map[string]struct {
			Withdrawals []struct {
				Index     string        `json:"index"`
				Validator string        `json:"validatorIndex"`
				Address   types.Address `json:"address"`
				Amount    string        `json:"amount"`
			} `json:"withdrawals"`
		} `json:"withdrawals"`
	}
	if err := json.Unmarshal(readRepoFile(t, "hivechain-amsterdam/txinfo.json"), &info); err != nil {
		t.Fatal(err)
	}
	if len(info.Withdrawals) == 0 {
		t.Fatal("no withdrawals in txinfo")
	}
	for num, ws := range info.Withdrawals {
		n, _ := strconv.Atoi(num)
		b := h.blocks[n-1]
		if len(b.Withdrawals) != len(ws.Withdrawals) {
			t.Fatalf("block %d has %d withdrawals, txinfo %d", n, len(b.Withdrawals), len(ws.Withdrawals))
		}
		for i, w := range ws.Withdrawals {
			idx, _ := strconv.ParseUint(w.Index, 0, 64)
			val, _ := strconv.ParseUint(w.Validator, 0, 64)
			amt, _ := strconv.ParseUint(w.Amount, 0, 64)
			want := types.Withdrawal{Index: idx, Validator: val, Address: w.Address, Amount: amt}
			if b.Withdrawals[i] != want {
				t.Errorf("block %d withdrawal %d: %+v, want %+v", n, i, b.Withdrawals[i], want)
			}
			enc := b.Withdrawals[i].AppendRLP(nil)
			if got, err := types.DecodeWithdrawal(enc); err != nil || got != want {
				t.Errorf("withdrawal round trip: %+v %v", got, err)
			}
		}
	}
}

// TestHivePayloadTransactions checks that each payload's transactions are
// our canonical encodings of the block's transactions.
func TestHivePayloadTransactions(t *testing.T) {
	h := loadHive(t)
	for _, b := range h.blocks {
		p := &h.payloads[b.Header.Number].Payload
		if len(p.Transactions) != len(b.Transactions) {
			t.Fatalf("block %d: %d payload txs, %d block txs", b.Header.Number, len(p.Transactions), len(b.Transactions))
		}
		for i, tx := range b.Transactions {
			if !bytes.Equal(tx.MarshalCanonical(), p.Transactions[i]) {
				t.Fatalf("block %d tx %d: canonical encoding differs from the payload's", b.Header.Number, i)
			}
			if tx.CanonicalSize() != len(p.Transactions[i]) {
				t.Fatalf("block %d tx %d: CanonicalSize %d, want %d", b.Header.Number, i, tx.CanonicalSize(), len(p.Transactions[i]))
			}
		}
	}
}

// TestHiveLogBloom checks the bloom of known receipts: in a block whose only
// transaction emits one log, the header bloom is that log's bloom.
func TestHiveLogBloom(t *testing.T) {
	h := loadHive(t)
	checked := 0
	for _, name := range []string{"tx-emit-legacy", "tx-emit-eip2930", "tx-emit-eip1559", "tx-emit-eip4844"} {
		var entries []txInfoEntry
		if err := json.Unmarshal(loadTxInfo(t)[name], &entries); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			num, _ := strconv.ParseUint(e.Block, 0, 64)
			if num >= 36 {
				// From Amsterdam on these transactions run out of gas
				// under the new gas schedule and emit nothing.
				continue
			}
			b := h.blocks[num-1]
			tx := b.Transactions[e.Index]
			log := types.Log{Address: tx.To, Topics: []types.Hash{*e.Topic0, *e.Topic1}}
			rc := types.Receipt{Type: tx.Type, Status: types.ReceiptStatusSuccessful, Logs: []types.Log{log}}
			bloom := types.LogsBloom(rc.Logs)
			for _, it := range [][]byte{log.Address[:], e.Topic0[:], e.Topic1[:]} {
				if !b.Header.Bloom.Test(it) {
					t.Fatalf("%s block %d: header bloom lacks %x", name, num, it)
				}
			}
			// A block holding only this transaction has exactly its bloom.
			if len(b.Transactions) == 1 {
				if bloom != b.Header.Bloom {
					t.Fatalf("%s block %d: bloom differs from the header's", name, num)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no single-log block found")
	}
	t.Logf("%d exact blooms checked", checked)
}
