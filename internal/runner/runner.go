// Package runner holds what the test-fixture runners (state tests,
// blockchain tests) share: finding fixture files and running work items on a
// bounded pool while publishing results in order.
package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrNoFixtures: the paths given hold no .json file.
var ErrNoFixtures = errors.New("runner: no .json fixture files")

// JSONFiles returns the .json files under each path (a file or a
// directory), sorted. Paths with no .json file at all are ErrNoFixtures: a
// mistyped folder must not pass as an empty suite.
func JSONFiles(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: no path given", ErrNoFixtures)
	}
	var out []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".json") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w under %s", ErrNoFixtures, strings.Join(paths, ", "))
	}
	sort.Strings(out)
	return out, nil
}

// Ordered runs work(i) for i in [0, n) on min(GOMAXPROCS, n) goroutines and
// calls publish(i, result) from the calling goroutine in index order, as
// soon as each result and all before it are ready. Every goroutine has
// finished when Ordered returns.
func Ordered[T any](n int, work func(i int) T, publish func(i int, r T)) {
	results := make([]T, n)
	done := make([]chan struct{}, n)
	for i := range done {
		done[i] = make(chan struct{})
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				results[i] = work(i)
				close(done[i])
			}
		}()
	}
	for i := range n {
		<-done[i]
		publish(i, results[i])
		var zero T
		results[i] = zero
	}
	wg.Wait()
}
