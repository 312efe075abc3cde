package exec_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/internal/testdata"
	"github.com/balexec/balexec/state"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// The real mainnet blocks of the pevm set (Cancun era), with their partial
// pre-states. The state root cannot be checked (the pre-state is partial);
// gas used, receipts root, logs bloom and the transactions root can.
var mainnetBlocks = []string{"19426587", "19923400", "19929064", "19932703", "19933122", "19933597", "19934116"}

type rpcTx struct {
	Hash                 types.Hash       `json:"hash"`
	Type                 hexNum           `json:"type"`
	ChainID              *hexBig          `json:"chainId"`
	Nonce                hexNum           `json:"nonce"`
	From                 types.Address    `json:"from"`
	To                   *types.Address   `json:"to"`
	Value                hexBig           `json:"value"`
	GasPrice             hexBig           `json:"gasPrice"`
	MaxFeePerGas         *hexBig          `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexBig          `json:"maxPriorityFeePerGas"`
	MaxFeePerBlobGas     *hexBig          `json:"maxFeePerBlobGas"`
	BlobVersionedHashes  []types.Hash     `json:"blobVersionedHashes"`
	Gas                  hexNum           `json:"gas"`
	Input                hexBytes         `json:"input"`
	AccessList           types.AccessList `json:"accessList"`
	V                    hexBig           `json:"v"`
	R                    hexBig           `json:"r"`
	S                    hexBig           `json:"s"`
}

type rpcWithdrawal struct {
	Index     hexNum        `json:"index"`
	Validator hexNum        `json:"validatorIndex"`
	Address   types.Address `json:"address"`
	Amount    hexNum        `json:"amount"`
}

type rpcBlock struct {
	Hash             types.Hash      `json:"hash"`
	ParentHash       types.Hash      `json:"parentHash"`
	UncleHash        types.Hash      `json:"sha3Uncles"`
	Coinbase         types.Address   `json:"miner"`
	Root             types.Hash      `json:"stateRoot"`
	TxHash           types.Hash      `json:"transactionsRoot"`
	ReceiptHash      types.Hash      `json:"receiptsRoot"`
	Bloom            types.Bloom     `json:"logsBloom"`
	Number           hexNum          `json:"number"`
	GasLimit         hexNum          `json:"gasLimit"`
	GasUsed          hexNum          `json:"gasUsed"`
	Time             hexNum          `json:"timestamp"`
	Extra            hexBytes        `json:"extraData"`
	MixDigest        types.Hash      `json:"mixHash"`
	BaseFee          hexBig          `json:"baseFeePerGas"`
	WithdrawalsRoot  types.Hash      `json:"withdrawalsRoot"`
	BlobGasUsed      hexNum          `json:"blobGasUsed"`
	ExcessBlobGas    hexNum          `json:"excessBlobGas"`
	ParentBeaconRoot types.Hash      `json:"parentBeaconBlockRoot"`
	Transactions     []rpcTx         `json:"transactions"`
	Withdrawals      []rpcWithdrawal `json:"withdrawals"`
}

type hexNum uint64

func (h *hexNum) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	x, err := strconv.ParseUint(trim0x(s), 16, 64)
	*h = hexNum(x)
	return err
}

type hexBig uint256.Int

func (h *hexBig) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	x, err := uint256.FromHex(s)
	if err != nil {
		return err
	}
	*h = hexBig(*x)
	return nil
}

func (h *hexBig) u() uint256.Int { return uint256.Int(*h) }

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := types.DecodeHex(s)
	*h = d
	return err
}

func trim0x(s string) string {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return s[2:]
	}
	return s
}

func (j *rpcTx) tx() *types.Transaction {
	tx := &types.Transaction{
		Type:       uint8(j.Type),
		Nonce:      uint64(j.Nonce),
		Gas:        uint64(j.Gas),
		Value:      j.Value.u(),
		Data:       j.Input,
		AccessList: j.AccessList,
		V:          j.V.u(),
		R:          j.R.u(),
		S:          j.S.u(),
		BlobHashes: j.BlobVersionedHashes,
	}
	if j.To == nil {
		tx.IsCreate = true
	} else {
		tx.To = *j.To
	}
	if j.ChainID != nil {
		tx.ChainID = j.ChainID.u()
	}
	switch tx.Type {
	case types.LegacyTxType, types.AccessListTxType:
		tx.GasPrice = j.GasPrice.u()
	default:
		tx.GasFeeCap = j.MaxFeePerGas.u()
		tx.GasTipCap = j.MaxPriorityFeePerGas.u()
	}
	if j.MaxFeePerBlobGas != nil {
		tx.BlobFeeCap = j.MaxFeePerBlobGas.u()
	}
	tx.Seal()
	return tx
}

type preAccount struct {
	Basic struct {
		Balance hexBig `json:"balance"`
		Nonce   uint64 `json:"nonce"`
	} `json:"basic"`
	Code *struct {
		Bytecode hexBytes `json:"bytecode"`
	} `json:"code"`
	Storage map[string]hexBig `json:"storage"`
}

func loadMainnetBlock(t *testing.T, dir string) (*types.Block, chainspec.Alloc, map[uint64]types.Hash) {
	t.Helper()
	var rb rpcBlock
	readJSON(t, filepath.Join(dir, "block.json"), &rb)
	h := types.Header{
		ParentHash: rb.ParentHash, UncleHash: rb.UncleHash, Coinbase: rb.Coinbase, Root: rb.Root,
		TxHash: rb.TxHash, ReceiptHash: rb.ReceiptHash, Bloom: rb.Bloom, Number: uint64(rb.Number),
		GasLimit: uint64(rb.GasLimit), GasUsed: uint64(rb.GasUsed), Time: uint64(rb.Time), Extra: rb.Extra,
		MixDigest: rb.MixDigest, BaseFee: rb.BaseFee.u(), WithdrawalsHash: rb.WithdrawalsRoot,
		BlobGasUsed: uint64(rb.BlobGasUsed), ExcessBlobGas: uint64(rb.ExcessBlobGas), ParentBeaconRoot: rb.ParentBeaconRoot,
		Optional: types.FieldsCancun,
	}
	block := &types.Block{Header: h, Withdrawals: []types.Withdrawal{}}
	for i := range rb.Transactions {
		tx := rb.Transactions[i].tx()
		if tx.Hash() != rb.Transactions[i].Hash {
			t.Fatalf("%s: tx %d rebuilt with hash %s, want %s", dir, i, tx.Hash(), rb.Transactions[i].Hash)
		}
		block.Transactions = append(block.Transactions, tx)
	}
	for _, w := range rb.Withdrawals {
		block.Withdrawals = append(block.Withdrawals, types.Withdrawal{
			Index: uint64(w.Index), Validator: uint64(w.Validator), Address: w.Address, Amount: uint64(w.Amount)})
	}
	if got := block.Hash(); got != rb.Hash {
		t.Fatalf("%s: header rebuilt with hash %s, want %s", dir, got, rb.Hash)
	}

	var pre map[types.Address]preAccount
	readJSON(t, filepath.Join(dir, "pre_state.json"), &pre)
	alloc := make(chainspec.Alloc, len(pre))
	for addr, a := range pre {
		g := chainspec.GenesisAccount{Balance: a.Basic.Balance.u(), Nonce: a.Basic.Nonce}
		if a.Code != nil {
			g.Code = a.Code.Bytecode
		}
		for k, v := range a.Storage {
			key, err := uint256.FromHex(k)
			if err != nil {
				t.Fatalf("%s: storage key %q: %v", dir, k, err)
			}
			if g.Storage == nil {
				g.Storage = make(map[uint256.Int]uint256.Int)
			}
			g.Storage[*key] = v.u()
		}
		alloc[addr] = g
	}
	hashes := map[uint64]types.Hash{}
	if _, err := os.Stat(filepath.Join(dir, "block_hashes.json")); err == nil {
		var m map[string]types.Hash
		readJSON(t, filepath.Join(dir, "block_hashes.json"), &m)
		for k, v := range m {
			n, err := strconv.ParseUint(k, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			hashes[n] = v
		}
	}
	return block, alloc, hashes
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestMainnetBlocks executes the seven real mainnet blocks with mainnet's
// Cancun rules and checks gas used, receipts root and logs bloom against
// their headers.
func TestMainnetBlocks(t *testing.T) {
	base := testdata.Shared(t, "pevm-mainnet/blocks")
	cfg, err := chainspec.ConfigForNetwork("Cancun")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range mainnetBlocks {
		t.Run(name, func(t *testing.T) {
			block, alloc, hashes := loadMainnetBlock(t, filepath.Join(base, name))
			proc := exec.NewProcessor(cfg, nil)
			getHash := func(n uint64) types.Hash {
				h, ok := hashes[n]
				if !ok {
					t.Errorf("BLOCKHASH(%d) not in block_hashes.json", n)
				}
				return h
			}
			res, err := proc.Process(block, alloc.Memory(), getHash)
			if err != nil {
				t.Fatal(err)
			}
			// The state root is not checked: the pre-state is partial.
			err = exec.Validate(&block.Header, res, block.Header.Root)
			if err != nil {
				t.Fatalf("%d txs: %v", len(block.Transactions), err)
			}
			if !errors.Is(exec.Validate(&block.Header, res, types.Hash{1}), exec.ErrStateRootMismatch) {
				t.Fatal("state root check is not reached")
			}
			t.Logf("%d txs, %d gas: gas used, bloom and receipts root match", len(block.Transactions), res.GasUsed)
		})
	}
}

// BenchmarkMainnetBlocks executes the real mainnet blocks sequentially
// (Mgas/s and ms per block), with block access list recording off (as
// Cancun runs) and on (as Amsterdam records), to measure what recording
// costs on real traffic.
func BenchmarkMainnetBlocks(b *testing.B) {
	base := testdata.Shared(b, "pevm-mainnet/blocks")
	cfg, err := chainspec.ConfigForNetwork("Cancun")
	if err != nil {
		b.Fatal(err)
	}
	type loaded struct {
		block  *types.Block
		pre    *state.Memory
		hashes map[uint64]types.Hash
	}
	var blocks []loaded
	t := &testing.T{}
	for _, name := range mainnetBlocks {
		block, alloc, hashes := loadMainnetBlock(t, filepath.Join(base, name))
		blocks = append(blocks, loaded{block, alloc.Memory(), hashes})
	}
	for _, record := range []bool{false, true} {
		name := "record=off"
		if record {
			name = "record=on"
		}
		b.Run(name, func(b *testing.B) {
			proc := exec.NewProcessor(cfg, nil)
			proc.ForceRecord(record)
			var gas uint64
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range blocks {
					res, err := proc.Process(l.block, l.pre, func(n uint64) types.Hash { return l.hashes[n] })
					if err != nil {
						b.Fatal(err)
					}
					gas += res.GasUsed
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(gas)/sec/1e6, "mgas/s")
			b.ReportMetric(sec*1000/float64(b.N*len(blocks)), "ms/block")
		})
	}
}
