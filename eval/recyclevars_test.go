package eval

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// recycleOnce runs filler snippets until the engine reports a recycle,
// and returns what that task reported lost.
func recycleOnce(t *testing.T, e *Engine) []string {
	t.Helper()
	for i := 0; i < 50; i++ {
		r := run(t, e, fmt.Sprintf("%d", 1000+i))
		if r.Reset {
			return r.Lost
		}
	}
	t.Fatal("no recycle after 50 snippets")
	return nil
}

// TestPackageVarsSurviveRecycle: a package-level variable changed after
// its declaration keeps its value across a recycle (it was replayed with
// its initializer: total read 0, reported nowhere).
func TestPackageVarsSurviveRecycle(t *testing.T) {
	for _, nf := range []bool{false, true} {
		t.Run(fmt.Sprintf("nofront=%v", nf), func(t *testing.T) {
			e := newEngine(t, Config{RecycleAfter: 4, NoFrontEnd: nf})
			if nf { // yaegi: "variable definition loop" for a var initialized from another
				run(t, e, "var total = 3")
				run(t, e, "var later = 6")
			} else {
				run(t, e, "var total = 3\nvar later = total * 2") // 6, computed now
			}
			run(t, e, "var xs = []int{1}")
			run(t, e, "var m = map[string]int{}")
			run(t, e, "var p *int")
			run(t, e, "p = &total")
			run(t, e, "func add(n int) { total += n }")
			run(t, e, "total -= 1")
			run(t, e, "total++")
			run(t, e, "add(10)")
			run(t, e, "xs = append(xs, 2, 3)")
			run(t, e, `m["a"] = 4`)
			run(t, e, "type P struct{ X int }")
			run(t, e, "var pt = P{1}")
			run(t, e, "pt.X = 9")
			lost := recycleOnce(t, e)
			for _, c := range []struct {
				src  string
				want any
			}{
				{"total", 13}, {"len(xs)", 3}, {"xs[2]", 3}, {`m["a"]`, 4}, {"later", 6}, {"*p", 13}, {"pt.X", 9},
			} {
				r := run(t, e, c.src)
				if r.Value != c.want {
					t.Errorf("%s after a recycle = %v, want %v (lost %v)", c.src, r.Value, c.want, lost)
				}
			}
			// The same storage: a pointer taken before the recycle still
			// aliases the variable, and replayed funcs change it.
			run(t, e, "*p = 100")
			run(t, e, "add(1)")
			if r := run(t, e, "total"); r.Value != 101 {
				t.Errorf("total after *p = 100; add(1) = %v, want 101", r.Value)
			}
			if len(lost) != 0 {
				t.Errorf("lost %v, want nothing", lost)
			}
		})
	}
}

// TestUnrestorableVarsLost: a variable whose value holds the old
// interpreter's code (here an interpreted closure) cannot be carried
// over exactly: it is reported lost and undefined, never its initializer.
func TestUnrestorableVarsLost(t *testing.T) {
	t.Run("front", func(t *testing.T) { testUnrestorableVarsLost(t, Config{}) })
	t.Run("nofront", func(t *testing.T) { testUnrestorableVarsLost(t, Config{NoFrontEnd: true}) })
	t.Run("sandbox", func(t *testing.T) { testUnrestorableVarsLost(t, Config{Sandbox: t.TempDir()}) })
}

func testUnrestorableVarsLost(t *testing.T, cfg Config) {
	cfg.RecycleAfter = 12
	e := newEngine(t, cfg)
	run(t, e, "var v any = 1")
	run(t, e, "func getV() any { return v }")
	run(t, e, "var n = 1")
	run(t, e, "v = func() int { return 2 }")
	lost := recycleOnce(t, e)
	for _, name := range []string{"v", "getV"} {
		if !slices.Contains(lost, name) {
			t.Errorf("lost %v, want %s in it", lost, name)
		}
		if r, err := e.Run(context.Background(), name); err == nil {
			t.Errorf("%s after a recycle = %s; want undefined", name, r.Text)
		}
	}
	if r := run(t, e, "n"); r.Value != 1 || slices.Contains(lost, "n") {
		t.Errorf("n = %v, lost %v", r.Value, lost)
	}
}

// TestNewVersionKeepsPackageVars: a new version of a native package
// rebuilds the interpreter from the program's sources; the package-level
// variables keep their values (they were their initializers' again), or
// are lost: one that holds a function of the old version is (the new
// interpreter has no such function).
func TestNewVersionKeepsPackageVars(t *testing.T) {
	e := newEngine(t, Config{})
	e.Register(kernels("x.test/v1/k", 10))
	run(t, e, "var total = 1")
	run(t, e, "var total = 2") // a redeclaration: another interpreter name
	run(t, e, "var v any = 3")
	run(t, e, "func add(n int) { total += k.Scale(n) }")
	run(t, e, "add(1)")
	run(t, e, "v = 4")
	run(t, e, "var f = k.Scale")
	e.Register(kernels("x.test/v2/k", 100))
	r := run(t, e, "total")
	if r.Value != 12 || !r.Reset {
		t.Errorf("total after v2 = %v (Reset %v), want 12", r.Value, r.Reset)
	}
	if !slices.Equal(r.Lost, []string{"f"}) {
		t.Errorf("lost %q, want [f]", r.Lost)
	}
	if r := run(t, e, "v"); r.Value != 4 {
		t.Errorf("v after v2 = %v, want 4", r.Value)
	}
	run(t, e, "add(1)")
	if r := run(t, e, "total"); r.Value != 112 {
		t.Errorf("total after add(1) with v2 = %v, want 112", r.Value)
	}
	if r, err := e.Run(context.Background(), "f"); err == nil {
		t.Errorf("f after v2 = %s, want undefined", r.Text)
	}
}

// TestNativeFuncVarCarried: a variable holding a function of a
// registered native package is carried over a recycle: the new
// interpreter has the very same function.
func TestNativeFuncVarCarried(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 12})
	e.Register(kernels("x.test/v1/k", 10))
	run(t, e, `import "native/k"`)
	run(t, e, "var f = k.Scale")
	run(t, e, "var fs = map[string]any{}")
	run(t, e, `fs["s"] = k.Scale`)
	if lost := recycleOnce(t, e); len(lost) != 0 {
		t.Errorf("lost %v, want nothing", lost)
	}
	for _, src := range []string{"f(2)", `fs["s"].(func(int) int)(2)`} {
		if r := run(t, e, src); r.Value != 20 {
			t.Errorf("%s after a recycle = %v, want 20", src, r.Value)
		}
	}
}
