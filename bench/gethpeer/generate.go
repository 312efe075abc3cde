package gethpeer

import (
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus"
	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/tests"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"
)

// Chain is a generated chain: the genesis, the blocks and receipts as
// go-ethereum produced them, the state of every block, and what the
// generator put in.
type Chain struct {
	Params  Params
	Config  *params.ChainConfig
	Genesis *core.Genesis
	// GenesisBlock is the block go-ethereum builds from Genesis.
	GenesisBlock *types.Block
	Blocks       []*types.Block
	// Receipts are go-ethereum's receipts of each block, with every derived
	// field (hashes, indices, gas used, effective prices) filled in.
	Receipts []types.Receipts
	// Coverage counts the kinds of transaction and block content generated.
	Coverage Coverage
	// Addresses lists, sorted, every address the generator referred to:
	// genesis accounts, senders, recipients, coinbases, withdrawal and
	// delegation targets, and the addresses of created contracts. The state
	// comparison looks at each of them.
	Addresses []common.Address
	// Slots are the storage keys the generated code uses.
	Slots []common.Hash

	db       ethdb.Database     // go-ethereum's state of every block (hash scheme)
	requests [][][]byte         // go-ethereum's EIP-7685 requests of each block (nil before Prague)
	post     types.GenesisAlloc // go-ethereum's state after the last block, in full
}

// StateAt returns go-ethereum's state after block i (-1 for the genesis).
func (c *Chain) StateAt(i int) (*state.StateDB, error) {
	root := c.GenesisBlock.Root()
	if i >= 0 {
		root = c.Blocks[i].Root()
	}
	tdb := triedb.NewDatabase(c.db, triedb.HashDefaults)
	return state.New(root, state.NewDatabase(tdb, state.NewCodeDB(c.db)))
}

// GenesisJSON returns the genesis as a go-ethereum genesis file.
func (c *Chain) GenesisJSON() ([]byte, error) { return json.Marshal(c.Genesis) }

// Engine returns the consensus engine the chain was generated with (the
// beacon engine over ethash's faker, as go-ethereum's own tests use).
func Engine() consensus.Engine { return beacon.New(ethash.NewFaker()) }

// genesisGasLimit is the gas limit of every generated block: room for a few
// dozen transactions of a few million gas each, EIP-8037's state gas
// included.
const genesisGasLimit = 60_000_000

// numSenders, numUniversal: how many funded keys and genesis instances of
// the universal contract each chain has.
const (
	numSenders   = 12
	numUniversal = 4
	numSlots     = 14 // slots 0..numSlots-1 are the ones the commands use (see slotKey)
	squatSalt    = 4  // the CREATE2 salt that lands on genesis accounts without code
)

// slotKey returns the storage key of the commands' slot number s: 0..11
// are small keys, 12 and 13 large ones.
func slotKey(s uint64) common.Hash {
	var k uint256.Int
	switch s {
	case 12:
		k.Lsh(uint256.NewInt(1), 247)
	case 13:
		k.SetAllOne().Rsh(&k, 8) // the largest 248-bit slot a command can name
	default:
		k.SetUint64(s)
	}
	return k.Bytes32()
}

// Generate builds the chain p selects with go-ethereum. It fails with
// ErrInvalidParams or, when go-ethereum refuses what the generator made,
// ErrGenerate naming the seed.
func Generate(p Params) (c *Chain, err error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	g := newGenerator(p)
	gspec := g.genesis()
	engine := Engine()
	bcfg := core.DefaultConfig()
	bcfg.Preimages = true // for the post-state dump
	bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), gspec, engine, bcfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: blockchain: %v", ErrGenerate, p, err)
	}
	defer bc.Stop()
	g.bc = bc
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				c, err = nil, fmt.Errorf("%w: %s: block %d: %w", ErrGenerate, p, g.blockNum, e)
			} else {
				c, err = nil, fmt.Errorf("%w: %s: block %d: %v", ErrGenerate, p, g.blockNum, r)
			}
		}
	}()
	db, blocks, receipts := core.GenerateChainWithGenesis(gspec, engine, p.Blocks, g.block)
	if _, err := bc.InsertChain(blocks[len(blocks)-1:]); err != nil {
		return nil, fmt.Errorf("%w: %s: block %d: %v", ErrGethImport, p, len(blocks), err)
	}
	post, err := dumpState(bc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrGenerate, p, err)
	}
	c = &Chain{
		Params:       p,
		Config:       gspec.Config,
		Genesis:      gspec,
		GenesisBlock: bc.Genesis(),
		Blocks:       blocks,
		Receipts:     receipts,
		Coverage:     g.cov,
		db:           db,
		requests:     g.requests,
		post:         post,
	}
	for _, r := range receipts {
		for _, rc := range r {
			for _, l := range rc.Logs {
				if len(l.Topics) == 1 && l.Topics[0] == createdTopic && len(l.Data) == 32 {
					g.see(common.BytesToAddress(l.Data))
				}
			}
			if rc.ContractAddress != (common.Address{}) {
				g.see(rc.ContractAddress)
			}
		}
	}
	for addr := range post {
		g.see(addr)
	}
	for addr := range g.seen {
		c.Addresses = append(c.Addresses, addr)
	}
	slices.SortFunc(c.Addresses, func(a, b common.Address) int { return a.Cmp(b) })
	for s := range numSlots {
		c.Slots = append(c.Slots, slotKey(uint64(s)))
	}
	return c, nil
}

