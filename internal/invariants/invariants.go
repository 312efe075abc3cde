// Package invariants gates expensive self-checks: assertions that recompute
// what a fast path derived (a streamed root against a from-scratch one, a
// cached value against its backing store) and would cost too much in
// production. They run only in binaries built with the `invariants` build
// tag, as CI's `go test -tags invariants` does; without the tag [Enabled] is
// a false constant and the checks compile away.
//
// A failed assertion is a bug in balexec, never bad input: it panics.
//
// The package holds no mutable state besides the random source of
// [Sometimes], which is safe for concurrent use.
package invariants

import (
	"fmt"
	"math/rand/v2"
)

// Sometimes reports true with probability p when invariants are enabled, and
// always false otherwise: for checks too expensive to run on every call even
// in invariant builds.
func Sometimes(p float64) bool {
	return Enabled && rand.Float64() < p
}

// AssertionFailedf panics with the formatted message when invariants are
// enabled; it does nothing otherwise.
func AssertionFailedf(format string, args ...any) {
	if Enabled {
		panic(fmt.Sprintf("invariant violated: "+format, args...))
	}
}
