package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/balexec/balexec/exec/statetest"
)

// stateTest runs state tests from files and directories.
func stateTest(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("statetest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print every case, not only failures")
	rules := rulesFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: balexec statetest [-v] [--rules NAME] PATH...")
	}
	profile, err := rules.profile()
	if err != nil {
		return err
	}
	files, err := statetest.Files(fs.Args())
	if err != nil {
		return err
	}
	progress := progressTo(stderr)
	done := 0
	sum := statetest.RunFiles(files, statetest.Options{Profile: profile}, func(file string, outcomes []statetest.Outcome, loadErr error) {
		done++
		progress("statetest: %d of %d files", done, len(files))
		if loadErr != nil {
			fmt.Fprintf(stdout, "FAIL %s: %v\n", file, loadErr)
			return
		}
		for _, o := range outcomes {
			c, r := o.Case, o.Result
			switch {
			case !c.Supported():
				if *verbose {
					fmt.Fprintf(stdout, "SKIP %s %s %s[%d]: fork not implemented\n", file, c.Test.Name, c.Fork, c.Index)
				}
			case o.Err != nil:
				fmt.Fprintf(stdout, "FAIL %s %s %s[%d]: expected root %s, actual %s: %v\n",
					file, c.Test.Name, c.Fork, c.Index, r.WantRoot, r.Root, o.Err)
			case *verbose:
				fmt.Fprintf(stdout, "ok   %s %s %s[%d]\n", file, c.Test.Name, c.Fork, c.Index)
			}
		}
	})
	progress("")
	fmt.Fprintf(stdout, "%d cases of forks before Shanghai not run; 0 skipped for missing precompiles (all are implemented)\n", sum.Unsupported)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	if sum.Failed > 0 || sum.Passed == 0 {
		return errFailed
	}
	return nil
}
