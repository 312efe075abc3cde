package statetest

import (
	"fmt"

	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/internal/runner"
)

// Outcome is the result of one case in a run over many files.
type Outcome struct {
	Case   Case
	Result Result
	Err    error // nil when the case passed
}

// Summary counts a run's outcomes.
type Summary struct {
	Passed, Failed, Unsupported int
	// Failures lists the failed outcomes in file, test, fork and index order.
	Failures []Outcome
	// LoadErrors lists files that could not be parsed; each counts as a
	// failure.
	LoadErrors []error
}

// Files returns the .json files under each path (a file or a directory),
// sorted.
func Files(paths []string) ([]string, error) { return runner.JSONFiles(paths) }

// RunFiles runs every case of every file with opts on min(GOMAXPROCS,
// files) workers and calls report, from the calling goroutine and in file
// order, for each file's outcomes.
func RunFiles(files []string, opts Options, report func(file string, outcomes []Outcome, loadErr error)) Summary {
	analyses := evm.NewSharedAnalysisCache(1 << 14)
	type fileResult struct {
		outcomes []Outcome
		err      error
	}
	var sum Summary
	runner.Ordered(len(files), func(i int) fileResult {
		// Every tenth file also runs on the interpreter's slow twin.
		outcomes, err := runFile(files[i], opts, analyses, i%10 == 0)
		return fileResult{outcomes, err}
	}, func(i int, r fileResult) {
		if r.err != nil {
			sum.LoadErrors = append(sum.LoadErrors, r.err)
			sum.Failed++
		}
		for _, o := range r.outcomes {
			switch {
			case !o.Case.Supported():
				sum.Unsupported++
			case o.Err != nil:
				sum.Failed++
				sum.Failures = append(sum.Failures, o)
			default:
				sum.Passed++
			}
		}
		if report != nil {
			report(files[i], r.outcomes, r.err)
		}
	})
	return sum
}
func runFile(path string, opts Options, analyses evm.AnalysisCache, twin bool) ([]Outcome, error) {
	tests, err := ParseFile(path)
	if err != nil {
		return nil, err
	}
	var out []Outcome
	for _, t := range tests {
		for _, c := range t.Cases() {
			o := Outcome{Case: c}
			if c.Supported() {
				o.Result, o.Err = RunWith(c, opts, analyses)
				if o.Err == nil && twin {
					res, err := RunTableOnly(c, opts, analyses)
					if err == nil && (res.Root != o.Result.Root || res.Logs != o.Result.Logs) {
						err = fmt.Errorf("%w: table-only interpreter gives root %s logs %s", ErrMismatch, res.Root, res.Logs)
					}
					o.Err = err
				}
			}
			out = append(out, o)
		}
	}
	return out, nil
}
