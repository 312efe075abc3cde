package invariants_test

import (
	"testing"

	"github.com/balexec/balexec/internal/invariants"
)

func TestAssertionFailedf(t *testing.T) {
	defer func() {
		r := recover()
		if invariants.Enabled && r == nil {
			t.Fatal("an enabled assertion did not panic")
		}
		if !invariants.Enabled && r != nil {
			t.Fatalf("a disabled assertion panicked: %v", r)
		}
	}()
	invariants.AssertionFailedf("check %d", 1)
}

func TestSometimes(t *testing.T) {
	hits := 0
	for range 1000 {
		if invariants.Sometimes(0.5) {
			hits++
		}
	}
	switch {
	case !invariants.Enabled && hits != 0:
		t.Fatalf("Sometimes true %d times with invariants off", hits)
	case invariants.Enabled && (hits < 350 || hits > 650):
		t.Fatalf("Sometimes(0.5) true %d times of 1000", hits)
	}
	if invariants.Sometimes(0) {
		t.Fatal("Sometimes(0) was true")
	}
}
