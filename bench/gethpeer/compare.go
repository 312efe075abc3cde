package gethpeer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/balexec/balexec/bal"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	bstate "github.com/balexec/balexec/state"
	btypes "github.com/balexec/balexec/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
)

// Mismatch is one difference between go-ethereum and balexec.
type Mismatch struct {
	Seed  uint64
	Fork  Fork
	Block uint64 // block number (0: the genesis)
	Tx    int    // transaction index, -1 for block-level fields
	Field string
	Geth  string
	Bal   string // balexec's value
}

// String prints everything needed to reproduce and read the mismatch.
func (m Mismatch) String() string {
	tx := "-"
	if m.Tx >= 0 {
		tx = fmt.Sprint(m.Tx)
	}
	return fmt.Sprintf("seed=%d fork=%s block=%d tx=%s field=%s\n\tgeth:    %s\n\tbalexec: %s",
		m.Seed, m.Fork, m.Block, tx, m.Field, m.Geth, m.Bal)
}

// Report is the outcome of comparing one chain.
type Report struct {
	Params Params
	// Blocks and Txs count what balexec imported before the first failure
	// (all of them when it imported the chain).
	Blocks, Txs int
	// Accounts counts the account comparisons made.
	Accounts   int
	Mismatches []Mismatch
}

// String lists the mismatches, one per paragraph.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d blocks, %d txs, %d account checks, %d mismatches", r.Params, r.Blocks, r.Txs, r.Accounts, len(r.Mismatches))
	for _, m := range r.Mismatches {
		b.WriteString("\n")
		b.WriteString(m.String())
	}
	return b.String()
}

// maxMismatchesPerBlock bounds a report: past the first differences of a
// block, the rest are usually consequences.
const maxMismatchesPerBlock = 40

// comparer is one comparison run.
type comparer struct {
	c      *Chain
	cfg    *chainspec.Config // balexec's configuration, parsed from the genesis
	rep    *Report
	block  uint64
	count  int
	hashes map[uint64]btypes.Hash // block number -> hash, for BLOCKHASH in the diagnostic path
}

func (cm *comparer) add(tx int, field string, geth, balexec any) {
	if cm.count >= maxMismatchesPerBlock {
		return
	}
	cm.count++
	cm.rep.Mismatches = append(cm.rep.Mismatches, Mismatch{
		Seed: cm.c.Params.Seed, Fork: cm.c.Params.Fork, Block: cm.block, Tx: tx,
		Field: field, Geth: fmt.Sprint(geth), Bal: fmt.Sprint(balexec),
	})
}

// Compare imports the chain into balexec block by block and compares
// everything with go-ethereum: the genesis, each block's encoding and
// hashes, the import itself (exec.Chain.Insert checks gas used, bloom,
// receipts root, requests hash, state root and, from Amsterdam, the block
// access list hash), every receipt field, the requests, the block access
// list bytes, and the state of every account the generator knows or
// balexec changed (nonce, balance, code hash, storage root, storage slots).
//
// A block balexec rejects ends the import: it is then executed once more
// on its own to find which fields differ. The returned error is nil when
// balexec agrees everywhere; ErrMismatch when it does not (see the report);
// ErrUnsupported (with ErrMismatch) when balexec refuses a fork it does not
// execute yet; ErrSetup when the comparison could not start.
func Compare(c *Chain) (*Report, error) {
	rep := &Report{Params: c.Params}
	cm := &comparer{c: c, rep: rep, hashes: make(map[uint64]btypes.Hash)}

	gen, hdr, err := c.balexecGenesis()
	if err != nil {
		return rep, err
	}
	if got, want := hdr.Hash(), btypes.Hash(c.GenesisBlock.Hash()); got != want {
		cm.add(-1, "genesis hash", want, got)
		if enc := hdr.AppendRLP(nil); !bytes.Equal(enc, mustRLP(c.GenesisBlock.Header())) {
			cm.add(-1, "genesis header rlp", fmt.Sprintf("%x", mustRLP(c.GenesisBlock.Header())), fmt.Sprintf("%x", enc))
		}
		return rep, fmt.Errorf("%w: %w", ErrSetup, ErrMismatch)
	}
	cm.hashes[0] = hdr.Hash()
	cm.cfg = gen.Config
	chain, err := exec.NewChain(gen.Config, &hdr, gen.Alloc)
	if err != nil {
		return rep, fmt.Errorf("%w: balexec chain: %w", ErrSetup, err)
	}
	for i, gb := range c.Blocks {
		cm.block, cm.count = gb.NumberU64(), 0
		cm.hashes[cm.block] = btypes.Hash(gb.Hash())
		ok, unsupported := cm.compareBlock(chain, i)
		if !ok {
			if unsupported {
				return rep, fmt.Errorf("%w: %w", ErrUnsupported, ErrMismatch)
			}
			break
		}
		rep.Blocks++
		rep.Txs += len(gb.Transactions())
	}
	if len(rep.Mismatches) > 0 {
		return rep, fmt.Errorf("%w: %s", ErrMismatch, rep.Mismatches[0].String())
	}
	return rep, nil
}

