package evm

import (
	"sync"
	"sync/atomic"

	"github.com/balexec/balexec/types"
)

// JumpDests is the JUMPDEST analysis of one code: bit i is set when byte i
// is a JUMPDEST opcode (0x5b) that is not inside the immediate data of a
// PUSH. It is immutable once built and safe to share between goroutines.
type JumpDests []uint64

// AnalyzeJumpDests computes the JUMPDEST analysis of code.
func AnalyzeJumpDests(code []byte) JumpDests {
	d := make(JumpDests, (len(code)+63)/64)
	for pc := 0; pc < len(code); pc++ {
		op := code[pc]
		switch {
		case op == opJUMPDEST:
			d[pc>>6] |= 1 << (pc & 63)
		case op >= opPUSH1 && op <= opPUSH32:
			pc += int(op - opPUSH1 + 1)
		}
	}
	return d
}

// Valid reports whether pc is a valid jump destination.
func (d JumpDests) Valid(pc uint64) bool {
	i := pc >> 6
	return i < uint64(len(d)) && d[i]&(1<<(pc&63)) != 0
}

// AnalysisCache hands out the JUMPDEST analysis of deployed code, computed
// once per code hash. Implementations must be safe for concurrent use and
// must never mutate an analysis they have returned. The code passed in is
// the code whose keccak256 is codeHash.
type AnalysisCache interface {
	JumpDests(codeHash types.Hash, code []byte) JumpDests
}

// analysisShards is the number of independently locked shards of
// SharedAnalysisCache. Keys are Keccak-256 hashes, uniformly distributed, so
// the first byte picks a shard; 64 shards keep insertions (the only locked
// operation) from contending for the worker counts of a block (at most
// GOMAXPROCS) on a machine with tens of cores.
const analysisShards = 64

// SharedAnalysisCache is an AnalysisCache shared by all workers of a
// process.
//
// Reads take no lock and write no shared memory: each shard publishes an
// immutable map through an atomic pointer, and an insertion copies the
// shard's map under the shard's lock and publishes the copy
// (copy-on-write). Every worker reads the analyses of the same hot
// contracts at the start of each call, so the read path must not bounce a
// lock's cache line between cores; insertions happen once per code.
//
// Each shard holds at most a fixed number of analyses; when a shard is full
// it starts over empty (codes are re-analysed on their next use), which
// bounds memory under adversarial workloads without per-access bookkeeping.
//
// The zero value is not usable; create one with NewSharedAnalysisCache.
type SharedAnalysisCache struct {
	perShard int
	shards   [analysisShards]analysisShard
}

var _ AnalysisCache = (*SharedAnalysisCache)(nil)

type analysisShard struct {
	mu sync.Mutex // serialises insertions
	m  atomic.Pointer[map[types.Hash]JumpDests]
	// Padding keeps neighbouring shards on different cache lines.
	_ [64 - 8 - 8]byte
}

// NewSharedAnalysisCache returns a cache holding up to about maxEntries
// analyses (at least one per shard).
func NewSharedAnalysisCache(maxEntries int) *SharedAnalysisCache {
	c := &SharedAnalysisCache{perShard: max(1, maxEntries/analysisShards)}
	for i := range c.shards {
		m := make(map[types.Hash]JumpDests)
		c.shards[i].m.Store(&m)
	}
	return c
}

// JumpDests returns the analysis of code, computing it on a miss. Two
// goroutines missing the same hash at once may both analyse; the results are
// identical and one of them is kept.
func (c *SharedAnalysisCache) JumpDests(codeHash types.Hash, code []byte) JumpDests {
	s := &c.shards[codeHash[0]%analysisShards]
	if d, ok := (*s.m.Load())[codeHash]; ok {
		return d
	}
	d := AnalyzeJumpDests(code)
	s.mu.Lock()
	old := *s.m.Load()
	var next map[types.Hash]JumpDests
	if len(old) >= c.perShard {
		next = make(map[types.Hash]JumpDests)
	} else {
		next = make(map[types.Hash]JumpDests, len(old)+1)
		for k, v := range old {
			next[k] = v
		}
	}
	next[codeHash] = d
	s.m.Store(&next)
	s.mu.Unlock()
	return d
}

// Len returns the number of analyses held.
func (c *SharedAnalysisCache) Len() int {
	n := 0
	for i := range c.shards {
		n += len(*c.shards[i].m.Load())
	}
	return n
}
