package runner

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestOrderedPublishesInOrder(t *testing.T) {
	const n = 50
	var got []int
	Ordered(n, func(i int) int {
		time.Sleep(time.Duration((n-i)%7) * time.Millisecond)
		return i * i
	}, func(i, r int) {
		if r != i*i {
			t.Errorf("result %d for %d", r, i)
		}
		got = append(got, i)
	})
	for i, v := range got {
		if v != i {
			t.Fatalf("published %v", got)
		}
	}
	if len(got) != n {
		t.Fatalf("published %d of %d", len(got), n)
	}
	Ordered(0, func(int) int { t.Fatal("work called"); return 0 }, func(int, int) { t.Fatal("publish called") })
}

func TestJSONFilesEmpty(t *testing.T) {
	dir := t.TempDir()
	if _, err := JSONFiles([]string{dir}); !errors.Is(err, ErrNoFixtures) {
		t.Fatalf("empty folder: %v", err)
	}
	if _, err := JSONFiles(nil); !errors.Is(err, ErrNoFixtures) {
		t.Fatalf("no path: %v", err)
	}
	if _, err := JSONFiles([]string{filepath.Join(dir, "nosuch")}); err == nil {
		t.Fatal("a missing path is not an error")
	}
}