// generator holds the state of one generation run. It is not safe for
// concurrent use.
type generator struct {
	p   Params
	rng *rand.Rand
	cfg *params.ChainConfig

	keys      []*ecdsa.PrivateKey
	senders   []common.Address
	universal []common.Address // instances of the universal contract
	sdContract,
	reverter,
	kvStore common.Address
	system    []common.Address                  // system contracts and the system address
	empties   []common.Address                  // empty accounts of the genesis
	fresh     []common.Address                  // accounts created by transfers
	delegated map[common.Address]common.Address // authority -> target, as the generator set it
	create2s  map[common.Address]bool           // CREATE2 addresses attempted
	seen      map[common.Address]bool

	cov      Coverage
	requests [][][]byte

	// Per block.
	bc          *core.BlockChain // go-ethereum's import of the blocks so far: BLOCKHASH and parent state
	blockNum    uint64
	parentState *state.StateDB
	parent      *types.Header
	blobsLeft   int
	blobFee     *uint256.Int
	coinbase    common.Address
}

func newGenerator(p Params) *generator {
	cfg := *tests.Forks[p.Fork.String()]
	g := &generator{
		p:         p,
		rng:       rand.New(rand.NewPCG(p.Seed, 0x6765746870656572)), // "gethpeer"
		cfg:       &cfg,
		delegated: make(map[common.Address]common.Address),
		create2s:  make(map[common.Address]bool),
		seen:      make(map[common.Address]bool),
	}
	for i := range numSenders {
		k := g.key(uint64(i))
		g.keys = append(g.keys, k)
		g.senders = append(g.senders, crypto.PubkeyToAddress(k.PublicKey))
	}
	return g
}

// key derives the i-th private key of the seed.
func (g *generator) key(i uint64) *ecdsa.PrivateKey {
	var buf [24]byte
	copy(buf[:8], "gethpeer")
	binary.BigEndian.PutUint64(buf[8:], g.p.Seed)
	for ctr := uint64(0); ; ctr++ {
		binary.BigEndian.PutUint64(buf[16:], i<<16|ctr)
		k, err := crypto.ToECDSA(crypto.Keccak256(buf[:]))
		if err == nil {
			return k
		}
	}
}

// addr derives an address from the seed and a label.
func (g *generator) addr(label string, i int) common.Address {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], g.p.Seed)
	binary.BigEndian.PutUint64(buf[8:], uint64(i))
	return common.BytesToAddress(crypto.Keccak256([]byte(label), buf[:]))
}

// see records an address for the state comparison.
func (g *generator) see(a common.Address) { g.seen[a] = true }

