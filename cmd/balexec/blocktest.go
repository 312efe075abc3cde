package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/balexec/balexec/exec/blocktest"
)

// blockTest runs blockchain tests from files and directories.
func blockTest(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("blocktest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print every test, not only failures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: balexec blocktest [-v] PATH...")
	}
	files, err := blocktest.Files(fs.Args())
	if err != nil {
		return err
	}
	sum := blocktest.RunFiles(files, func(file string, outcomes []blocktest.Outcome, loadErr error) {
		if loadErr != nil {
			fmt.Fprintf(stdout, "FAIL %s: %v\n", file, loadErr)
			return
		}
		for _, o := range outcomes {
			switch {
			case o.Err != nil:
				fmt.Fprintf(stdout, "FAIL %s %s: %v\n", file, o.Test.Name, o.Err)
			case *verbose:
				fmt.Fprintf(stdout, "ok   %s %s\n", file, o.Test.Name)
			}
		}
	})
	fmt.Fprintf(stdout, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	if sum.Failed > 0 || sum.Passed == 0 {
		return errFailed
	}
	return nil
}