// compareBlock imports block i; it reports whether the import succeeded,
// and whether balexec refused the block's fork.
func (cm *comparer) compareBlock(chain *exec.Chain, i int) (ok, unsupported bool) {
	gb := cm.c.Blocks[i]
	raw := mustRLP(gb)
	bb, err := btypes.DecodeBlock(raw)
	if err != nil {
		cm.add(-1, "block decode", "valid block RLP", err)
		return false, false
	}
	if enc := bb.AppendRLP(nil); !bytes.Equal(enc, raw) {
		cm.add(-1, "block rlp re-encoding", fmt.Sprintf("%x", raw), fmt.Sprintf("%x", enc))
	}
	if got := bb.Hash(); got != btypes.Hash(gb.Hash()) {
		cm.add(-1, "block hash", btypes.Hash(gb.Hash()), got)
	}
	for j, tx := range gb.Transactions() {
		if j < len(bb.Transactions) && bb.Transactions[j].Hash() != btypes.Hash(tx.Hash()) {
			cm.add(j, "tx hash", btypes.Hash(tx.Hash()), bb.Transactions[j].Hash())
		}
	}
	var gethBAL []byte
	if al := gb.AccessList(); al != nil {
		gethBAL = mustRLP(al)
		cm.checkGethBAL(gb, gethBAL)
	}

	pre, err := chain.State(bb.Header.ParentHash)
	if err != nil {
		cm.add(-1, "parent state", "available", err)
		return false, false
	}
	res, insertErr := chain.Insert(context.Background(), bb)
	if insertErr != nil {
		cm.add(-1, "insert", "accepted", insertErr)
		if errors.Is(insertErr, chainspec.ErrForkNotSupported) {
			return false, true
		}
		// Execute the block once more, outside the chain, to see what
		// differs.
		proc := exec.NewProcessor(cm.cfg, nil)
		res, err = proc.Process(context.Background(), bb, pre, cm.getHash(bb.Header.Number))
		if err != nil {
			cm.add(-1, "process", "executes", err)
			return false, false
		}
	}
	cm.compareResult(i, bb, res, gethBAL)
	var post bstate.Reader
	if insertErr == nil {
		if post, err = chain.State(bb.Hash()); err != nil {
			cm.add(-1, "post state", "available", err)
			return false, false
		}
	} else {
		post = newOverlay(pre, res.Updates)
	}
	cm.compareState(i, res, post, insertErr == nil)
	return insertErr == nil, false
}

// getHash answers BLOCKHASH for a block at number from go-ethereum's hashes.
func (cm *comparer) getHash(number uint64) func(uint64) btypes.Hash {
	return func(n uint64) btypes.Hash {
		if n >= number || number-n > 256 {
			return btypes.Hash{}
		}
		return cm.hashes[n]
	}
}

