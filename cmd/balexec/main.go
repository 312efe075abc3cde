// Command balexec runs balexec's checks and jobs from the command line: state
// roots of genesis files and state dumps, verification of the block access
// lists in engine API payload files, and (as the project grows) state tests,
// blockchain tests and chain replay.
//
// Usage:
//
//	balexec trie root --genesis FILE
//	balexec trie root --state-dump FILE
//	balexec bal verify --payloads FILE
//	balexec statetest [-v] [--rules NAME] PATH...
//	balexec blocktest [-v] [--parallel N] [--rules NAME] PATH...
//	balexec replay --genesis FILE (--chain FILE | --payloads FILE) [--datadir DIR] [--state-dump FILE] [--parallel N] [--rules NAME]
//	balexec import --datadir DIR --genesis FILE (--payloads FILE | --chain FILE) [--parallel N] [--rules NAME]
//	balexec db stats --datadir DIR
//	balexec bench (--workload NAME | FIXTURE.json) [--workers LIST] [--blocks N] [--runs N] [--senders cold|warm] [--svg FILE] [--json FILE]
//
// --rules names a rule profile (geth-v1.17.10, tests-bal@v5.7.0): the EIPs
// Amsterdam switches on and their versions. By default a test runs under
// the profile its release needs (its _info.url) and a chain under
// go-ethereum v1.17.10's.
//
// Every command that checks a set of cases prints one line per failure and
// ends with "N passed, M failed"; the exit status is non-zero when anything
// failed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// errFailed reports that a command ran but some of its checks failed; the
// details are already printed.
var errFailed = errors.New("some checks failed")

const usage = `balexec: execute and check Ethereum blocks with block-level access lists

Usage:
  balexec trie root --genesis FILE      state root of a genesis file's allocation
  balexec trie root --state-dump FILE   state root of a go-ethereum state dump
  balexec bal verify --payloads FILE    check every block access list of an engine API payload file
  balexec statetest [-v] [--rules NAME] PATH...
                                        run state tests (files or directories)
  balexec blocktest [-v] [--parallel N] [--rules NAME] PATH...
                                        run blockchain tests (files or directories)
  balexec replay --genesis FILE (--chain FILE | --payloads FILE) [--datadir DIR] [--state-dump FILE] [--parallel N] [--rules NAME]
                                        import a chain and check every block (in memory, or in
                                        the store in DIR, continuing from its head)
  balexec import --datadir DIR --genesis FILE (--payloads FILE | --chain FILE) [--parallel N] [--rules NAME]
                                        import a chain into the store in DIR, resuming where it
                                        stopped; progress on standard error
  balexec db stats --datadir DIR        the store's head, state root and size by kind of record
  --rules NAME: the rule profile (geth-v1.17.10, tests-bal@v5.7.0); default: the
                fixture's release, go-ethereum v1.17.10's for a chain
  balexec bench (--workload NAME | FIXTURE.json) [--workers LIST] [--blocks N] [--runs N]
                [--senders cold|warm] [--svg FILE] [--json FILE]
                                        time blocks sequentially and in parallel, with a model of more cores
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // the usage was asked for, and printed
		}
		if !errors.Is(err, errFailed) {
			fmt.Fprintln(os.Stderr, "balexec:", err)
		}
		os.Exit(1)
	}
}

// run executes one command line; it is the testable body of main.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "trie":
		if len(args) < 2 || args[1] != "root" {
			fmt.Fprint(stderr, usage)
			return errors.New("usage: balexec trie root --genesis FILE | --state-dump FILE")
		}
		return trieRoot(args[2:], stdout, stderr)
	case "bal":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprint(stderr, usage)
			return errors.New("usage: balexec bal verify --payloads FILE")
		}
		return balVerify(args[2:], stdout, stderr)
	case "statetest":
		return stateTest(args[1:], stdout, stderr)
	case "blocktest":
		return blockTest(args[1:], stdout, stderr)
	case "replay":
		return replay(args[1:], stdout, stderr)
	case "import":
		return importCmd(args[1:], stdout, stderr)
	case "db":
		if len(args) < 2 || args[1] != "stats" {
			fmt.Fprint(stderr, usage)
			return errors.New("usage: balexec db stats --datadir DIR")
		}
		return dbStats(args[2:], stdout, stderr)
	case "bench":
		return benchCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
