package gethpeer

import (
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/tests"
	"github.com/holiman/uint256"
)

// Bulk workloads: Amsterdam chains of large blocks of one kind of
// transaction, for timing. Each block's transactions come from distinct
// senders (as a block of independent users would), so conflicts are only
// those of the payload: a recipient that is also a sender of the block, and
// the coinbase, which every transaction pays.

// BulkParams selects a bulk workload; the same BulkParams give the same
// chain, byte for byte.
type BulkParams struct {
	Seed   uint64
	Blocks int // 1..MaxBlocks
	// TxsPerBlock is 1..MaxBulkTxsPerBlock; a block carries fewer when its
	// gas runs out.
	TxsPerBlock int
	// GasLimit is every block's gas limit (0: DefaultBulkGasLimit).
	GasLimit uint64
}

// Limits and defaults of BulkParams.
const (
	MaxBulkTxsPerBlock  = 4096
	DefaultBulkGasLimit = 60_000_000
)

func (p BulkParams) validate() error {
	switch {
	case p.Blocks < 1 || p.Blocks > MaxBlocks:
		return fmt.Errorf("%w: %d blocks (want 1..%d)", ErrInvalidParams, p.Blocks, MaxBlocks)
	case p.TxsPerBlock < 1 || p.TxsPerBlock > MaxBulkTxsPerBlock:
		return fmt.Errorf("%w: %d transactions per block (want 1..%d)", ErrInvalidParams, p.TxsPerBlock, MaxBulkTxsPerBlock)
	case p.GasLimit != 0 && p.GasLimit < params.MinGasLimit:
		return fmt.Errorf("%w: gas limit %d", ErrInvalidParams, p.GasLimit)
	}
	return nil
}

func (p BulkParams) String() string {
	return fmt.Sprintf("seed=%d blocks=%d txs=%d gaslimit=%d", p.Seed, p.Blocks, p.TxsPerBlock, p.gasLimit())
}

func (p BulkParams) gasLimit() uint64 {
	if p.GasLimit == 0 {
		return DefaultBulkGasLimit
	}
	return p.GasLimit
}

// Shares of the bulk workloads, in percent.
const (
	newRecipientPercent = 20 // transfers and token transfers to an address that never held anything
	withdrawalsPerBlock = 16 // as on mainnet
)

// bulkGen generates one bulk chain. It is not safe for concurrent use.
type bulkGen struct {
	p        BulkParams
	rng      *rand.Rand
	cfg      *params.ChainConfig
	keys     []*ecdsa.PrivateKey
	senders  []common.Address
	holders  []common.Address // funded accounts (and token holders) that send nothing
	recent   []common.Address // recipients created so far
	fresh    int              // new addresses handed out
	pending  *common.Address  // the new recipient of the transaction being built
	token    common.Address
	coinbase common.Address
	err      error // the first failure, reported after generation
}

func newBulkGen(p BulkParams, label string) *bulkGen {
	cfg := *tests.Forks[Amsterdam.String()]
	g := &bulkGen{
		p:   p,
		rng: rand.New(rand.NewPCG(p.Seed, binary.BigEndian.Uint64([]byte("bulkgen\x00")))),
		cfg: &cfg,
	}
	g.token = g.addr(label+"-token", 0)
	g.coinbase = g.addr(label+"-coinbase", 0)
	// A quarter more senders than transactions per block, so that each block
	// draws its own subset.
	for i := range p.TxsPerBlock + p.TxsPerBlock/4 {
		k := g.key(label, uint64(i))
		g.keys = append(g.keys, k)
		g.senders = append(g.senders, crypto.PubkeyToAddress(k.PublicKey))
	}
	for i := range 4 * p.TxsPerBlock {
		g.holders = append(g.holders, g.addr(label+"-holder", i))
	}
	return g
}

// key derives the i-th private key of the seed and label.
func (g *bulkGen) key(label string, i uint64) *ecdsa.PrivateKey {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], g.p.Seed)
	for ctr := uint64(0); ; ctr++ {
		binary.BigEndian.PutUint64(buf[8:], i<<16|ctr)
		k, err := crypto.ToECDSA(crypto.Keccak256([]byte(label), buf[:]))
		if err == nil {
			return k
		}
	}
}

// addr derives an address from the seed and a label.
func (g *bulkGen) addr(label string, i int) common.Address {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], g.p.Seed)
	binary.BigEndian.PutUint64(buf[8:], uint64(i))
	return common.BytesToAddress(crypto.Keccak256([]byte(label), buf[:]))
}