// checkGethBAL decodes go-ethereum's block access list with balexec's codec,
// which must accept it, re-encode it byte for byte, hash it to the header's
// hash and validate it.
func (cm *comparer) checkGethBAL(gb *types.Block, raw []byte) {
	l, err := bal.Decode(raw)
	if err != nil {
		cm.add(-1, "bal decode (geth list)", "valid", err)
		return
	}
	if enc := l.EncodeRLP(); !bytes.Equal(enc, raw) {
		cm.add(-1, "bal re-encoding (geth list)", fmt.Sprintf("%x", raw), fmt.Sprintf("%x", enc))
	}
	if h := gb.Header().BlockAccessListHash; h == nil || btypes.Hash(*h) != l.Hash() {
		cm.add(-1, "bal hash (geth list)", h, l.Hash())
	}
	if err := l.Validate(gb.GasLimit(), len(gb.Transactions())); err != nil {
		cm.add(-1, "bal validate (geth list)", "valid", err)
	}
}

// compareResult compares balexec's execution result of block i with
// go-ethereum's header, receipts, requests and access list.
func (cm *comparer) compareResult(i int, bb *btypes.Block, res *exec.Result, gethBAL []byte) {
	gb := cm.c.Blocks[i]
	h := gb.Header()
	if res.GasUsed != h.GasUsed {
		cm.add(-1, "gas used", h.GasUsed, res.GasUsed)
	}
	if h.BlobGasUsed != nil && res.BlobGasUsed != *h.BlobGasUsed {
		cm.add(-1, "blob gas used", *h.BlobGasUsed, res.BlobGasUsed)
	}
	if res.Bloom != btypes.Bloom(h.Bloom) {
		cm.add(-1, "logs bloom", fmt.Sprintf("%x", h.Bloom[:]), fmt.Sprintf("%x", res.Bloom[:]))
	}
	if res.ReceiptsRoot != btypes.Hash(h.ReceiptHash) {
		cm.add(-1, "receipts root", btypes.Hash(h.ReceiptHash), res.ReceiptsRoot)
	}
	cm.compareRequests(i, res)
	cm.compareReceipts(i, res.Receipts)
	if len(bb.Transactions) != len(res.Receipts) {
		cm.add(-1, "transactions executed", len(bb.Transactions), len(res.Receipts))
	}
	switch {
	case gethBAL == nil && res.AccessList != nil:
		cm.add(-1, "block access list", "none", fmt.Sprintf("%d accounts", len(res.AccessList.Accounts)))
	case gethBAL != nil && res.AccessList == nil:
		cm.add(-1, "block access list", fmt.Sprintf("%d bytes", len(gethBAL)), "none")
	case gethBAL != nil:
		if enc := res.AccessList.EncodeRLP(); !bytes.Equal(enc, gethBAL) {
			cm.diffBAL(gethBAL, res.AccessList)
		}
	}
}

// compareRequests compares the EIP-7685 requests with those go-ethereum
// produced for the block.
func (cm *comparer) compareRequests(i int, res *exec.Result) {
	want := cm.c.requests[i]
	if want == nil && res.Requests == nil {
		return
	}
	if (want == nil) != (res.Requests == nil) {
		cm.add(-1, "requests", want != nil, res.Requests != nil)
		return
	}
	if len(want) != len(res.Requests) {
		cm.add(-1, "request count", len(want), len(res.Requests))
	}
	for k := range min(len(want), len(res.Requests)) {
		if !bytes.Equal(want[k], res.Requests[k]) {
			cm.add(-1, fmt.Sprintf("request %d", k), fmt.Sprintf("%x", want[k]), fmt.Sprintf("%x", res.Requests[k]))
		}
	}
	if h := cm.c.Blocks[i].Header().RequestsHash; h != nil {
		if got := btypes.CalcRequestsHash(res.Requests); got != btypes.Hash(*h) {
			cm.add(-1, "requests hash", btypes.Hash(*h), got)
		}
	}
}

