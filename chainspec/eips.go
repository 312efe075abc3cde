package chainspec

import (
	"fmt"
	"math/bits"
)

// EIP is an Ethereum Improvement Proposal by number. The EIPs balexec tracks
// are the consensus changes of Shanghai and later forks (see [KnownEIPs]).
type EIP uint16

// The EIPs of each fork, and EIP-7610, which no fork schedules here.
const (
	// Shanghai.
	EIP3651 EIP = 3651 // warm coinbase
	EIP3855 EIP = 3855 // PUSH0
	EIP3860 EIP = 3860 // initcode size limit and metering
	EIP4895 EIP = 4895 // beacon-chain withdrawals
	EIP6049 EIP = 6049 // SELFDESTRUCT deprecation notice (no rule change)

	// Cancun.
	EIP1153 EIP = 1153 // transient storage
	EIP4788 EIP = 4788 // beacon block root in the EVM
	EIP4844 EIP = 4844 // blob transactions
	EIP5656 EIP = 5656 // MCOPY
	EIP6780 EIP = 6780 // SELFDESTRUCT only in the same transaction
	EIP7516 EIP = 7516 // BLOBBASEFEE

	// Prague.
	EIP2537 EIP = 2537 // BLS12-381 precompiles
	EIP2935 EIP = 2935 // historical block hashes in state
	EIP6110 EIP = 6110 // validator deposits on chain
	EIP7002 EIP = 7002 // execution-layer triggerable withdrawals
	EIP7251 EIP = 7251 // consolidations (MAX_EFFECTIVE_BALANCE)
	EIP7623 EIP = 7623 // calldata cost floor
	EIP7685 EIP = 7685 // execution-layer requests
	EIP7691 EIP = 7691 // blob throughput increase
	EIP7702 EIP = 7702 // set-code transactions

	// Osaka.
	EIP7594 EIP = 7594 // PeerDAS: at most 6 blobs per transaction
	EIP7823 EIP = 7823 // MODEXP input bounds
	EIP7825 EIP = 7825 // transaction gas cap 2^24
	EIP7883 EIP = 7883 // MODEXP repricing
	EIP7918 EIP = 7918 // blob base fee bounded by execution cost
	EIP7934 EIP = 7934 // RLP block size cap
	EIP7939 EIP = 7939 // CLZ
	EIP7951 EIP = 7951 // P256VERIFY

	// Amsterdam (the EIPs of every rule profile's Amsterdam; see Profile).
	EIP2780 EIP = 2780 // resource-based intrinsic gas
	EIP7708 EIP = 7708 // ETH transfer logs
	EIP7778 EIP = 7778 // block gas accounting without refunds
	EIP7843 EIP = 7843 // SLOTNUM and the header slot number
	EIP7928 EIP = 7928 // block-level access lists
	EIP7954 EIP = 7954 // larger contract and initcode size limits
	EIP7976 EIP = 7976 // calldata floor 64 gas per byte
	EIP7981 EIP = 7981 // access-list data cost
	EIP8024 EIP = 8024 // DUPN, SWAPN, EXCHANGE
	EIP8037 EIP = 8037 // multidimensional (state) gas
	EIP8038 EIP = 8038 // state-access repricing
	EIP8246 EIP = 8246 // SELFDESTRUCT no longer burns
	EIP8282 EIP = 8282 // builder deposit and exit requests

	// Only through Config.ExtraEIPs.
	EIP7610 EIP = 7610 // storage makes a creation collision (retroactive)
)

// String returns "EIP-n".
func (e EIP) String() string { return fmt.Sprintf("EIP-%d", uint16(e)) }

