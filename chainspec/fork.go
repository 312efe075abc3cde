package chainspec

import (
	"fmt"
	"iter"
	"strings"
)

// Fork names a hard fork scheduled by timestamp: Shanghai and every fork
// after it. The order of the constants is go-ethereum's fork order
// (params/forks), which is also the priority of [Config.Fork]: the highest
// active fork wins.
type Fork uint8

// The forks balexec knows by name. ForkPreShanghai is not a fork: it stands
// for "no timestamp fork active yet", whose rules balexec does not run.
const (
	ForkPreShanghai Fork = iota
	ForkShanghai
	ForkCancun
	ForkPrague
	ForkOsaka
	ForkBPO1
	ForkBPO2
	ForkBPO3
	ForkBPO4
	ForkBPO5
	ForkAmsterdam
	numForks
)

var forkNames = [numForks]string{
	"pre-Shanghai", "Shanghai", "Cancun", "Prague", "Osaka",
	"BPO1", "BPO2", "BPO3", "BPO4", "BPO5", "Amsterdam",
}

// String returns the fork's name as go-ethereum and the test suites spell
// it ("Cancun", "BPO1").
func (f Fork) String() string {
	if f < numForks {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// Forks returns the timestamp forks balexec knows, Shanghai to Amsterdam,
// in the order of the constants.
func Forks() iter.Seq[Fork] {
	return func(yield func(Fork) bool) {
		for f := ForkShanghai; f < numForks; f++ {
			if !yield(f) {
				return
			}
		}
	}
}

// carriesBlobConfig reports whether the fork may have its own blob schedule
// entry. From Prague on only BPO forks change blob parameters; named forks
// inherit the latest earlier entry.
func (f Fork) carriesBlobConfig() bool {
	return f == ForkCancun || f == ForkPrague || (f >= ForkBPO1 && f <= ForkBPO5)
}

// timeForkOrder is the order in which timestamp forks must activate
// (go-ethereum's CheckConfigForkOrder). Amsterdam may precede BPO3..BPO5.
var timeForkOrder = [...]Fork{
	ForkShanghai, ForkCancun, ForkPrague, ForkOsaka,
	ForkBPO1, ForkBPO2, ForkAmsterdam, ForkBPO3, ForkBPO4, ForkBPO5,
}

// forkByKey maps the lower-case key of a fork in a blob schedule or a hive
// variable ("cancun", "bpo1") to the fork.
func forkByKey(key string) (Fork, bool) {
	for f := ForkShanghai; f < numForks; f++ {
		if strings.EqualFold(key, forkNames[f]) {
			return f, true
		}
	}
	return 0, false
}
