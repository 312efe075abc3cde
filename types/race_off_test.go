//go:build !race

package types_test

const raceEnabled = false
