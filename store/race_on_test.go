//go:build race

package store_test

// raceEnabled: the race detector changes allocation counts (sync.Pool drops
// items at random), so allocation tests are skipped under it.
const raceEnabled = true
