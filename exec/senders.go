package exec

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/types"
	"github.com/holiman/uint256"
)

// senderPipeline recovers the senders of a block's transactions on
// background goroutines, in index order, so that the sequential processor
// executes transaction i as soon as its sender is known instead of waiting
// for all of them: recovery (about 100 µs a signature) overlaps execution.
//
// get(i) waits for transaction i's sender. close stops the recovery and
// joins every goroutine; it must be called on every path.
type senderPipeline struct {
	txs     []*types.Transaction
	chainID uint256.Int
	addrs   []types.Address
	errs    []error
	ready   []chan struct{}
	next    atomic.Int64
	stop    atomic.Bool
	wg      sync.WaitGroup
}

func startSenders(txs []*types.Transaction, chainID uint64) *senderPipeline {
	n := len(txs)
	p := &senderPipeline{txs: txs, addrs: make([]types.Address, n), errs: make([]error, n), ready: make([]chan struct{}, n)}
	p.chainID.SetUint64(chainID)
	for i := range p.ready {
		p.ready[i] = make(chan struct{})
	}
	for range min(runtime.GOMAXPROCS(0), n) {
		p.wg.Go(func() {
			for !p.stop.Load() {
				i := int(p.next.Add(1)) - 1
				if i >= n {
					return
				}
				p.addrs[i], p.errs[i] = p.txs[i].Sender(&p.chainID)
				close(p.ready[i])
			}
		})
	}
	return p
}

// get returns transaction i's sender, waiting for its recovery. The error
// is that of go-ethereum's sender check, wrapped with the index.
func (p *senderPipeline) get(i int) (types.Address, error) {
	<-p.ready[i]
	if err := p.errs[i]; err != nil {
		return types.Address{}, fmt.Errorf("%w: tx %d: %w", ErrInvalidTransaction, i, err)
	}
	return p.addrs[i], nil
}

// close stops recovering and waits for the goroutines.
func (p *senderPipeline) close() {
	p.stop.Store(true)
	p.wg.Wait()
}
