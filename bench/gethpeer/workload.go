package gethpeer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/balexec/balexec/bench"
	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec"
	btypes "github.com/balexec/balexec/types"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/types/bal"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
)

// A Workload is a chain to import side by side into go-ethereum and
// balexec for timing: a genesis, and blocks as their wire encoding with
// their block access lists, the form a client gets them in over the engine
// API. Blocks before Timed are imported during setup; the timed import is
// Blocks[Timed:].
//
// A Workload is read-only once built: every Run decodes its own copy of the
// blocks, so that nothing either client caches in a decoded block (go-ethereum
// caches senders and hashes in its transactions) carries over from one run to
// the next.
type Workload struct {
	Name string
	// GenesisJSON is the genesis file both sides parse (go-ethereum's
	// core.Genesis form).
	GenesisJSON []byte
	// Blocks holds each block's RLP (header, transactions, uncles,
	// withdrawals) and, from Amsterdam on, its access list's RLP.
	Blocks []WorkloadBlock
	// Timed is the index of the first timed block.
	Timed int

	// Over the timed blocks: transactions in all, fewest and most in a
	// block, and the sum of the headers' gas used.
	Txs, MinTxs, MaxTxs int
	Gas                 uint64
}

// WorkloadBlock is one block of a workload.
type WorkloadBlock struct {
	RLP []byte
	BAL []byte // nil before Amsterdam
	// Senders are the transactions' senders when the workload's generator
	// knows them (bench workloads; nil for the hive chain).
	Senders []btypes.Address
}

// TimedBlocks returns the number of timed blocks.
func (w *Workload) TimedBlocks() int { return len(w.Blocks) - w.Timed }

// String summarises the workload.
func (w *Workload) String() string {
	n := w.TimedBlocks()
	return fmt.Sprintf("%s: %d timed blocks (of %d), %d txs (%d..%d per block), %.1f Mgas per block",
		w.Name, n, len(w.Blocks), w.Txs, w.MinTxs, w.MaxTxs, float64(w.Gas)/float64(max(n, 1))/1e6)
}

// BenchWorkload generates the workload name of balexec's bench package
// (bench.Workloads: transfers, erc20, dex, nft, storage, compute, skew,
// mixed) with p, every block timed. Errors: ErrInvalidParams for an unknown
// name or bad parameters, ErrGenerate when generation fails.
func BenchWorkload(name string, p bench.Params) (*Workload, error) {
	bw, err := bench.Generate(name, p)
	switch {
	case errors.Is(err, bench.ErrInvalidParams) || errors.Is(err, bench.ErrUnknownWorkload):
		return nil, fmt.Errorf("%w: %w", ErrInvalidParams, err)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrGenerate, err)
	}
	w := &Workload{Name: name, GenesisJSON: bw.GenesisJSON}
	for i, b := range bw.Blocks {
		w.Blocks = append(w.Blocks, WorkloadBlock{RLP: b.RLP, BAL: b.BAL, Senders: b.Senders})
		n := len(b.Block.Transactions)
		if i == 0 || n < w.MinTxs {
			w.MinTxs = n
		}
		w.MaxTxs = max(w.MaxTxs, n)
		w.Txs += n
		w.Gas += b.Block.Header.GasUsed
	}
	return w, nil
}

// newWorkload builds a workload from a genesis file and go-ethereum's blocks
// (each with its access list attached from Amsterdam on) and fills in the
// statistics.
func newWorkload(name string, gjson []byte, blocks []*types.Block, timed int) *Workload {
	w := &Workload{Name: name, GenesisJSON: gjson, Timed: timed}
	for _, b := range blocks {
		wb := WorkloadBlock{RLP: mustRLP(b)}
		if al := b.AccessList(); al != nil {
			wb.BAL = mustRLP(al)
		}
		w.Blocks = append(w.Blocks, wb)
	}
	for i, b := range blocks[timed:] {
		n := len(b.Transactions())
		if i == 0 || n < w.MinTxs {
			w.MinTxs = n
		}
		w.MaxTxs = max(w.MaxTxs, n)
		w.Txs += n
		w.Gas += b.GasUsed()
	}
	return w
}

// Impl is one of the four importers timed side by side.
type Impl int

const (
	// GethSeq is go-ethereum's BlockChain.InsertChain with its sequential
	// processor (vm.Config.DisableParallelExecution); the blocks still carry
	// their access lists, which it checks against their hashes and rebuilds.
	GethSeq Impl = iota
	// GethPar is go-ethereum's BlockChain.InsertChain taking its BAL-driven
	// parallel processor for Amsterdam blocks with their access lists.
	GethPar
	// BalexecSeq is exec.Chain.InsertWithAccessList on the sequential
	// processor (the list checked before execution and against the rebuilt
	// one after).
	BalexecSeq
	// BalexecPar is exec.Chain.InsertWithAccessList with
	// Chain.EnableParallel(GOMAXPROCS workers, every block with a list).
	BalexecPar
	numImpls
)