// genesis returns the genesis: system contracts, funded senders and holders,
// and, when token is set, the token with a balance for every sender and
// holder.
func (g *bulkGen) genesis(withToken bool) *core.Genesis {
	alloc := core.SystemContractAllocs()
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	storage := make(map[common.Hash]common.Hash)
	fund := func(a common.Address, eth int64, tokens *uint256.Int) {
		alloc[a] = types.Account{Balance: new(big.Int).Mul(ether, big.NewInt(eth))}
		if withToken {
			storage[tokenBalanceSlot(a)] = tokens.Bytes32()
		}
	}
	for _, a := range g.senders {
		fund(a, 1_000_000, new(uint256.Int).Mul(uint256.NewInt(1+uint64(g.rng.IntN(1000))), uint256.NewInt(1e18)))
	}
	for _, a := range g.holders {
		fund(a, 1+int64(g.rng.IntN(100)), uint256.NewInt(1+g.rng.Uint64N(1e18)))
	}
	if withToken {
		alloc[g.token] = types.Account{Code: tokenCode(), Nonce: 1, Balance: new(big.Int), Storage: storage}
	}
	return &core.Genesis{
		Config:     g.cfg,
		GasLimit:   g.p.gasLimit(),
		Difficulty: new(big.Int),
		Coinbase:   g.coinbase,
		ExtraData:  []byte("balexec bulk workload"),
		Alloc:      alloc,
	}
}

// recipient returns the next recipient: a new address with probability
// newRecipientPercent, otherwise one that already exists (a holder, a
// sender or an earlier new one). It reports whether the address is new.
func (g *bulkGen) recipient() (common.Address, bool) {
	if g.rng.IntN(100) < newRecipientPercent {
		a := g.addr("bulk-fresh", g.fresh)
		g.fresh++
		g.pending = &a // an existing account once the transaction is in
		return a, true
	}
	switch r := g.rng.IntN(10); {
	case r < 6:
		return g.holders[g.rng.IntN(len(g.holders))], false
	case r < 8 || len(g.recent) == 0:
		return g.senders[g.rng.IntN(len(g.senders))], false
	default:
		return g.recent[g.rng.IntN(len(g.recent))], false
	}
}

// sign signs a dynamic-fee transaction of sender i paying a tip of one to
// two gwei over the block's base fee.
func (g *bulkGen) sign(b *core.BlockGen, i int, to common.Address, value *uint256.Int, data []byte, gas uint64) *types.Transaction {
	tip := big.NewInt(1_000_000_000 + g.rng.Int64N(1_000_000_000))
	feeCap := new(big.Int).Add(new(big.Int).Mul(b.BaseFee(), big.NewInt(2)), tip)
	tx, err := types.SignNewTx(g.keys[i], b.Signer(), &types.DynamicFeeTx{
		ChainID: g.cfg.ChainID, Nonce: b.TxNonce(g.senders[i]), GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas, To: &to, Value: value.ToBig(), Data: data,
	})
	if err != nil {
		panic(err) // a valid key always signs
	}
	return tx
}

// intrinsic returns the intrinsic gas (with the calldata floor) of a call.
func (g *bulkGen) intrinsic(b *core.BlockGen, from, to common.Address, value *uint256.Int, data []byte) uint64 {
	rules := g.cfg.Rules(b.Number(), true, b.Timestamp())
	gas, err := core.IntrinsicGas(data, nil, nil, from, &to, value, rules)
	if err != nil {
		panic(err) // bounded inputs
	}
	floor, err := core.FloorDataGas(rules, from, &to, value, data, nil)
	if err != nil {
		panic(err)
	}
	return max(gas, floor)
}

// block fills one block: transactions from a random subset of the senders
// (each at most once) until TxsPerBlock or the gas runs out, then the
// withdrawals.
func (g *bulkGen) block(b *core.BlockGen, next func(b *core.BlockGen, sender int) (*types.Transaction, bool)) {
	b.SetCoinbase(g.coinbase)
	var root common.Hash
	binary.BigEndian.PutUint64(root[:], b.Number().Uint64())
	b.SetParentBeaconRoot(root)
	for n, s := range g.rng.Perm(len(g.senders)) {
		if n == g.p.TxsPerBlock {
			break
		}
		g.pending = nil
		tx, ok := next(b, s)
		if !ok || tx.Gas() > b.Gas() {
			break
		}
		b.AddTx(tx)
		if g.pending != nil {
			g.recent = append(g.recent, *g.pending)
		}
	}
	for range withdrawalsPerBlock {
		to := g.holders[g.rng.IntN(len(g.holders))]
		b.AddWithdrawal(&types.Withdrawal{Validator: g.rng.Uint64N(1 << 20), Address: to, Amount: 1 + g.rng.Uint64N(1e9)})
	}
}