// compareReceipts compares every field of every receipt.
func (cm *comparer) compareReceipts(i int, got []*btypes.Receipt) {
	want := cm.c.Receipts[i]
	if len(want) != len(got) {
		cm.add(-1, "receipt count", len(want), len(got))
	}
	for j := range min(len(want), len(got)) {
		w, g := want[j], got[j]
		f := func(field string, a, b any) {
			if fmt.Sprint(a) != fmt.Sprint(b) {
				cm.add(j, "receipt "+field, a, b)
			}
		}
		f("type", w.Type, g.Type)
		f("post state", fmt.Sprintf("%x", w.PostState), fmt.Sprintf("%x", g.PostState))
		f("status", w.Status, g.Status)
		f("cumulative gas used", w.CumulativeGasUsed, g.CumulativeGasUsed)
		f("gas used", w.GasUsed, g.GasUsed)
		f("bloom", fmt.Sprintf("%x", w.Bloom[:]), fmt.Sprintf("%x", g.Bloom[:]))
		f("tx hash", btypes.Hash(w.TxHash), g.TxHash)
		f("contract address", btypes.Address(w.ContractAddress), g.ContractAddress)
		f("effective gas price", bigOrZero(w.EffectiveGasPrice), g.EffectiveGasPrice.ToBig())
		f("blob gas used", w.BlobGasUsed, g.BlobGasUsed)
		f("blob gas price", bigOrZero(w.BlobGasPrice), g.BlobGasPrice.ToBig())
		f("block hash", btypes.Hash(w.BlockHash), g.BlockHash)
		f("block number", w.BlockNumber, g.BlockNumber)
		f("transaction index", w.TransactionIndex, g.TransactionIndex)
		f("log count", len(w.Logs), len(g.Logs))
		for k := range min(len(w.Logs), len(g.Logs)) {
			wl, gl := w.Logs[k], &g.Logs[k]
			p := fmt.Sprintf("log %d ", k)
			f(p+"address", btypes.Address(wl.Address), gl.Address)
			f(p+"topics", hashes(wl.Topics), bhashes(gl.Topics))
			f(p+"data", fmt.Sprintf("%x", wl.Data), fmt.Sprintf("%x", gl.Data))
			f(p+"index", wl.Index, gl.Index)
			f(p+"tx index", wl.TxIndex, gl.TxIndex)
			f(p+"tx hash", btypes.Hash(wl.TxHash), gl.TxHash)
			f(p+"block hash", btypes.Hash(wl.BlockHash), gl.BlockHash)
			f(p+"block number", wl.BlockNumber, gl.BlockNumber)
		}
	}
}

func bigOrZero(b *big.Int) *big.Int {
	if b == nil {
		return new(big.Int)
	}
	return b
}

func hashes(hs []common.Hash) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = btypes.Hash(h).String()
	}
	return "[" + strings.Join(s, " ") + "]"
}

func bhashes(hs []btypes.Hash) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = h.String()
	}
	return "[" + strings.Join(s, " ") + "]"
}

// diffBAL reports how balexec's block access list differs from
// go-ethereum's, account by account.
func (cm *comparer) diffBAL(gethRaw []byte, got *bal.BlockAccessList) {
	want, err := bal.Decode(gethRaw)
	if err != nil {
		cm.add(-1, "block access list", fmt.Sprintf("%x", gethRaw), fmt.Sprintf("%x", got.EncodeRLP()))
		return
	}
	index := func(l *bal.BlockAccessList) map[btypes.Address]*bal.AccountAccess {
		m := make(map[btypes.Address]*bal.AccountAccess, len(l.Accounts))
		for k := range l.Accounts {
			m[l.Accounts[k].Address] = &l.Accounts[k]
		}
		return m
	}
	wm, gm := index(want), index(got)
	var addrs []btypes.Address
	for a := range wm {
		addrs = append(addrs, a)
	}
	for a := range gm {
		if wm[a] == nil {
			addrs = append(addrs, a)
		}
	}
	slices.SortFunc(addrs, func(a, b btypes.Address) int { return a.Compare(&b) })
	for _, a := range addrs {
		w, g := accountJSON(wm[a]), accountJSON(gm[a])
		if w != g {
			cm.add(-1, "bal account "+a.String(), w, g)
		}
	}
	if len(addrs) == 0 || cm.count == 0 {
		// Same accounts, different bytes: an ordering or encoding difference.
		cm.add(-1, "block access list rlp", fmt.Sprintf("%x", gethRaw), fmt.Sprintf("%x", got.EncodeRLP()))
	}
}

