package gethpeer

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/types/bal"
	"github.com/holiman/uint256"
)

// The ethereum/tests "blockchain_test" JSON form, as execution-spec-tests
// writes it: header field names of the test suites, hex quantities, and for
// each Amsterdam block its access list.
type (
	fixture struct {
		Network            string                    `json:"network"`
		GenesisRLP         string                    `json:"genesisRLP"`
		GenesisBlockHeader fixtureHeader             `json:"genesisBlockHeader"`
		Pre                map[string]fixtureAccount `json:"pre"`
		Blocks             []fixtureBlock            `json:"blocks"`
		PostState          map[string]fixtureAccount `json:"postState"`
		LastBlockHash      common.Hash               `json:"lastblockhash"`
		SealEngine         string                    `json:"sealEngine"`
		Info               map[string]string         `json:"_info"`
	}

	fixtureBlock struct {
		RLP             string              `json:"rlp"`
		BlockHeader     fixtureHeader       `json:"blockHeader"`
		BlockAccessList []fixtureBALAccount `json:"blockAccessList,omitempty"`
	}

	fixtureHeader struct {
		ParentHash            common.Hash     `json:"parentHash"`
		UncleHash             common.Hash     `json:"uncleHash"`
		Coinbase              common.Address  `json:"coinbase"`
		StateRoot             common.Hash     `json:"stateRoot"`
		TransactionsTrie      common.Hash     `json:"transactionsTrie"`
		ReceiptTrie           common.Hash     `json:"receiptTrie"`
		Bloom                 hexutil.Bytes   `json:"bloom"`
		Difficulty            *hexutil.Big    `json:"difficulty"`
		Number                hexutil.Uint64  `json:"number"`
		GasLimit              hexutil.Uint64  `json:"gasLimit"`
		GasUsed               hexutil.Uint64  `json:"gasUsed"`
		Timestamp             hexutil.Uint64  `json:"timestamp"`
		ExtraData             hexutil.Bytes   `json:"extraData"`
		MixHash               common.Hash     `json:"mixHash"`
		Nonce                 hexutil.Bytes   `json:"nonce"`
		BaseFeePerGas         *hexutil.Big    `json:"baseFeePerGas,omitempty"`
		WithdrawalsRoot       *common.Hash    `json:"withdrawalsRoot,omitempty"`
		BlobGasUsed           *hexutil.Uint64 `json:"blobGasUsed,omitempty"`
		ExcessBlobGas         *hexutil.Uint64 `json:"excessBlobGas,omitempty"`
		ParentBeaconBlockRoot *common.Hash    `json:"parentBeaconBlockRoot,omitempty"`
		RequestsHash          *common.Hash    `json:"requestsHash,omitempty"`
		BlockAccessListHash   *common.Hash    `json:"blockAccessListHash,omitempty"`
		SlotNumber            *hexutil.Uint64 `json:"slotNumber,omitempty"`
		Hash                  common.Hash     `json:"hash"`
	}

	fixtureAccount struct {
		Balance *hexutil.Big                `json:"balance"`
		Code    hexutil.Bytes               `json:"code"`
		Nonce   hexutil.Uint64              `json:"nonce"`
		Storage map[common.Hash]common.Hash `json:"storage"`
	}

	fixtureBALAccount struct {
		Address        common.Address       `json:"address"`
		NonceChanges   []fixtureNonceChange `json:"nonceChanges"`
		BalanceChanges []fixtureBalChange   `json:"balanceChanges"`
		CodeChanges    []fixtureCodeChange  `json:"codeChanges"`
		StorageChanges []fixtureSlotChanges `json:"storageChanges"`
		StorageReads   []*hexutil.Big       `json:"storageReads"`
	}

	fixtureNonceChange struct {
		Index hexutil.Uint64 `json:"blockAccessIndex"`
		Nonce hexutil.Uint64 `json:"postNonce"`
	}

	fixtureBalChange struct {
		Index   hexutil.Uint64 `json:"blockAccessIndex"`
		Balance *hexutil.Big   `json:"postBalance"`
	}

	fixtureCodeChange struct {
		Index hexutil.Uint64 `json:"blockAccessIndex"`
		Code  hexutil.Bytes  `json:"newCode"`
	}

	fixtureSlotChanges struct {
		Slot    *hexutil.Big        `json:"slot"`
		Changes []fixtureSlotChange `json:"slotChanges"`
	}

	fixtureSlotChange struct {
		Index hexutil.Uint64 `json:"blockAccessIndex"`
		Value *hexutil.Big   `json:"postValue"`
	}
)

// FixtureName is the test name WriteFixture gives a chain.
func (c *Chain) FixtureName() string {
	p := c.Params
	return fmt.Sprintf("gethpeer_%s_seed%d_blocks%d_txs%d", p.Fork, p.Seed, p.Blocks, p.TxsPerBlock)
}

