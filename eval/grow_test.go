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

// A declaration snippet sent again and again (func g() int { return 1 };
// g()) redeclares g each time: the superseded declarations leave the
// replay at a recycle, which stays as small as what is live.
func TestRepeatedDeclarationsStayBounded(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 30})
	run(t, e, "func keep() int { return 7 }")
	const src = "func g() int { return 1 }\ng() + keep()"
	resets := 0
	for i := range 300 {
		r := run(t, e, src)
		if r.Value != 8 {
			t.Fatalf("run %d = %v", i, r.Value)
		}
		if r.Reset {
			resets++
			if len(r.Lost) != 0 {
				t.Errorf("run %d lost %v", i, r.Lost)
			}
			// keep, and the g of this run (the replay ran before it).
			if len(e.defs) > 3 || len(e.srcs) > 3 || len(e.front.Replayed()) > 3 {
				t.Fatalf("run %d: %d declarations to replay, %d sources, %d in the front end's history",
					i, len(e.defs), len(e.srcs), len(e.front.Replayed()))
			}
		}
	}
	if resets < 5 {
		t.Fatalf("%d recycles in 300 runs", resets)
	}
}

// A kept declaration that uses one superseded since keeps it in the
// replay, bound as before (yaegi binds a call when it compiles it; Go
// would call the latest h: TestReplayRedefinitions), and a variable a
// kept func uses keeps its value though its name means another now.
func TestSupersededButUsedStays(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 12})
	run(t, e, "func h() int { return 1 }")
	run(t, e, "func g() int { return h() * 10 }")
	run(t, e, "var total = 1")
	run(t, e, "func get() int { return total }")
	run(t, e, "total = 9")
	for range 3 {
		run(t, e, "func h() int { return 5 }")
		run(t, e, "var total = 2")
	}
	for range 2 {
		r, _ := runUntilReset(t, e, "h() + %d*0")
		if len(r.Lost) != 0 {
			t.Errorf("lost %v", r.Lost)
		}
		for _, c := range []struct {
			src  string
			want int
		}{{"g()", 10}, {"h()", 5}, {"get()", 9}, {"total", 2}} {
			if r := run(t, e, c.src); r.Value != c.want {
				t.Errorf("%s after a recycle = %v, want %v", c.src, r.Value, c.want)
			}
		}
	}
	if len(e.defs) > 8 {
		t.Errorf("%d declarations to replay, want at most 8: %q", len(e.defs), e.defs)
	}
}