// transfer is the next transaction of the transfers workload.
func (g *bulkGen) transfer(b *core.BlockGen, s int) (*types.Transaction, bool) {
	to, isNew := g.recipient()
	value := uint256.NewInt(1 + g.rng.Uint64N(1e15))
	gas := g.intrinsic(b, g.senders[s], to, value, nil)
	if isNew {
		gas += params.AccountCreationSize * params.CostPerStateByte // EIP-8037's charge for the new account
	}
	return g.sign(b, s, to, value, nil, gas), true
}

// tokenTransfer is the next transaction of the erc20 workload.
func (g *bulkGen) tokenTransfer(b *core.BlockGen, s int) (*types.Transaction, bool) {
	to, isNew := g.recipient()
	data := tokenTransferData(to, uint256.NewInt(1+g.rng.Uint64N(1e15)))
	// The call costs about 40k on top of the intrinsic gas (two cold slots,
	// two writes, a log); a new holder's slot adds EIP-8037's charge.
	gas := g.intrinsic(b, g.senders[s], g.token, new(uint256.Int), data) + 60_000
	if isNew {
		gas += params.StorageCreationSize * params.CostPerStateByte
	}
	return g.sign(b, s, g.token, new(uint256.Int), data, gas), true
}

// generate builds the chain with go-ethereum's chain maker and checks that
// every transaction succeeded.
func (g *bulkGen) generate(name string, gspec *core.Genesis, next func(b *core.BlockGen, sender int) (*types.Transaction, bool)) (w *Workload, err error) {
	defer func() {
		if r := recover(); r != nil {
			w, err = nil, fmt.Errorf("%w: %s: %s: %v", ErrGenerate, name, g.p, r)
		}
	}()
	_, blocks, receipts := core.GenerateChainWithGenesis(gspec, Engine(), g.p.Blocks, func(_ int, b *core.BlockGen) {
		g.block(b, next)
	})
	for i, rs := range receipts {
		for j, r := range rs {
			if r.Status != types.ReceiptStatusSuccessful {
				return nil, fmt.Errorf("%w: %s: %s: block %d tx %d failed (gas used %d of %d)",
					ErrGenerate, name, g.p, i+1, j, r.GasUsed, blocks[i].Transactions()[j].Gas())
			}
		}
		if blocks[i].AccessList() == nil {
			return nil, fmt.Errorf("%w: %s: block %d has no access list", ErrGenerate, name, i+1)
		}
	}
	gjson, err := json.Marshal(gspec)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: genesis JSON: %v", ErrGenerate, name, err)
	}
	return newWorkload(name, gjson, blocks, 0), nil
}

// TransfersWorkload builds the "transfers" workload: blocks of plain value
// transfers from distinct senders, a fifth of them to new accounts, the rest
// to existing ones (holders, senders, earlier new accounts).
func TransfersWorkload(p BulkParams) (*Workload, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	g := newBulkGen(p, "transfers")
	return g.generate("transfers", g.genesis(false), g.transfer)
}

// ERC20Workload builds the "erc20" workload: blocks of token transfers
// (transfer(address,uint256) on one ERC-20-style contract, two balance
// slots read and written each) from distinct senders, a fifth of them to
// addresses that never held the token.
func ERC20Workload(p BulkParams) (*Workload, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	g := newBulkGen(p, "erc20")
	return g.generate("erc20", g.genesis(true), g.tokenTransfer)
}

// MixedWorkload builds the "mixed" workload: the differential generator's
// Amsterdam chain for p (every kind of transaction, at the densest the gas
// limit allows).
func MixedWorkload(p Params) (*Workload, error) {
	if p.Fork != Amsterdam {
		return nil, fmt.Errorf("%w: the mixed workload is an Amsterdam chain, not %s", ErrInvalidParams, p.Fork)
	}
	c, err := Generate(p)
	if err != nil {
		return nil, err
	}
	gjson, err := c.GenesisJSON()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: genesis JSON: %v", ErrGenerate, p, err)
	}
	return newWorkload("mixed", gjson, c.Blocks, 0), nil
}