func accountJSON(a *bal.AccountAccess) string {
	if a == nil {
		return "absent"
	}
	l := bal.BlockAccessList{Accounts: []bal.AccountAccess{*a}}
	b, err := l.MarshalJSON()
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// compareState compares the accounts the generator knows and those balexec
// changed in block i with go-ethereum's state after the block. withRoots
// compares storage roots too (post is then a committed state).
func (cm *comparer) compareState(i int, res *exec.Result, post bstate.Reader, withRoots bool) {
	gs, err := cm.c.StateAt(i)
	if err != nil {
		cm.add(-1, "geth state", "available", err)
		return
	}
	slots := make(map[btypes.Address][]uint256.Int)
	var addrs []btypes.Address
	seen := make(map[btypes.Address]bool)
	addAddr := func(a btypes.Address) {
		if !seen[a] {
			seen[a] = true
			addrs = append(addrs, a)
		}
	}
	for _, a := range cm.c.Addresses {
		addAddr(btypes.Address(a))
	}
	for _, u := range res.Updates {
		addAddr(u.Address)
		for _, s := range u.Storage {
			slots[u.Address] = append(slots[u.Address], s.Key)
		}
	}
	if res.AccessList != nil {
		for _, a := range res.AccessList.Accounts {
			addAddr(a.Address)
			for _, s := range a.StorageChanges {
				slots[a.Address] = append(slots[a.Address], s.Slot)
			}
			slots[a.Address] = append(slots[a.Address], a.StorageReads...)
		}
	}
	for _, a := range addrs {
		cm.rep.Accounts++
		cm.compareAccount(gs, post, a, slots[a], withRoots)
	}
}

func (cm *comparer) compareAccount(gs *state.StateDB, post bstate.Reader, a btypes.Address, extra []uint256.Int, withRoots bool) {
	ga := common.Address(a)
	acc, exists, err := post.Account(a)
	if err != nil {
		cm.add(-1, "account "+a.String(), "readable", err)
		return
	}
	if gs.Exist(ga) != exists {
		cm.add(-1, "account "+a.String()+" exists", gs.Exist(ga), exists)
		return
	}
	if !exists {
		return
	}
	p := "account " + a.String() + " "
	if n := gs.GetNonce(ga); n != acc.Nonce {
		cm.add(-1, p+"nonce", n, acc.Nonce)
	}
	if b := gs.GetBalance(ga); !b.Eq(&acc.Balance) {
		cm.add(-1, p+"balance", b.Dec(), acc.Balance.Dec())
	}
	if h := gs.GetCodeHash(ga); btypes.Hash(h) != acc.CodeHash {
		cm.add(-1, p+"code hash", btypes.Hash(h), acc.CodeHash)
	}
	if withRoots {
		if r := gs.GetStorageRoot(ga); btypes.Hash(r) != acc.Root {
			cm.add(-1, p+"storage root", btypes.Hash(r), acc.Root)
		}
	}
	keys := make([]uint256.Int, 0, len(cm.c.Slots)+len(extra))
	for _, s := range cm.c.Slots {
		keys = append(keys, *new(uint256.Int).SetBytes(s[:]))
	}
	keys = append(keys, extra...)
	done := make(map[uint256.Int]bool, len(keys))
	for _, k := range keys {
		if done[k] {
			continue
		}
		done[k] = true
		want := gs.GetState(ga, common.Hash(k.Bytes32()))
		got, err := post.Storage(a, k)
		if err != nil {
			cm.add(-1, p+"storage "+k.Hex(), btypes.Hash(want), err)
			continue
		}
		if btypes.Hash(want) != btypes.Hash(got.Bytes32()) {
			cm.add(-1, p+"storage "+k.Hex(), btypes.Hash(want), btypes.Hash(got.Bytes32()))
		}
	}
}

// mustRLP encodes v with go-ethereum's RLP; the values here always encode.
func mustRLP(v any) []byte {
	b, err := rlp.EncodeToBytes(v)
	if err != nil {
		panic(err)
	}
	return b
}
