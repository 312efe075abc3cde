// Command gethpeer generates a chain with go-ethereum v1.17.10 and writes it
// as a blockchain-test fixture that `balexec blocktest` runs; with -compare
// it also imports the chain into balexec and reports every difference.
//
// Usage (from bench/gethpeer):
//
//	go run ./cmd/gethpeer -seed 7 -fork Prague -blocks 8 -txs 30 -o chain.json
//	go run ./cmd/gethpeer -seed 7 -fork Osaka -compare
//
// The exit status is 1 when balexec differs from go-ethereum, 2 on usage or
// generation errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/balexec/balexec/bench/gethpeer"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gethpeer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		seed    = fs.Uint64("seed", 1, "generator seed")
		fork    = fs.String("fork", "Prague", "fork: Cancun, Prague, Osaka or Amsterdam")
		blocks  = fs.Int("blocks", 8, "number of blocks")
		txs     = fs.Int("txs", 30, "transactions per block (fewer when a block's gas runs out)")
		out     = fs.String("o", "", "write the fixture to this file (- for standard output; default: a new temporary file, unless -compare)")
		compare = fs.Bool("compare", false, "import the chain into balexec and compare")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f, err := gethpeer.ParseFork(*fork)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	p := gethpeer.Params{Seed: *seed, Fork: f, Blocks: *blocks, TxsPerBlock: *txs}
	chain, err := gethpeer.Generate(p)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *out == "" && !*compare {
		// Never into the working tree by default: a temporary file, named.
		tmp, err := os.CreateTemp("", "gethpeer-*.json")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		tmp.Close()
		*out = tmp.Name()
		defer fmt.Fprintf(stdout, "fixture written to %s\n", *out)
	}
	if *out != "" {
		if err := writeFixture(chain, *out, stdout); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	if *compare {
		rep, err := gethpeer.Compare(chain)
		fmt.Fprintln(stdout, rep)
		switch {
		case errors.Is(err, gethpeer.ErrMismatch):
			return 1
		case err != nil:
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	return 0
}

func writeFixture(chain *gethpeer.Chain, path string, stdout io.Writer) error {
	if path == "-" {
		return chain.WriteFixture(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := chain.WriteFixture(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
