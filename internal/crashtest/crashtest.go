// Package crashtest is the harness of the crash tests: it runs the test
// binary again as a child process that does durable work and reports it on
// standard output, kills the child with SIGKILL at a chosen moment, and
// tells the parent what the child had reported, so that the parent can
// reopen what the child wrote and check it.
package crashtest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Kill is one child's run.
type Kill struct {
	// Test names the test the child runs (its -test.run pattern is
	// ^Test$); env is added to its environment, and tells that test it is
	// the child.
	Test string
	Env  []string
	// Prefix starts each progress line of the child: "<Prefix><n>" once its
	// n-th unit of work is durable.
	Prefix string
	// Unless Early, the parent waits (up to a minute) for the child's
	// first progress line before it waits Delay; with Early it waits Delay
	// from the child's start.
	Early bool
	Delay time.Duration
}

// Outcome is what the parent learnt of a killed child.
type Outcome struct {
	Last       int64 // the last n the child reported, -1 for none
	Killed     bool  // SIGKILL ended the child (not its own exit)
	NoProgress bool  // the child reported nothing in a minute (not Early)
}

// Run runs k's child to its kill. A child that failed on its own (exited
// with an error, not killed) fails t with the child's standard error.
func Run(t testing.TB, k Kill) Outcome {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^"+k.Test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), k.Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var last atomic.Int64
	last.Store(-1)
	done, first := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), k.Prefix); ok {
				if v, err := strconv.ParseInt(n, 10, 64); err == nil && last.Swap(v) == -1 {
					close(first)
				}
			}
		}
	}()
	var o Outcome
	if !k.Early {
		select {
		case <-first:
		case <-done: // the child ended: Wait reports how
		case <-time.After(time.Minute):
			o.NoProgress = true
		}
	}
	time.Sleep(k.Delay)
	killErr := cmd.Process.Signal(syscall.SIGKILL)
	<-done
	waitErr := cmd.Wait()
	signalled := false
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		signalled = ws.Signaled()
	}
	if !signalled && waitErr != nil {
		t.Fatalf("the child failed: %v\n%s", waitErr, stderr.String())
	}
	o.Killed = killErr == nil && signalled
	o.Last = last.Load()
	return o
}

// Budget returns how long a crash test keeps killing children: normal, or
// short with -short, unless the environment variable env holds a Go
// duration, which wins.
func Budget(t testing.TB, env string, normal, short time.Duration) time.Duration {
	t.Helper()
	budget := normal
	if testing.Short() {
		budget = short
	}
	if s := os.Getenv(env); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		budget = d
	}
	return budget
}
