//go:build race

package evm

// raceEnabled reports a -race build, where allocation counts are not
// meaningful (the race runtime disables sync.Pool reuse).
const raceEnabled = true
