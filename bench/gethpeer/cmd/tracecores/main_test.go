package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"
)

// spin keeps a core busy for d.
func spin(d time.Duration) {
	for t0 := time.Now(); time.Since(t0) < d; {
	}
}

// TestReport traces a region in which one goroutine runs alone, then two
// at once, and checks that the report finds the region, both periods and
// the goroutine that ran alone.
func TestReport(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores")
	}
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Fatal(err)
	}
	reg := trace.StartRegion(context.Background(), "import")
	spin(30 * time.Millisecond)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { spin(30 * time.Millisecond) })
	}
	wg.Wait()
	reg.End()
	trace.Stop()
	path := filepath.Join(t.TempDir(), "trace.out")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-cores", "2", path}, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	t.Log(s)
	for _, want := range []string{`1 regions "import"`, "1 running", ">=2 running", "core time left idle", "by tenth of the region", "tracecores.spin < ",
		"goroutines stopped running", "tracecores.TestReport"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The spin alone left one core idle for about 30 ms; whatever the
	// machine's load, at least a third of it shows.
	st := parse(t, s)
	if st.one < 10 || st.two < 10 {
		t.Errorf("1 running %.1f ms, 2 running %.1f ms: want at least 10 ms each", st.one, st.two)
	}
	if err := run([]string{"-region", "absent", path}, &out); err != nil || !strings.Contains(out.String(), `no region "absent"`) {
		t.Errorf("absent region: %v\n%s", err, out.String())
	}
	if err := run([]string{path, path}, &out); err == nil {
		t.Error("two files: no error")
	}
}

type parsed struct{ one, two float64 }

func parse(t *testing.T, s string) parsed {
	var p parsed
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		var v float64
		switch {
		case f[0] == "1" && f[1] == "running":
			if _, err := fmt.Sscan(f[2], &v); err == nil {
				p.one = v
			}
		case f[0] == ">=2" && f[1] == "running":
			if _, err := fmt.Sscan(f[2], &v); err == nil {
				p.two = v
			}
		}
	}
	return p
}
