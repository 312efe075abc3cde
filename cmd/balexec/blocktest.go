package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/balexec/balexec/chainspec"
	"github.com/balexec/balexec/exec/blocktest"
)

// blockTest runs blockchain tests from files and directories.
func blockTest(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("blocktest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print every test, not only failures")
	parallel := fs.Int("parallel", 0, "run every block that carries its access list on the parallel executor with `n` workers (0: sequential)")
	rules := rulesFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: balexec blocktest [-v] [--parallel N] [--rules NAME] PATH...")
	}
	profile, err := rules.profile()
	if err != nil {
		return err
	}
	files, err := blocktest.Files(fs.Args())
	if err != nil {
		return err
	}
	opts := blocktest.Options{ParallelWorkers: *parallel, Profile: profile}
	progress := progressTo(stderr)
	done := 0
	sum := blocktest.RunFiles(files, opts, func(file string, outcomes []blocktest.Outcome, loadErr error) {
		done++
		progress("blocktest: %d of %d files", done, len(files))
		if loadErr != nil {
			fmt.Fprintf(stdout, "FAIL %s: %v\n", file, loadErr)
			return
		}
		for _, o := range outcomes {
			switch {
			case o.NotRun():
				if *verbose {
					fmt.Fprintf(stdout, "SKIP %s %s: %v\n", file, o.Test.Name, o.Err)
				}
			case o.Err != nil:
				fmt.Fprintf(stdout, "FAIL %s %s: %v\n", file, o.Test.Name, o.Err)
			case *verbose:
				fmt.Fprintf(stdout, "ok   %s %s\n", file, o.Test.Name)
			}
		}
	})
	progress("")
	if *parallel > 0 {
		fmt.Fprintf(stdout, "parallel executor: %d blocks accepted, %d sent to the sequential run\n", sum.Parallel.Parallel, sum.Parallel.Sequential)
	}
	fmt.Fprintf(stdout, "%d tests of forks before Shanghai not run\n", sum.NotRun)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", sum.Passed, sum.Failed)
	if sum.Failed > 0 || sum.Passed == 0 {
		return errFailed
	}
	return nil
}

// rulesOption is the --rules flag of the commands that execute blocks: the
// name of a rule profile (chainspec.Profile), or "" for the default (the
// fixture's release, or go-ethereum v1.17.10's for a chain).
type rulesOption struct{ name *string }

func rulesFlag(fs *flag.FlagSet) rulesOption {
	names := ""
	for i, p := range chainspec.Profiles() {
		if i > 0 {
			names += ", "
		}
		names += p.String()
	}
	return rulesOption{fs.String("rules", "", "run under the rule profile `NAME` ("+names+"); default: the one the fixture's release needs, go-ethereum's for a chain")}
}

// profile returns the chosen profile, nil when none was named.
func (r rulesOption) profile() (*chainspec.Profile, error) {
	if *r.name == "" {
		return nil, nil
	}
	p, err := chainspec.ProfileByName(*r.name)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
