package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chain.json")
	var out, errb bytes.Buffer
	if code := run([]string{"-seed", "3", "-fork", "prague", "-blocks", "2", "-txs", "5", "-o", path, "-compare"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "0 mismatches") {
		t.Errorf("report: %s", out.String())
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(data, []byte(`"network": "Prague"`)) {
		t.Errorf("fixture: %v %.200s", err, data)
	}
	// Without -o and -compare the fixture goes to a new temporary file,
	// never into the working directory.
	out.Reset()
	if code := run([]string{"-seed", "3", "-blocks", "1", "-txs", "2"}, &out, &errb); code != 0 {
		t.Fatalf("default output: exit %d: %s", code, errb.String())
	}
	tmp, ok := strings.CutPrefix(strings.TrimSpace(out.String()), "fixture written to ")
	if !ok || !strings.HasPrefix(tmp, os.TempDir()) {
		t.Fatalf("default output: %q", out.String())
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatal(err)
	}
	os.Remove(tmp)
	for _, args := range [][]string{
		{"-fork", "Frontier", "-compare"}, // unknown fork
		{"-blocks", "0", "-compare"},      // out of range
		{"-no-such-flag"},                 // bad flag
	} {
		out.Reset()
		errb.Reset()
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
