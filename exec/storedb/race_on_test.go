//go:build race

package storedb_test

// raceEnabled: the race detector's shadow memory makes the resident set
// size meaningless for TestBoundedMemory.
const raceEnabled = true
