package evm

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/balexec/balexec/types"
)

// TestSharedAnalysisConcurrent runs the same contracts on several EVMs in
// parallel goroutines sharing one SharedAnalysisCache (run it with -race):
// every worker must get the same results as a sequential run.
func TestSharedAnalysisConcurrent(t *testing.T) {
	codes := [][]byte{
		loadContract(t, "fib_iter"),
		loadContract(t, "bubblesort"),
		loadContract(t, "manyhashes"),
		loadContract(t, "fib_rec"),
	}
	inputs := [][]byte{words(300), words(40), words(100), words(12)}
	want := make([][]byte, len(codes))
	for i, code := range codes {
		r := newContractRunner(t, code, inputs[i])
		ret, _, err := r.run(1 << 30)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = append([]byte(nil), ret...)
	}
	shared := NewSharedAnalysisCache(1024)
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 20 {
				i := (w + round) % len(codes)
				state := newMemState()
				state.put(addrCaller, 0, 1e18, nil, nil)
				state.put(addrContract, 1, 0, codes[i], nil)
				evm, err := NewEVM(testBlock(), RulesFor(1, Osaka), Config{Analyses: shared})
				if err != nil {
					errs[w] = err.Error()
					return
				}
				evm.Reset(state)
				ret, _, err := evm.Call(addrCaller, addrContract, inputs[i], NewGas(1<<30, 0), &evm.zero)
				if err != nil || string(ret) != string(want[i]) {
					errs[w] = "result differs"
					return
				}
			}
		}()
	}
	wg.Wait()
	for w, e := range errs {
		if e != "" {
			t.Errorf("worker %d: %s", w, e)
		}
	}
	if shared.Len() != len(codes) {
		t.Errorf("cache holds %d analyses, want %d", shared.Len(), len(codes))
	}
	for _, code := range codes {
		h := types.Keccak256One(code)
		if !shared.JumpDests(h, code).Valid(uint64(firstJumpdest(code))) {
			t.Error("cached analysis wrong")
		}
	}
}

func firstJumpdest(code []byte) int {
	for pc := 0; pc < len(code); pc++ {
		if code[pc] == opJUMPDEST {
			return pc
		}
		pc += OpCode(code[pc]).PushSize()
	}
	return -1
}

// TestAnalysisShardSize checks that each shard of SharedAnalysisCache
// occupies exactly one cache line, so neighbouring locks never share one.
func TestAnalysisShardSize(t *testing.T) {
	if s := unsafe.Sizeof(analysisShard{}); s != 64 {
		t.Errorf("analysisShard is %d bytes, want 64", s)
	}
}

// BenchmarkSharedAnalysisHit measures the read path of the shared JUMPDEST
// cache from all cores at once (every call frame of a hot contract takes
// it).
func BenchmarkSharedAnalysisHit(b *testing.B) {
	c := NewSharedAnalysisCache(4096)
	code := loadContract(b, "erc20")
	h := types.Keccak256One(code)
	c.JumpDests(h, code)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if c.JumpDests(h, code) == nil {
				b.Fatal("miss")
			}
		}
	})
}
