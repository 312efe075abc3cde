//go:build !race

package storedb_test

const raceEnabled = false
