package bench

import (
	"fmt"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// kind is a kind of transaction a workload draws.
type kind uint8

const (
	kindTransfer kind = iota // value transfer, a fifth to new accounts
	kindToken                // erc20.asm transfer, a fifth to new holders
	kindSwap                 // pool.asm swap on one of a few pools
	kindMint                 // nft.asm mint on the one collection
	kindStore                // fresh_sstore.asm: fresh slots
	kindCompute              // compute.asm: hashing and arithmetic
	numKinds
)

var kindNames = [numKinds]string{"transfer", "token", "swap", "mint", "store", "compute"}

func (k kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// initialRatio is the share of its execution allowance a transaction of
// each kind is expected to use before a trial has measured it.
var initialRatio = [numKinds]float64{
	kindTransfer: 1, kindToken: 0.5, kindSwap: 0.5, kindMint: 0.5, kindStore: 0.3, kindCompute: 1,
}

// Sizes of the contract workloads.
const (
	numTokensDEX = 4  // tokens the pools trade
	numWriters   = 4  // fresh_sstore.asm instances
	tokenSupply  = 30 // senders hold 10^tokenSupply base units of each token
	// Execution allowances above the intrinsic gas (generous: the trial
	// measures what is used, and every transaction must succeed).
	tokenGas     = 80_000
	swapGas      = 250_000
	mintGas      = 100_000
	storeBaseGas = 30_000
	storeSlotGas = 30_000 // per slot, besides its state gas
)

// pool is a pool.asm instance and its two tokens.
type pool struct {
	addr           types.Address
	token0, token1 types.Address
}

// poolPairs are the token pairs of the pools (indices into tokens).
var poolPairs = [][2]int{{0, 1}, {1, 2}, {2, 3}, {0, 3}}

// uses reports whether the workload draws transactions of kind k.
func (g *generator) uses(k kind) bool { return g.spec.weights[k] > 0 }

// genesis derives the accounts and contracts of the workload and returns
// its allocation: the system contracts, the senders (a million ether each)
// and the whale, holders (1 to 100 ether), the coinbase, and the contracts
// the workload's kinds call, with their storage.
func (g *generator) genesis() (*genesisBuilder, error) {
	gb, err := newGenesisBuilder()
	if err != nil {
		return nil, err
	}
	seed := g.p.Seed
	ether := uint256.NewInt(1e18)
	var rich uint256.Int
	rich.Mul(ether, uint256.NewInt(1_000_000))
	g.senders = deriveAccounts("sender", seed, g.p.Senders)
	for _, s := range g.senders {
		gb.fund(s.addr, &rich)
	}
	g.whale = deriveAccounts("whale", seed, 1)[0]
	gb.fund(g.whale.addr, &rich)
	g.holders = make([]types.Address, 2*g.p.Senders)
	for i := range g.holders {
		g.holders[i] = deriveAddress("holder", seed, uint64(i))
		var bal uint256.Int
		bal.Mul(ether, uint256.NewInt(1+g.rng.Uint64N(100)))
		gb.fund(g.holders[i], &bal)
	}
	g.coinbase = deriveAddress("coinbase", seed, 0)
	gb.fund(g.coinbase, uint256.NewInt(1))

	var supply uint256.Int
	supply.Exp(uint256.NewInt(10), uint256.NewInt(tokenSupply))
	needToken := g.uses(kindToken)
	if needToken || g.uses(kindSwap) {
		if err := g.deployTokens(gb, &supply, needToken); err != nil {
			return nil, err
		}
	}
	if g.uses(kindMint) {
		code, err := assemble("nft")
		if err != nil {
			return nil, err
		}
		g.nft = deriveAddress("nft", seed, 0)
		st := gb.deploy(g.nft, code)
		// ids 1..senders are minted, one to each sender, so that a mint
		// writes one new slot (its owner) and two existing ones.
		for i, s := range g.senders {
			st[mappingSlot(*uint256.NewInt(uint64(i + 1)), 1)] = addrWord(s.addr)
			st[mappingSlot(addrWord(s.addr), 2)] = *uint256.NewInt(1)
		}
		st[uint256.Int{}] = *uint256.NewInt(uint64(len(g.senders)))
	}
	if g.uses(kindStore) {
		code, err := assemble("fresh_sstore")
		if err != nil {
			return nil, err
		}
		for i := range numWriters {
			a := deriveAddress("writer", seed, uint64(i))
			gb.deploy(a, code)
			g.writers = append(g.writers, a)
		}
	}
	if g.uses(kindCompute) || g.spec.skew {
		code, err := assemble("compute")
		if err != nil {
			return nil, err
		}
		g.computer = deriveAddress("compute", seed, 0)
		gb.deploy(g.computer, code)
	}
	return gb, nil
}

// deployTokens deploys the erc20 workload's token (when token is set; the
// senders and holders hold it) and the DEX's tokens and pools (when the
// workload swaps; the senders hold every token and have approved every pool
// of it, the pools hold their reserves).
func (g *generator) deployTokens(gb *genesisBuilder, supply *uint256.Int, token bool) error {
	code, err := assemble("erc20")
	if err != nil {
		return err
	}
	seed := g.p.Seed
	if token {
		g.token = deriveAddress("token", seed, 0)
		st := gb.deploy(g.token, code)
		total := new(uint256.Int)
		for _, s := range g.senders {
			st[tokenBalanceSlot(s.addr)] = *supply
			total.Add(total, supply)
		}
		for _, h := range g.holders {
			v := *uint256.NewInt(1 + g.rng.Uint64N(1e18))
			st[tokenBalanceSlot(h)] = v
			total.Add(total, &v)
		}
		st[*uint256.NewInt(2)] = *total
	}
	if !g.uses(kindSwap) {
		return nil
	}
	poolCode, err := assemble("pool")
	if err != nil {
		return err
	}
	stores := make([]map[uint256.Int]uint256.Int, numTokensDEX)
	totals := make([]uint256.Int, numTokensDEX)
	for i := range numTokensDEX {
		g.tokens = append(g.tokens, deriveAddress("dex token", seed, uint64(i)))
		stores[i] = gb.deploy(g.tokens[i], code)
		for _, s := range g.senders {
			stores[i][tokenBalanceSlot(s.addr)] = *supply
			totals[i].Add(&totals[i], supply)
		}
	}
	allowance := new(uint256.Int).Lsh(uint256.NewInt(1), 255)
	for i, pair := range poolPairs {
		p := pool{addr: deriveAddress("pool", seed, uint64(i)), token0: g.tokens[pair[0]], token1: g.tokens[pair[1]]}
		g.pools = append(g.pools, p)
		st := gb.deploy(p.addr, poolCode)
		st[*uint256.NewInt(0)] = addrWord(p.token0)
		st[*uint256.NewInt(1)] = addrWord(p.token1)
		for j, t := range pair {
			// Reserves of 10^27 give or take a tenth.
			var r uint256.Int
			r.Mul(uint256.NewInt(900+g.rng.Uint64N(200)), new(uint256.Int).Exp(uint256.NewInt(10), uint256.NewInt(24)))
			st[*uint256.NewInt(uint64(2 + j))] = r
			stores[t][tokenBalanceSlot(p.addr)] = r
			totals[t].Add(&totals[t], &r)
			for _, s := range g.senders {
				stores[t][tokenAllowanceSlot(s.addr, p.addr)] = *allowance
			}
		}
	}
	for i := range numTokensDEX {
		stores[i][*uint256.NewInt(2)] = totals[i]
	}
	return nil
}

// draw draws the next candidate of the workload's blend.
func (g *generator) draw() (*candidate, error) {
	total := 0
	for _, w := range g.spec.weights {
		total += w
	}
	r := g.rng.IntN(total)
	k := kind(0)
	for ; r >= g.spec.weights[k]; k++ {
		r -= g.spec.weights[k]
	}
	s := g.rng.IntN(len(g.senders))
	switch k {
	case kindTransfer:
		to, isNew, commit := g.recipient(s, &g.freshAccounts, "fresh account")
		value := uint256.NewInt(1 + g.rng.Uint64N(1e15))
		state := uint64(0)
		if isNew {
			state = evm.StateGasNewAccount
		}
		c, err := g.newTx(k, s, to, value, nil, 0, state)
		if c != nil && isNew {
			c.commit = commit
		}
		return c, err
	case kindToken:
		to, isNew, commit := g.recipient(s, &g.freshHolders, "fresh holder")
		data := calldata(&selTransfer, addrWord(to), *uint256.NewInt(1 + g.rng.Uint64N(1e15)))
		state := uint64(0)
		if isNew {
			state = evm.StateGasNewSlot
		}
		c, err := g.newTx(k, s, g.token, new(uint256.Int), data, tokenGas, state)
		if c != nil && isNew {
			c.commit = commit
		}
		return c, err
	case kindSwap:
		p := g.pools[g.rng.IntN(len(g.pools))]
		amount := new(uint256.Int).Mul(uint256.NewInt(1+g.rng.Uint64N(10_000)), uint256.NewInt(1e15))
		data := calldata(&selSwap, *uint256.NewInt(g.rng.Uint64N(2)), *amount)
		return g.newTx(k, s, p.addr, new(uint256.Int), data, swapGas, 0)
	case kindMint:
		return g.newTx(k, s, g.nft, new(uint256.Int), selMint[:], mintGas, evm.StateGasNewSlot)
	case kindStore:
		// 8..32 slots in a workload of them, 1..8 in a blend.
		lo, hi := uint64(8), uint64(32)
		if g.spec.weights[kindStore] != g.total() {
			lo, hi = 1, 8
		}
		n := lo + g.rng.Uint64N(hi-lo+1)
		// A random base with its top bit set: no two draws overlap.
		var base uint256.Int
		h := derive("store base", g.rng.Uint64(), g.rng.Uint64())
		base.SetBytes32(h[:])
		base[3] |= 1 << 63
		data := calldata(nil, base, *uint256.NewInt(n))
		return g.newTx(k, s, g.writers[g.rng.IntN(len(g.writers))], new(uint256.Int), data,
			storeBaseGas+n*storeSlotGas, n*evm.StateGasNewSlot)
	case kindCompute:
		// 1M..4M gas in a workload of them, 100k..500k in a blend; never
		// more than an eighth of the block.
		lo, hi := uint64(1_000_000), uint64(4_000_000)
		if g.spec.weights[kindCompute] != g.total() {
			lo, hi = 100_000, 500_000
		}
		hi = max(lo, min(hi, g.p.GasLimit/8))
		gas := lo + g.rng.Uint64N(hi-lo+1)
		data := calldata(nil, *uint256.NewInt(computeReserve), *uint256.NewInt(g.rng.Uint64()))
		return g.newTx(k, s, g.computer, new(uint256.Int), data, gas, 0)
	}
	return nil, fmt.Errorf("%w: no kind %d", ErrGenerate, k)
}

// total is the sum of the spec's weights.
func (g *generator) total() int {
	t := 0
	for _, w := range g.spec.weights {
		t += w
	}
	return t
}

// heavy returns the heavy transaction of a skew block: a compute.asm call
// from the whale with the largest gas limit a transaction may have
// (evm.MaxTxGas, 2^24) or three fifths of the block's, whichever is less;
// it uses all but computeReserve of it.
func (g *generator) heavy() (*candidate, error) {
	gas := min(uint64(evm.MaxTxGas), g.p.GasLimit/5*3)
	data := calldata(nil, *uint256.NewInt(computeReserve), *uint256.NewInt(g.rng.Uint64()))
	c, err := g.newTx(kindCompute, -1, g.computer, new(uint256.Int), data, 0, 0)
	if err != nil {
		return nil, err
	}
	// The gas limit is set here rather than from the intrinsic gas: re-seal
	// after changing it.
	c.tx.Gas = gas
	c.tx.Seal()
	c.tx.SetSender(&g.chainID, c.from)
	return c, nil
}

// recipient returns the recipient of a transfer or token transfer from
// sender s: with probability newRecipientPercent a new address (isNew,
// and commit records it in *fresh once the transaction is included),
// otherwise an existing one: a holder (60%), another sender (20%) or an
// earlier new address (20%).
func (g *generator) recipient(s int, fresh *[]types.Address, label string) (to types.Address, isNew bool, commit func()) {
	if g.rng.IntN(100) < newRecipientPercent {
		a := deriveAddress(label, g.p.Seed, g.freshCount)
		g.freshCount++
		return a, true, func() { *fresh = append(*fresh, a) }
	}
	switch r := g.rng.IntN(10); {
	case r < 6:
		return g.holders[g.rng.IntN(len(g.holders))], false, nil
	case r < 8 || len(*fresh) == 0:
		if o := g.rng.IntN(len(g.senders)); o != s {
			return g.senders[o].addr, false, nil
		}
		return g.holders[g.rng.IntN(len(g.holders))], false, nil
	default:
		return (*fresh)[g.rng.IntN(len(*fresh))], false, nil
	}
}
