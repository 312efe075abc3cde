package cache

import "errors"

// Errors returned by this package. Errors of the backing reader are returned
// unchanged (and are never cached); these sentinels only mark failures the
// cache itself detects.
var (
	// ErrBackingPanic: the backing reader panicked while loading a key. The
	// caller that issued the load sees the panic itself; callers that were
	// waiting for the same load get this error instead of hanging, and Warm
	// returns it (wrapped with the panic value) instead of crashing.
	ErrBackingPanic = errors.New("cache: backing reader panicked")
	// ErrWarm wraps the first failure Warm met, in the list's order, together
	// with the address (and slot) and the backing reader's error.
	ErrWarm = errors.New("cache: warm")
)

// errSkipped tells Warm that another caller is loading a key, so there is
// nothing for it to do. It never leaves the package.
var errSkipped = errors.New("cache: key being loaded by another caller")
