package bench

import (
	"encoding/binary"
	"fmt"
	"github.com/balexec/balexec/chainspec"
	"math/rand/v2"

	"github.com/balexec/balexec/exec"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// How blocks are filled.
//
// A transaction's gas limit is signed before the block is built, and from
// Amsterdam a block is full in either of two dimensions (EIP-8037): before
// each transaction its gas limit (capped at evm.MaxTxGas) must fit in the
// execution gas left and its whole gas limit in the state gas left; after
// it, its execution gas and its state gas are added to the two sums, and
// the block's gas used is the larger. So each block is made in four steps:
//
//  1. candidates: transactions drawn from the spec (unsigned, senders
//     cached), until the gas they are expected to use overfills the block;
//  2. trial: the candidates run, all of them, with the sequential processor
//     on the parent state in a block of the same context and a gas limit
//     that admits them all; each one's execution gas is read from its
//     receipt: max(gas used - state gas, calldata floor), exact for
//     transactions that get no refund (none of the workloads' do), the
//     state gas being what the generator knows each one creates (new
//     accounts and slots);
//  3. packing: the longest prefix of the candidates the block admits, by
//     the rule above (a late heavy transaction has its room kept);
//  4. the prefix is signed, built by exec.Chain.BuildBlock (the header's gas
//     used must be the packing's prediction, and every transaction must
//     succeed) and imported (by the parallel processor), and the effects of the included transactions
//     (nonces, accounts and holders created) become the generator's state.
//
// Transactions within a block only reference what existed before it (and
// what they create themselves), so dropping the tail of the candidates
// changes nothing before it.

// Shares and sizes of the generated blocks.
const (
	blockTime           = 12
	withdrawalsPerBlock = 16   // as on mainnet
	newRecipientPercent = 20   // transfers and token transfers to an address that held nothing
	overfillPercent     = 5    // candidates beyond the block's expected capacity
	maxTrials           = 8    // trials of one block before it is accepted underfull
	computeReserve      = 5000 // the gas compute.asm leaves when it stops
)

// candidate is a transaction drawn for a block.
type candidate struct {
	kind   kind
	sender int // index into senders; -1 for the heavy transaction's whale
	from   types.Address
	tx     *types.Transaction
	// state is the state gas the transaction will be charged (new accounts
	// and slots, EIP-8037), floor its calldata floor (EIP-7623 as amended).
	state, floor uint64
	// exec is its execution gas, measured by the trial.
	exec uint64
	// commit records what the transaction creates, once it is included.
	commit func()
}

// allowance is the execution gas the candidate may use.
func (c *candidate) allowance() uint64 { return c.tx.Gas - c.state }

// generator generates one workload. It belongs to one goroutine.
type generator struct {
	spec    *spec
	p       Params
	rng     *rand.Rand
	chainID uint256.Int

	genesisJSON []byte
	chain       *exec.Chain
	cfg         *chainspec.Config
	proc        *exec.Processor
	hashes      []types.Hash // hashes[n]: block n's hash

	senders  []account
	nonces   []uint64 // committed: the next nonce of each sender after the last block
	next     []uint64 // the next nonce of each sender in the block being drawn
	whale    account  // the heavy transaction's sender
	whaleNon uint64
	holders  []types.Address // funded accounts without keys, token holders
	coinbase types.Address

	freshAccounts []types.Address // accounts transfers created
	freshHolders  []types.Address // token holders token transfers created
	freshCount    uint64

	token    types.Address
	tokens   []types.Address
	pools    []pool
	nft      types.Address
	writers  []types.Address
	computer types.Address

	withdrawals uint64 // withdrawal index
	heavyPhase  uint64 // skew: block numbers of this parity have the heavy transaction last
	// ratio is, per kind, the share of its execution allowance (gas limit
	// less state gas) a transaction used in the last trial: what the next
	// candidates are expected to use.
	ratio [numKinds]float64

	// The block being drawn.
	baseFee uint256.Int
	rules   evm.Rules
}

// newGenerator sets up the genesis and the chain.
func newGenerator(sp *spec, p Params) (*generator, error) {
	var stream [8]byte
	copy(stream[:], sp.name)
	g := &generator{
		spec:  sp,
		p:     p,
		rng:   rand.New(rand.NewPCG(p.Seed, binary.BigEndian.Uint64(stream[:]))),
		ratio: initialRatio,
	}
	g.chainID.SetUint64(chainID)
	gb, err := g.genesis()
	if err != nil {
		return nil, err
	}
	if g.genesisJSON, err = gb.json(p.GasLimit, "balexec bench "+sp.name); err != nil {
		return nil, err
	}
	if g.chain, g.cfg, err = newChain(g.genesisJSON); err != nil {
		return nil, err
	}
	g.proc = exec.NewProcessor(g.cfg, nil)
	// Importing a built block is the third execution of its transactions
	// (after the trial and the build): the parallel processor does it on
	// all cores, checked against the list the build made.
	g.chain.EnableParallel(0, 0)
	g.hashes = []types.Hash{g.chain.Head().Hash()}
	g.nonces = make([]uint64, len(g.senders))
	g.next = make([]uint64, len(g.senders))
	return g, nil
}

// nextBlock generates, builds and imports the next block.
func (g *generator) nextBlock() (Block, error) {
	parent := g.chain.Head()
	number, t := parent.Number+1, parent.Time+blockTime
	var err error
	if g.baseFee, err = exec.CalcBaseFee(g.cfg, parent); err != nil {
		return Block{}, fmt.Errorf("%w: block %d: %w", ErrGenerate, number, err)
	}
	if g.rules, err = g.cfg.Rules(number, t); err != nil {
		return Block{}, fmt.Errorf("%w: block %d: %w", ErrGenerate, number, err)
	}
	attrs := &exec.BuildAttributes{
		Timestamp:        t,
		FeeRecipient:     g.coinbase,
		PrevRandao:       derive("randao", g.p.Seed, number),
		GasLimit:         g.p.GasLimit,
		ParentBeaconRoot: derive("beacon root", g.p.Seed, number),
		Withdrawals:      g.drawWithdrawals(),
		SlotNumber:       parent.SlotNumber + 1,
		Extra:            []byte("balexec bench"),
	}
	copy(g.next, g.nonces)

	// The heavy transaction of a skew block goes first or last, the
	// blocks alternating from a place the seed picks.
	var heavy *candidate
	heavyLast := false
	if g.spec.skew {
		if heavy, err = g.heavy(); err != nil {
			return Block{}, err
		}
		if number == 1 {
			g.heavyPhase = g.rng.Uint64N(2)
		}
		heavyLast = (number+g.heavyPhase)%2 == 0
	}
	limit := g.p.GasLimit
	if heavyLast {
		limit -= heavy.tx.Gas // its room, in both dimensions
	}
	var (
		cands                         []*candidate
		n                             int
		execSum, stateSum             uint64
		expectExec, expectState, last uint64
	)
	if heavy != nil && !heavyLast {
		cands = append(cands, heavy)
		expectExec = heavy.tx.Gas
	}
	for trial := 0; ; trial++ {
		// Draw until the block is overfilled by the expectation.
		target := limit / 100 * (100 + overfillPercent)
		if trial > 0 {
			target = last + last/4 // the last draw all fitted: a quarter more
		}
		for expectExec < target && expectState < limit {
			c, err := g.draw()
			if err != nil {
				return Block{}, err
			}
			cands = append(cands, c)
			expectExec += uint64(g.ratio[c.kind] * float64(c.allowance()))
			expectState += c.state
		}
		last = expectExec
		all := cands
		if heavyLast {
			all = append(cands[:len(cands):len(cands)], heavy)
		}
		if err := g.trial(parent, attrs, all); err != nil {
			return Block{}, err
		}
		n, execSum, stateSum = pack(cands, limit)
		if n < len(cands) || trial+1 == maxTrials {
			break
		}
	}
	txs := make([]*types.Transaction, 0, n+1)
	included := cands[:n]
	if heavyLast {
		included = append(included[:n:n], heavy)
		execSum += heavy.exec
	}
	senders := make([]types.Address, len(included))
	for i, c := range included {
		txs = append(txs, c.tx)
		senders[i] = c.from
		g.commit(c)
	}
	predicted := max(execSum, stateSum)

	// Sign what is in the block, on all cores.
	parallel(len(included), func(i int) {
		c := included[i]
		key := g.whale.key
		if c.sender >= 0 {
			key = g.senders[c.sender].key
		}
		sign(c.tx, key, c.from, &g.chainID)
	})
	built, err := g.chain.BuildBlock(attrs, txs)
	if err != nil {
		return Block{}, fmt.Errorf("%w: %w", ErrGenerate, err)
	}
	h := &built.Block.Header
	if h.GasUsed != predicted {
		return Block{}, fmt.Errorf("%w: block %d: gas used %d, the trial predicted %d (execution %d, state %d)",
			ErrGenerate, number, h.GasUsed, predicted, execSum, stateSum)
	}
	for i, r := range built.Result.Receipts {
		if r.Status != types.ReceiptStatusSuccessful {
			return Block{}, fmt.Errorf("%w: block %d tx %d (%s) failed", ErrGenerate, number, i, included[i].kind)
		}
	}
	if _, err := g.chain.InsertWithAccessList(built.Block, built.AccessListRLP); err != nil {
		return Block{}, fmt.Errorf("%w: built block rejected: %w", ErrGenerate, err)
	}
	g.hashes = append(g.hashes, built.Block.Hash())
	return Block{RLP: built.Block.AppendRLP(nil), BAL: built.AccessListRLP, Block: built.Block, Senders: senders}, nil
}

// trial runs the candidates in a block like the one attrs describe, with a
// gas limit that admits them all, and sets each one's execution gas. Every
// candidate must succeed, and be charged at least its state gas. It learns
// each kind's ratio of execution gas to allowance.
func (g *generator) trial(parent *types.Header, attrs *exec.BuildAttributes, cands []*candidate) error {
	number := parent.Number + 1
	txs := make([]*types.Transaction, len(cands))
	gas := g.p.GasLimit
	for i, c := range cands {
		txs[i] = c.tx
		gas += c.tx.Gas
	}
	excess, err := exec.CalcExcessBlobGas(g.cfg, parent, attrs.Timestamp)
	if err != nil {
		return fmt.Errorf("%w: block %d: %w", ErrGenerate, number, err)
	}
	h := types.Header{
		ParentHash: parent.Hash(), UncleHash: types.EmptyListHash, Coinbase: attrs.FeeRecipient,
		Number: number, GasLimit: gas, Time: attrs.Timestamp, Extra: attrs.Extra, MixDigest: attrs.PrevRandao,
		BaseFee: g.baseFee, ExcessBlobGas: excess, ParentBeaconRoot: attrs.ParentBeaconRoot, SlotNumber: attrs.SlotNumber,
		Optional: types.FieldsAmsterdam,
	}
	pre, err := g.chain.State(parent.Hash())
	if err != nil {
		return fmt.Errorf("%w: block %d: %w", ErrGenerate, number, err)
	}
	block := &types.Block{Header: h, Transactions: txs, Withdrawals: attrs.Withdrawals}
	res, err := g.proc.Process(block, pre, g.blockHash)
	if err != nil {
		return fmt.Errorf("%w: block %d trial: %w", ErrGenerate, number, err)
	}
	var used, allowed [numKinds]uint64
	for i, r := range res.Receipts {
		c := cands[i]
		if r.Status != types.ReceiptStatusSuccessful || r.GasUsed < c.state {
			return fmt.Errorf("%w: block %d trial: %s transaction %d: status %d, gas used %d, state gas %d",
				ErrGenerate, number, c.kind, i, r.Status, r.GasUsed, c.state)
		}
		c.exec = max(r.GasUsed-c.state, c.floor)
		used[c.kind] += c.exec
		allowed[c.kind] += c.allowance()
	}
	for k := range numKinds {
		if allowed[k] > 0 {
			g.ratio[k] = float64(used[k]) / float64(allowed[k])
		}
	}
	return nil
}

// blockHash answers BLOCKHASH for the trial.
func (g *generator) blockHash(n uint64) types.Hash {
	if n < uint64(len(g.hashes)) {
		return g.hashes[n]
	}
	return types.Hash{}
}

// pack returns how many of the candidates, in order, a block with the
// given gas limit admits (see the comment at the top), and their execution
// and state gas.
func pack(cands []*candidate, limit uint64) (n int, execSum, stateSum uint64) {
	for _, c := range cands {
		gas := c.tx.Gas
		if limit-execSum < min(gas, evm.MaxTxGas) || limit-stateSum < gas {
			break
		}
		e, s := execSum+c.exec, stateSum+c.state
		if max(e, s) > limit {
			break
		}
		execSum, stateSum = e, s
		n++
	}
	return n, execSum, stateSum
}

// commit makes an included candidate's effects the generator's state.
func (g *generator) commit(c *candidate) {
	if c.sender >= 0 {
		g.nonces[c.sender] = c.tx.Nonce + 1
	} else {
		g.whaleNon = c.tx.Nonce + 1
	}
	if c.commit != nil {
		c.commit()
	}
}

// drawWithdrawals returns a block's withdrawals, to existing accounts.
func (g *generator) drawWithdrawals() []types.Withdrawal {
	ws := make([]types.Withdrawal, withdrawalsPerBlock)
	for i := range ws {
		ws[i] = types.Withdrawal{
			Index:     g.withdrawals,
			Validator: g.rng.Uint64N(1 << 20),
			Address:   g.holders[g.rng.IntN(len(g.holders))],
			Amount:    1 + g.rng.Uint64N(1e9),
		}
		g.withdrawals++
	}
	return ws
}

// newTx returns a candidate: a dynamic-fee transaction from sender (-1:
// the whale) to to, its gas limit the intrinsic gas plus extra plus the
// state gas it will be charged, its fee cap twice the base fee plus a tip of
// one to two gwei. Its sender is cached; it is signed once included.
func (g *generator) newTx(k kind, sender int, to types.Address, value *uint256.Int, data []byte, extra, state uint64) (*candidate, error) {
	c := &candidate{kind: k, sender: sender, state: state}
	tx := &types.Transaction{Type: types.DynamicFeeTxType, ChainID: g.chainID, To: to, Value: *value, Data: data}
	if sender >= 0 {
		c.from = g.senders[sender].addr
		tx.Nonce = g.next[sender]
		g.next[sender]++
	} else {
		c.from = g.whale.addr
		tx.Nonce = g.whaleNon
	}
	tx.GasTipCap.SetUint64(1_000_000_000 + g.rng.Uint64N(1_000_000_000))
	tx.GasFeeCap.Add(&g.baseFee, &g.baseFee)
	tx.GasFeeCap.Add(&tx.GasFeeCap, &tx.GasTipCap)
	msg := evm.NewMessage(tx, c.from, &g.baseFee)
	intrinsic, err := g.rules.IntrinsicGas(&msg)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: intrinsic gas: %w", ErrGenerate, k, err)
	}
	if c.floor, err = g.rules.FloorDataGas(&msg); err != nil {
		return nil, fmt.Errorf("%w: %s: calldata floor: %w", ErrGenerate, k, err)
	}
	tx.Gas = max(intrinsic+extra, c.floor) + state
	tx.Seal()
	tx.SetSender(&g.chainID, c.from)
	c.tx = tx
	return c, nil
}