var implNames = [numImpls]string{"geth-seq", "geth-par", "balexec-seq", "balexec-par"}

// Impls returns the four importers.
func Impls() []Impl { return []Impl{GethSeq, GethPar, BalexecSeq, BalexecPar} }

func (i Impl) String() string {
	if i >= 0 && i < numImpls {
		return implNames[i]
	}
	return fmt.Sprintf("Impl(%d)", int(i))
}

// SenderRegime says whether the importers know the transactions' senders
// before the timed import.
type SenderRegime int

const (
	// SendersCold: every sender is recovered from its signature inside the
	// timed import, on both sides (the blocks are decoded afresh).
	SendersCold SenderRegime = iota
	// SendersWarm: the senders are known before the block, as an execution
	// client knows them from its transaction pool: go-ethereum's
	// types.Sender has cached each one in its transaction, balexec's
	// Transaction.SetSender (or Sender) in its.
	SendersWarm
	numRegimes
)

var regimeNames = [numRegimes]string{"cold", "warm"}

// SenderRegimes returns the two regimes.
func SenderRegimes() []SenderRegime { return []SenderRegime{SendersCold, SendersWarm} }

func (s SenderRegime) String() string {
	if s >= 0 && s < numRegimes {
		return regimeNames[s]
	}
	return fmt.Sprintf("SenderRegime(%d)", int(s))
}

// Run is one import of a workload's timed blocks by one importer, set up
// apart from the import: a fresh chain at genesis with the untimed blocks
// imported, and the timed blocks freshly decoded (with their senders
// recovered, in the warm regime). Import it once, then Close it.
type Run struct {
	impl Impl
	w    *Workload

	geth       *core.BlockChain
	gethBlocks types.Blocks

	chain   *exec.Chain
	bBlocks []*btypes.Block
	bLists  [][]byte
}

// GethBenchConfig is go-ethereum's BlockChain configuration for timing: the
// configuration a go-ethereum node runs with by default, its fastest for
// import: path-keyed trie nodes (geth's --state.scheme default) and the
// flat state snapshot (reads served from the flat layers instead of the
// trie, generated before the first block), no transaction indexing, over
// an in-memory database.
func GethBenchConfig(impl Impl) *core.BlockChainConfig {
	cfg := core.DefaultConfig().WithStateScheme(rawdb.PathScheme)
	cfg.SnapshotWait = true
	cfg.TxLookupLimit = -1
	cfg.VmConfig.DisableParallelExecution = impl == GethSeq
	return cfg
}

// Prepare sets up a Run of the workload for impl in the sender regime:
// everything but the timed import.
func (w *Workload) Prepare(impl Impl, senders SenderRegime) (*Run, error) {
	if senders < 0 || senders >= numRegimes {
		return nil, fmt.Errorf("%w: sender regime %d", ErrInvalidParams, int(senders))
	}
	r := &Run{impl: impl, w: w}
	switch impl {
	case GethSeq, GethPar:
		var genesis core.Genesis
		if err := json.Unmarshal(w.GenesisJSON, &genesis); err != nil {
			return nil, fmt.Errorf("%w: %s: go-ethereum genesis: %v", ErrSetup, w.Name, err)
		}
		bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), &genesis, Engine(), GethBenchConfig(impl))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrGethImport, w.Name, err)
		}
		r.geth = bc
		blocks := make(types.Blocks, len(w.Blocks))
		for i := range w.Blocks {
			if blocks[i], err = decodeGethBlock(&w.Blocks[i]); err != nil {
				r.Close()
				return nil, fmt.Errorf("%w: %s: block %d: %v", ErrSetup, w.Name, i+1, err)
			}
		}
		if w.Timed > 0 {
			if n, err := bc.InsertChain(blocks[:w.Timed]); err != nil {
				r.Close()
				return nil, fmt.Errorf("%w: %s: untimed block %d: %v", ErrGethImport, w.Name, n+1, err)
			}
		}
		r.gethBlocks = blocks[w.Timed:]
		if senders == SendersWarm {
			for _, b := range r.gethBlocks {
				signer := types.MakeSigner(genesis.Config, b.Number(), b.Time())
				for j, tx := range b.Transactions() {
					if _, err := types.Sender(signer, tx); err != nil {
						r.Close()
						return nil, fmt.Errorf("%w: %s: block %d tx %d: sender: %v", ErrSetup, w.Name, b.NumberU64(), j, err)
					}
				}
			}
		}
	case BalexecSeq, BalexecPar:
		gen, err := chainspec.ParseGenesis(w.GenesisJSON)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: balexec genesis: %w", ErrSetup, w.Name, err)
		}
		hdr, err := gen.Header()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: balexec genesis header: %w", ErrSetup, w.Name, err)
		}
		chain, err := exec.NewChain(gen.Config, &hdr, gen.Alloc)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: balexec chain: %w", ErrSetup, w.Name, err)
		}
		if impl == BalexecPar {
			// Every block with a list takes the parallel path, as in
			// go-ethereum.
			chain.EnableParallel(0, 0)
		}
		r.chain = chain
		for i := range w.Blocks {
			b, err := btypes.DecodeBlock(w.Blocks[i].RLP)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: block %d: balexec decode: %w", ErrSetup, w.Name, i+1, err)
			}
			if i < w.Timed {
				if _, err := chain.InsertWithAccessList(context.Background(), b, w.Blocks[i].BAL); err != nil {
					return nil, fmt.Errorf("%w: %s: untimed block %d: %w", ErrMismatch, w.Name, i+1, err)
				}
				continue
			}
			if senders == SendersWarm {
				if err := knowSenders(b, w.Blocks[i].Senders, gen.Config.ChainID); err != nil {
					return nil, fmt.Errorf("%w: %s: block %d: %w", ErrSetup, w.Name, i+1, err)
				}
			}
			r.bBlocks = append(r.bBlocks, b)
			r.bLists = append(r.bLists, w.Blocks[i].BAL)
		}
	default:
		return nil, fmt.Errorf("%w: importer %d", ErrInvalidParams, int(impl))
	}
	return r, nil
}

