package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/balexec/balexec/store"
)

// dbStats prints what the store in --datadir holds: its head (number, hash,
// state root) and its size by kind of record (count, bytes of keys and
// values, pebble's estimate of the table-file bytes), read-only.
func dbStats(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("db stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	datadir := fs.String("datadir", "", "`directory` of the store")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *datadir == "" || fs.NArg() != 0 {
		return errors.New("usage: balexec db stats --datadir DIR")
	}
	db, err := store.Open(*datadir, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Stats()
	if err != nil {
		return err
	}
	if st.HasHead {
		fmt.Fprintf(stdout, "head       block %d %s\n", st.Head.Number, st.Head.Hash)
		fmt.Fprintf(stdout, "state root %s\n", st.Head.Root)
	} else {
		fmt.Fprintln(stdout, "head       none (empty store)")
	}
	fmt.Fprintf(stdout, "%-12s %12s %14s %14s\n", "kind", "records", "bytes", "on disk")
	var count, bytes uint64
	for _, k := range st.Kinds {
		fmt.Fprintf(stdout, "%-12s %12d %14d %14d\n", k.Kind, k.Count, k.Bytes, k.DiskBytes)
		count += k.Count
		bytes += k.Bytes
	}
	fmt.Fprintf(stdout, "%-12s %12d %14d %14d\n", "total", count, bytes, st.DiskBytes)
	return nil
}
