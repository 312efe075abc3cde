//go:build !race

package bal_test

const raceEnabled = false