// knowSenders caches each transaction's sender in it: the known one when
// the workload gives them, else the one recovered now.
func knowSenders(b *btypes.Block, senders []btypes.Address, chainID uint64) error {
	id := uint256.NewInt(chainID)
	if senders != nil && len(senders) != len(b.Transactions) {
		return fmt.Errorf("%d senders for %d transactions", len(senders), len(b.Transactions))
	}
	for j, tx := range b.Transactions {
		if senders != nil {
			tx.SetSender(id, senders[j])
			continue
		}
		if _, err := tx.Sender(id); err != nil {
			return fmt.Errorf("tx %d: sender: %w", j, err)
		}
	}
	return nil
}

// decodeGethBlock decodes a block with go-ethereum's codec and attaches its
// access list, as go-ethereum's engine API does with a payload's
// blockAccessList.
func decodeGethBlock(wb *WorkloadBlock) (*types.Block, error) {
	var b types.Block
	if err := rlp.DecodeBytes(wb.RLP, &b); err != nil {
		return nil, err
	}
	if wb.BAL == nil {
		return &b, nil
	}
	var al bal.BlockAccessList
	if err := rlp.DecodeBytes(wb.BAL, &al); err != nil {
		return nil, err
	}
	return b.WithAccessListUnsafe(&al), nil
}

// Import imports the timed blocks. Each side validates every block in full
// (header, body, access list against the header, gas used, bloom, receipts
// root, requests hash, rebuilt access list, state root) and keeps the
// post-state: go-ethereum in its trie database over the in-memory key-value
// store, balexec in its in-memory node store.
func (r *Run) Import() error {
	switch r.impl {
	case GethSeq, GethPar:
		if n, err := r.geth.InsertChain(r.gethBlocks); err != nil {
			return fmt.Errorf("%w: %s: %s: block %d: %v", ErrGethImport, r.w.Name, r.impl, r.gethBlocks[n].NumberU64(), err)
		}
		if got, want := r.geth.CurrentBlock().Hash(), r.gethBlocks[len(r.gethBlocks)-1].Hash(); got != want {
			return fmt.Errorf("%w: %s: %s: head %s, want %s", ErrGethImport, r.w.Name, r.impl, got, want)
		}
	default:
		for i, b := range r.bBlocks {
			if _, err := r.chain.InsertWithAccessList(context.Background(), b, r.bLists[i]); err != nil {
				return fmt.Errorf("%w: %s: %s: %w", ErrMismatch, r.w.Name, r.impl, err)
			}
		}
	}
	return nil
}

// ParallelStats returns, for a balexec run, how many blocks the parallel
// processor accepted and how many it executed again sequentially.
func (r *Run) ParallelStats() exec.ParallelStats {
	if r.chain == nil {
		return exec.ParallelStats{}
	}
	return r.chain.ParallelStats()
}

// Close releases the run's chain.
func (r *Run) Close() {
	if r.geth != nil {
		r.geth.Stop()
		r.geth = nil
	}
	r.chain, r.bBlocks, r.gethBlocks = nil, nil, nil
}
