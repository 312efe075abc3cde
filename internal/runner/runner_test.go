package runner

import (
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
