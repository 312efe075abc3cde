package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/trie"
)

// trieRoot prints the state root of a genesis allocation or a state dump.
// For a dump it also checks every account's storage root and code hash and
// the dump's own root against what it computes.
func trieRoot(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trie root", flag.ContinueOnError)
	fs.SetOutput(stderr)
	genesis := fs.String("genesis", "", "go-ethereum genesis `file` (its alloc)")
	dump := fs.String("state-dump", "", "go-ethereum state dump `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*genesis == "") == (*dump == "") || fs.NArg() != 0 {
		return errors.New("give exactly one of --genesis and --state-dump")
	}
	if *genesis != "" {
		f, err := os.Open(*genesis)
		if err != nil {
			return err
		}
		defer f.Close()
		// The whole file is checked, as replay checks it: a file that is
		// not a genesis (no config, say) is an error, not an empty state.
		g, err := chainspec.ReadGenesis(f)
		if err != nil {
			return fmt.Errorf("%s: %w", *genesis, err)
		}
		root, err := g.Alloc.Root()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, root.Hex())
		return nil
	}
	f, err := os.Open(*dump)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := chainspec.ReadDump(f)
	if err != nil {
		return err
	}
	alloc := d.Alloc()
	bad := 0
	for addr, acct := range d.Accounts {
		got := trie.StorageRoot(alloc[addr].Storage)
		if got != acct.Root {
			bad++
			fmt.Fprintf(stderr, "account %s: storage root %s, dump says %s\n", addr, got, acct.Root)
		}
	}
	root, err := alloc.Root()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, root.Hex())
	if root != d.Root {
		fmt.Fprintf(stderr, "state root %s differs from the dump's root %s\n", root, d.Root)
		return errFailed
	}
	if bad > 0 {
		return errFailed
	}
	return nil
}
