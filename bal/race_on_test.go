//go:build race

package bal_test

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts of pooled paths (keccak) are meaningless under it.
const raceEnabled = true
