package eval

import (
	"context"
	"fmt"
	"testing"
)

// runUntilReset runs src (with %d replaced by a counter) until the engine
// recycles its interpreter, and returns that result and counter.
func runUntilReset(t *testing.T, e *Engine, src string) (Result, int) {
	t.Helper()
	for i := 0; ; i++ {
		if r := run(t, e, fmt.Sprintf(src, i)); r.Reset {
			return r, i
		}
	}
}

// The dpfw-bench distinct step in process: an engine sent ever new
// statement variables forgets them when it recycles, and stops
// replaying them; its memory stays bounded.
func TestDistinctStatementsStayBounded(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 60})
	run(t, e, "func keep() int { return 7 }")
	const n = 600
	resets := 0
	before := heapAlloc()
	for i := range n {
		r := run(t, e, fmt.Sprintf("x%d := %d; x%d*2 + keep()", i, i, i))
		if r.Value != 2*i+7 {
			t.Fatalf("snippet %d = %v", i, r.Value)
		}
		if r.Reset {
			resets++
		}
	}
	if resets < 10 {
		t.Fatalf("%d recycles in %d snippets", resets, n)
	}
	// At most the snippets since the last recycle, and keep.
	if len(e.defs) > 30 || len(e.srcs) > 30 {
		t.Errorf("after %d snippets: %d declarations to replay, %d sources to rebuild", n, len(e.defs), len(e.srcs))
	}
	if grew := int64(heapAlloc()) - int64(before); grew > 32<<20 {
		t.Errorf("heap grew by %d MB over %d distinct snippets", grew>>20, n)
	}
	if r := run(t, e, "keep()"); r.Value != 7 {
		t.Errorf("keep() = %v", r.Value)
	}
}

// What a reset forgets is gone, and its name is free again; what the
// snippets that declared it made for later code (helpers, a variable a
// kept snippet uses) still replays.
func TestResetDropsOnlyWhatNothingUses(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 12})
	run(t, e, "x := 5")
	// h is forgotten at the reset, but its snippet declared the helper
	// that min of float64 needs, and g uses x: both snippets replay.
	run(t, e, "a, b := 1.5, 2.5; h := min(a, b); func g() int { return x }")
	run(t, e, "func m(a, b float64) float64 { return min(a, b) }")
	if r, i := runUntilReset(t, e, "m(3, 4) + %d"); r.Value != float64(3+i) {
		t.Errorf("m(3, 4) + %d across the reset = %v", i, r.Value)
	}
	for _, src := range []string{"x", "a", "h", "g()"} {
		if _, err := runErr(t, e, context.Background(), src); err.Kind != KindCompile {
			t.Errorf("%s after the reset: %v, want undefined", src, err)
		}
	}
	if r := run(t, e, "m(2, 1)"); r.Value != 1.0 {
		t.Errorf("m(2, 1) after the reset = %v", r.Value)
	}
	if r := run(t, e, "x := 6; x"); r.Value != 6 {
		t.Errorf("x declared again = %v", r.Value)
	}
	runUntilReset(t, e, "m(1, %d)")
	if r := run(t, e, "m(2, 1) + 1"); r.Value != 2.0 {
		t.Errorf("m(2, 1) + 1 after a second reset = %v", r.Value)
	}
}
