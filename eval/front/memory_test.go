package front

import (
	"fmt"
	"testing"
)

// lowerCommit lowers and commits src, failing the test on a refusal.
func lowerCommit(t *testing.T, f *Front, src string) *Program {
	t.Helper()
	p, err := f.Lower(src)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	f.Commit(p)
	return p
}

// A declaration keeps the scope of the check that declared it alive for
// as long as it is live: that scope must hold what its snippet mentions,
// not every name declared before (memory quadratic in declarations).
func TestCheckScopeHoldsWhatTheSnippetMentions(t *testing.T) {
	f := New(Config{})
	const n = 300
	for i := range n {
		lowerCommit(t, f, fmt.Sprintf("func f%d() int { return %d }", i, i))
	}
	lowerCommit(t, f, "func sum() int { return f0() + f1() + f299() }")
	for i := range n {
		obj := f.live[fmt.Sprintf("f%d", i)]
		if size := obj.Pkg().Scope().Len(); size > 2 {
			t.Fatalf("f%d's scope holds %d names", i, size)
		}
	}
	if size := f.live["sum"].Pkg().Scope().Len(); size != 5 {
		t.Errorf("sum's scope holds %d names, want 5 (sum, the three it calls and the cell)", size)
	}
}

// An engine sent ever new statement variables (dpfw-bench distinct:
// x1 := 1, x2 := 2, …) forgets them at every reset: what the front end
// keeps for them (history, declaration counts, yaegi names, parsed
// files) must go with them, while declarations stay.
func TestStateAfterResetsIsBounded(t *testing.T) {
	f := New(Config{})
	files := func() int {
		n := 0
		for range f.fset.Iterate {
			n++
		}
		return n
	}
	lowerCommit(t, f, "func keep() int { return 7 }")
	base := files()
	const gen, n = 50, 1000
	dropped := 0
	for i := range n {
		lowerCommit(t, f, fmt.Sprintf("x%d := %d + keep(); x%d*2 + 1", i, i, i))
		if i%gen == gen-1 {
			lost, d := f.Reset(nil)
			if len(lost) != gen {
				t.Fatalf("reset %d lost %d names, want %d", i/gen, len(lost), gen)
			}
			dropped += len(d)
		}
	}
	if dropped != n {
		t.Errorf("dropped %d snippets, want %d", dropped, n)
	}
	if len(f.history) != 1 || len(f.defined) != 1 || len(f.yname) > 1 {
		t.Errorf("after %d snippets and resets: history %d, defined %d, yname %d; want 1 each (keep)",
			n, len(f.history), len(f.defined), len(f.yname))
	}
	if got := files(); got != base {
		t.Errorf("the file set holds %d files, %d before the snippets", got, base)
	}
	// A forgotten name is new again: its yaegi name is its own.
	lowerCommit(t, f, "x3 := 1")
	if got := f.YaegiName("x3"); got != "x3" {
		t.Errorf("x3 declared again is %q in yaegi", got)
	}
}