// WriteFixture writes the chain as a blockchain test (one test, named
// FixtureName) in the ethereum/tests JSON form that `balexec blocktest`
// runs: network, pre, genesisRLP, genesisBlockHeader, blocks with their RLP,
// header and, from Amsterdam, block access list, postState (go-ethereum's
// whole state after the last block) and lastblockhash.
func (c *Chain) WriteFixture(w io.Writer) error {
	f := fixture{
		Network:            c.Params.Fork.String(),
		GenesisRLP:         hexutil.Encode(mustRLP(c.GenesisBlock)),
		GenesisBlockHeader: headerJSON(c.GenesisBlock.Header()),
		Pre:                allocJSON(c.Genesis.Alloc),
		PostState:          allocJSON(c.post),
		LastBlockHash:      c.GenesisBlock.Hash(),
		SealEngine:         "NoProof",
		Info: map[string]string{
			"comment":   "generated by go-ethereum v1.17.10 (core.GenerateChainWithGenesis) for balexec's differential harness",
			"generator": c.Params.String(),
		},
	}
	for _, b := range c.Blocks {
		fb := fixtureBlock{RLP: hexutil.Encode(mustRLP(b)), BlockHeader: headerJSON(b.Header())}
		if al := b.AccessList(); al != nil {
			fb.BlockAccessList = balJSON(al)
		}
		f.Blocks = append(f.Blocks, fb)
		f.LastBlockHash = b.Hash()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]fixture{c.FixtureName(): f})
}

func headerJSON(h *types.Header) fixtureHeader {
	out := fixtureHeader{
		ParentHash:            h.ParentHash,
		UncleHash:             h.UncleHash,
		Coinbase:              h.Coinbase,
		StateRoot:             h.Root,
		TransactionsTrie:      h.TxHash,
		ReceiptTrie:           h.ReceiptHash,
		Bloom:                 h.Bloom[:],
		Difficulty:            (*hexutil.Big)(h.Difficulty),
		Number:                hexutil.Uint64(h.Number.Uint64()),
		GasLimit:              hexutil.Uint64(h.GasLimit),
		GasUsed:               hexutil.Uint64(h.GasUsed),
		Timestamp:             hexutil.Uint64(h.Time),
		ExtraData:             h.Extra,
		MixHash:               h.MixDigest,
		Nonce:                 h.Nonce[:],
		BaseFeePerGas:         (*hexutil.Big)(h.BaseFee),
		WithdrawalsRoot:       h.WithdrawalsHash,
		BlobGasUsed:           (*hexutil.Uint64)(h.BlobGasUsed),
		ExcessBlobGas:         (*hexutil.Uint64)(h.ExcessBlobGas),
		ParentBeaconBlockRoot: h.ParentBeaconRoot,
		RequestsHash:          h.RequestsHash,
		BlockAccessListHash:   h.BlockAccessListHash,
		SlotNumber:            (*hexutil.Uint64)(h.SlotNumber),
		Hash:                  h.Hash(),
	}
	if out.ExtraData == nil {
		out.ExtraData = []byte{}
	}
	return out
}

func allocJSON(alloc types.GenesisAlloc) map[string]fixtureAccount {
	out := make(map[string]fixtureAccount, len(alloc))
	for addr, acc := range alloc {
		bal := acc.Balance
		if bal == nil {
			bal = new(big.Int)
		}
		fa := fixtureAccount{Balance: (*hexutil.Big)(bal), Code: acc.Code, Nonce: hexutil.Uint64(acc.Nonce),
			Storage: make(map[common.Hash]common.Hash, len(acc.Storage))}
		if fa.Code == nil {
			fa.Code = []byte{}
		}
		for k, v := range acc.Storage {
			if v != (common.Hash{}) {
				fa.Storage[k] = v
			}
		}
		out[addr.Hex()] = fa
	}
	return out
}

func u256JSON(z *uint256.Int) *hexutil.Big {
	if z == nil {
		return (*hexutil.Big)(new(big.Int))
	}
	return (*hexutil.Big)(z.ToBig())
}

// balJSON converts go-ethereum's block access list into the
// execution-spec-tests JSON form, every list present (empty, not null).
func balJSON(l *bal.BlockAccessList) []fixtureBALAccount {
	out := make([]fixtureBALAccount, 0, len(*l))
	for _, a := range *l {
		fa := fixtureBALAccount{
			Address:        a.Address,
			NonceChanges:   []fixtureNonceChange{},
			BalanceChanges: []fixtureBalChange{},
			CodeChanges:    []fixtureCodeChange{},
			StorageChanges: []fixtureSlotChanges{},
			StorageReads:   []*hexutil.Big{},
		}
		for _, n := range a.NonceChanges {
			fa.NonceChanges = append(fa.NonceChanges, fixtureNonceChange{hexutil.Uint64(n.BlockAccessIndex), hexutil.Uint64(n.PostNonce)})
		}
		for _, b := range a.BalanceChanges {
			fa.BalanceChanges = append(fa.BalanceChanges, fixtureBalChange{hexutil.Uint64(b.BlockAccessIndex), u256JSON(b.PostBalance)})
		}
		for _, c := range a.CodeChanges {
			code := c.NewCode
			if code == nil {
				code = []byte{}
			}
			fa.CodeChanges = append(fa.CodeChanges, fixtureCodeChange{hexutil.Uint64(c.BlockAccessIndex), code})
		}
		for _, s := range a.StorageChanges {
			sc := fixtureSlotChanges{Slot: u256JSON(s.Slot), Changes: []fixtureSlotChange{}}
			for _, w := range s.SlotChanges {
				sc.Changes = append(sc.Changes, fixtureSlotChange{hexutil.Uint64(w.BlockAccessIndex), u256JSON(w.PostValue)})
			}
			fa.StorageChanges = append(fa.StorageChanges, sc)
		}
		for _, r := range a.StorageReads {
			fa.StorageReads = append(fa.StorageReads, u256JSON(r))
		}
		out = append(out, fa)
	}
	return out
}