// The EIPs each fork up to Osaka switches on, the same in every rule
// profile (BPO forks only change blob parameters). Amsterdam's are the
// profile's (profiles.go).
var (
	shanghaiEIPs = [...]EIP{EIP3651, EIP3855, EIP3860, EIP4895, EIP6049}
	cancunEIPs   = [...]EIP{EIP1153, EIP4788, EIP4844, EIP5656, EIP6780, EIP7516}
	pragueEIPs   = [...]EIP{EIP2537, EIP2935, EIP6110, EIP7002, EIP7251, EIP7623, EIP7685, EIP7691, EIP7702}
	osakaEIPs    = [...]EIP{EIP7594, EIP7823, EIP7825, EIP7883, EIP7918, EIP7934, EIP7939, EIP7951}
)

// knownEIPs lists every EIP an EIPSet can hold, in increasing order; an
// EIP's bit in the set is its index here.
var knownEIPs = [...]EIP{
	EIP1153, EIP2537, EIP2780, EIP2935, EIP3651, EIP3855, EIP3860, EIP4788,
	EIP4844, EIP4895, EIP5656, EIP6049, EIP6110, EIP6780, EIP7002, EIP7251,
	EIP7516, EIP7594, EIP7610, EIP7623, EIP7685, EIP7691, EIP7702, EIP7708,
	EIP7778, EIP7823, EIP7825, EIP7843, EIP7883, EIP7918, EIP7928, EIP7934,
	EIP7939, EIP7951, EIP7954, EIP7976, EIP7981, EIP8024, EIP8037, EIP8038,
	EIP8246, EIP8282,
}

// forkEIPSets[p][f] is the set of EIPs fork f itself switches on under
// profile p. Built once, read-only afterwards.
var forkEIPSets = func() (sets [numProfiles][numForks]EIPSet) {
	for p := range sets {
		add := func(f Fork, eips []EIP) {
			for _, e := range eips {
				sets[p][f].add(e)
			}
		}
		add(ForkShanghai, shanghaiEIPs[:])
		add(ForkCancun, cancunEIPs[:])
		add(ForkPrague, pragueEIPs[:])
		add(ForkOsaka, osakaEIPs[:])
		add(ForkAmsterdam, profiles[p].amsterdam)
	}
	return sets
}()

// eipIndex returns e's index in knownEIPs.
func eipIndex(e EIP) (int, bool) {
	lo, hi := 0, len(knownEIPs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if knownEIPs[m] < e {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(knownEIPs) && knownEIPs[lo] == e
}

// IsKnownEIP reports whether e is one of the EIPs balexec tracks.
func IsKnownEIP(e EIP) bool {
	_, ok := eipIndex(e)
	return ok
}

// KnownEIPs returns the EIPs balexec tracks, in increasing order, in a new
// slice.
func KnownEIPs() []EIP { return append([]EIP(nil), knownEIPs[:]...) }

// EIPSet is a set of known EIPs, a value type. The zero value is empty.
type EIPSet struct {
	bits [(len(knownEIPs) + 63) / 64]uint64
}

// add puts e in the set; unknown EIPs are ignored.
func (s *EIPSet) add(e EIP) {
	if i, ok := eipIndex(e); ok {
		s.bits[i/64] |= 1 << (i % 64)
	}
}

// With returns s with e added. Unknown EIPs are ignored.
func (s EIPSet) With(e EIP) EIPSet {
	s.add(e)
	return s
}

// Has reports whether e is in the set.
func (s EIPSet) Has(e EIP) bool {
	i, ok := eipIndex(e)
	return ok && s.bits[i/64]&(1<<(i%64)) != 0
}

// Union returns the EIPs in s or t.
func (s EIPSet) Union(t EIPSet) EIPSet {
	for i := range s.bits {
		s.bits[i] |= t.bits[i]
	}
	return s
}

// Len returns the number of EIPs in the set.
func (s EIPSet) Len() int {
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// List returns the EIPs in the set, in increasing order, in a new slice.
func (s EIPSet) List() []EIP {
	var out []EIP
	for i, e := range knownEIPs {
		if s.bits[i/64]&(1<<(i%64)) != 0 {
			out = append(out, e)
		}
	}
	return out
}