// genesis builds the genesis: the fork's test-network configuration, the
// system contracts, funded senders, instances of the universal contract and
// a few single-purpose contracts.
func (g *generator) genesis() *core.Genesis {
	alloc := core.SystemContractAllocs()
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	for i, a := range g.senders {
		bal := new(big.Int).Mul(ether, big.NewInt(1_000_000+int64(g.rng.IntN(1000))))
		alloc[a] = types.Account{Balance: bal, Nonce: uint64(g.rng.IntN(3))}
		if i == 0 && g.p.Fork >= Prague {
			// An account delegated from genesis on.
			acc := alloc[a]
			acc.Code = delegation(g.addr("universal", 0))
			alloc[a] = acc
			g.delegated[a] = g.addr("universal", 0)
		}
	}
	ucode := universalCode()
	for i := range numUniversal {
		a := g.addr("universal", i)
		storage := make(map[common.Hash]common.Hash)
		for s := range numSlots {
			if g.rng.IntN(2) == 0 {
				storage[slotKey(uint64(s))] = common.BigToHash(big.NewInt(int64(1 + g.rng.IntN(3))))
			}
		}
		alloc[a] = types.Account{Code: ucode, Nonce: 1, Balance: new(big.Int).Set(ether), Storage: storage}
		g.universal = append(g.universal, a)
	}
	g.sdContract = g.addr("selfdestruct", 0)
	alloc[g.sdContract] = types.Account{Code: selfdestructRuntime, Nonce: 1, Balance: big.NewInt(1_000_000)}
	g.reverter = g.addr("reverter", 0)
	alloc[g.reverter] = types.Account{Code: revertRuntime, Nonce: 1, Balance: new(big.Int)}
	g.kvStore = g.addr("kv", 0)
	alloc[g.kvStore] = types.Account{Code: kvRuntime, Nonce: 1, Balance: new(big.Int), Storage: map[common.Hash]common.Hash{
		common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(5)),
	}}
	// Empty accounts (allowed in a genesis; the first touch deletes them
	// under EIP-161). Not under Amsterdam: go-ethereum's BAL-parallel
	// processor keeps a touched empty account that its sequential processor
	// (and so its chain maker) deletes, and rejects such blocks.
	for i := range 3 {
		if g.p.Fork >= Amsterdam {
			break
		}
		a := g.addr("empty", i)
		alloc[a] = types.Account{Balance: new(big.Int)}
		g.empties = append(g.empties, a)
	}
	// A precompile that exists as an account.
	alloc[common.BytesToAddress([]byte{2})] = types.Account{Balance: big.NewInt(1)}
	// Accounts at addresses the first universal contract can CREATE2 to:
	// one with storage (go-ethereum does not implement EIP-7610, so a
	// CREATE2 there succeeds and keeps the storage), one with balance only.
	tmpl := templates()
	alloc[create2Address(g.addr("universal", 0), squatSalt, tmpl[tmplKVRuntime])] = types.Account{
		Balance: big.NewInt(3), Storage: map[common.Hash]common.Hash{slotKey(1): common.BigToHash(big.NewInt(9))},
	}
	alloc[create2Address(g.addr("universal", 0), squatSalt, tmpl[tmplEmptyCode])] = types.Account{Balance: big.NewInt(5)}
	if dep := g.cfg.DepositContractAddress; dep != (common.Address{}) {
		alloc[dep] = types.Account{Code: depositEmitterCode(), Nonce: 1, Balance: new(big.Int)}
	}
	for a := range alloc {
		g.see(a)
	}
	g.system = []common.Address{params.SystemAddress, params.HistoryStorageAddress, params.WithdrawalQueueAddress,
		params.ConsolidationQueueAddress, params.BeaconRootsAddress}
	g.see(params.SystemAddress)
	extra := make([]byte, g.rng.IntN(33))
	g.fill(extra)
	return &core.Genesis{
		Config:     g.cfg,
		Timestamp:  uint64(g.rng.IntN(1_000_000)),
		ExtraData:  extra,
		GasLimit:   genesisGasLimit,
		Difficulty: new(big.Int),
		Coinbase:   g.addr("coinbase", 0),
		Alloc:      alloc,
	}
}

// fill fills b with random bytes.
func (g *generator) fill(b []byte) {
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
}

// hash returns a random hash.
func (g *generator) hash() common.Hash {
	var h common.Hash
	g.fill(h[:])
	return h
}

// block fills block i; it is GenerateChain's callback.
func (g *generator) block(i int, b *core.BlockGen) {
	g.blockNum = b.Number().Uint64()
	if i > 0 {
		if _, err := g.bc.InsertChain(types.Blocks{b.PrevBlock(i - 1)}); err != nil {
			panic(fmt.Errorf("%w: block %d: %v", ErrGethImport, i, err))
		}
	}
	parent := b.PrevBlock(i - 1).Header()
	st, err := g.bc.StateAt(parent.Root, parent.Number, parent.Time)
	if err != nil {
		panic(err)
	}
	g.parent, g.parentState = parent, st

	// Header fields.
	switch g.rng.IntN(5) {
	case 0:
		g.coinbase = common.Address{}
	case 1, 2:
		g.coinbase = g.senders[g.rng.IntN(len(g.senders))]
	case 3:
		g.coinbase = g.addr("coinbase", i+1)
	default:
		g.coinbase = g.universal[g.rng.IntN(len(g.universal))]
	}
	g.see(g.coinbase)
	b.SetCoinbase(g.coinbase)
	extra := make([]byte, g.rng.IntN(33))
	g.fill(extra)
	b.SetExtra(extra)
	b.SetParentBeaconRoot(g.hash())

	// Blob budget and price.
	g.blobsLeft = eip4844MaxBlobs(g.cfg, b.Timestamp())
	g.blobFee = blobBaseFee(g.cfg, parent, b)

	coinbaseSent := false
	for range g.p.TxsPerBlock {
		tx, kinds, ok := g.transaction(b)
		if !ok {
			break
		}
		b.AddTxWithChain(g.bc, tx)
		for _, k := range kinds {
			g.cov[k]++
		}
		if from, _ := types.Sender(b.Signer(), tx); from == g.coinbase && !coinbaseSent {
			coinbaseSent = true
			g.cov[KindCoinbaseSender]++
		}
	}
	if g.p.TxsPerBlock >= 8 && g.rng.IntN(5) == 0 {
		g.fillBlock(b)
	}
	g.withdrawals(i, b)
	g.requests = append(g.requests, b.ConsensusLayerRequests())
}

// withdrawals adds up to three withdrawals, some of zero.
func (g *generator) withdrawals(i int, b *core.BlockGen) {
	for j := range g.rng.IntN(4) {
		var to common.Address
		switch g.rng.IntN(4) {
		case 0:
			to = g.addr("withdrawal", i*8+j) // a new account
		case 1:
			to = g.senders[g.rng.IntN(len(g.senders))]
		case 2:
			if len(g.empties) > 0 {
				to = g.empties[g.rng.IntN(len(g.empties))]
				break
			}
			fallthrough
		default:
			to = g.anyAddress()
		}
		var amount uint64
		switch g.rng.IntN(3) {
		case 0:
			g.cov[KindWithdrawalZero]++
		case 1:
			amount = 1 + uint64(g.rng.IntN(1000))
		default:
			amount = 32_000_000_000 + uint64(g.rng.Int64N(1_000_000_000))
		}
		g.see(to)
		g.cov[KindWithdrawal]++
		b.AddWithdrawal(&types.Withdrawal{Validator: uint64(g.rng.IntN(1 << 20)), Address: to, Amount: amount})
	}
}

// anyAddress returns an address the chain already knows, or a precompile.
func (g *generator) anyAddress() common.Address {
	pool := [][]common.Address{g.senders, g.universal, g.fresh, {g.sdContract, g.reverter, g.kvStore, g.coinbase}, g.system, g.empties}
	for {
		p := pool[g.rng.IntN(len(pool))]
		if len(p) > 0 {
			return p[g.rng.IntN(len(p))]
		}
	}
}

// dumpState returns the whole state of bc's head. It needs the preimages of
// every account and slot key; a state that does not hash back to the head's
// root means some were missing, and is an error.
func dumpState(bc *core.BlockChain) (types.GenesisAlloc, error) {
	head := bc.CurrentBlock()
	st, err := bc.StateAt(head.Root, head.Number, head.Time)
	if err != nil {
		return nil, err
	}
	col := &allocCollector{alloc: make(types.GenesisAlloc)}
	if _, err := st.DumpToCollector(col, nil); err != nil {
		return nil, err
	}
	if col.missing > 0 {
		return nil, fmt.Errorf("state dump: %d accounts without address preimage", col.missing)
	}
	if col.err != nil {
		return nil, col.err
	}
	root := types.EmptyRootHash
	if len(col.alloc) > 0 {
		root, err = allocRoot(col.alloc)
		if err != nil {
			return nil, err
		}
	}
	if root != head.Root {
		return nil, fmt.Errorf("state dump incomplete: it hashes to %s, the head's root is %s", root, head.Root)
	}
	return col.alloc, nil
}

// allocRoot returns the state root of an allocation, empty accounts
// included (as in a genesis).
func allocRoot(alloc types.GenesisAlloc) (common.Hash, error) {
	st, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		return common.Hash{}, err
	}
	for addr, acc := range alloc {
		st.SetBalance(addr, uint256.MustFromBig(acc.Balance), tracing.BalanceChangeUnspecified)
		st.SetNonce(addr, acc.Nonce, tracing.NonceChangeUnspecified)
		st.SetCode(addr, acc.Code, tracing.CodeChangeUnspecified)
		for k, v := range acc.Storage {
			st.SetState(addr, k, v)
		}
	}
	return st.IntermediateRoot(params.Rules{}), nil // no EIP-158 deletion
}

// allocCollector gathers a state dump into an allocation.
type allocCollector struct {
	alloc   types.GenesisAlloc
	missing int
	err     error
}

func (c *allocCollector) OnRoot(common.Hash) {}

func (c *allocCollector) OnAccount(addr *common.Address, acc state.DumpAccount) {
	if addr == nil {
		c.missing++
		return
	}
	bal, ok := new(big.Int).SetString(acc.Balance, 10)
	if !ok {
		c.err = fmt.Errorf("state dump: balance %q of %s", acc.Balance, addr)
		return
	}
	a := types.Account{Balance: bal, Nonce: acc.Nonce, Code: acc.Code}
	if len(acc.Storage) > 0 {
		a.Storage = make(map[common.Hash]common.Hash, len(acc.Storage))
		for k, v := range acc.Storage {
			a.Storage[k] = common.HexToHash(v)
		}
	}
	c.alloc[*addr] = a
}
