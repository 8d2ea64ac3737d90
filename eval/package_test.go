package eval

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Shape and its wrapper stand for a native package's interface, in the
// form yaegi's extract generates.
type Shape interface{ Area() float64 }

type _eval_Shape struct {
	IValue interface{}
	WArea  func() float64
}

func (w _eval_Shape) Area() float64 { return w.WArea() }

// kernels is a native package as the slave registers a plugin's: under
// native/k, compiled as realPath.
func kernels(realPath string, scale int) Package {
	return Package{Path: "native/k", Name: "k", RealPath: realPath, Symbols: map[string]reflect.Value{
		"Scale": reflect.ValueOf(func(x int) int { return x * scale }),
		"Apply": reflect.ValueOf(func(xs []int, f func(int) int) []int {
			out := make([]int, len(xs))
			for i, x := range xs {
				out[i] = f(x)
			}
			return out
		}),
		"Total":  reflect.ValueOf(func(s Shape) float64 { return s.Area() * float64(scale) }),
		"Shape":  reflect.ValueOf((*Shape)(nil)),
		"_Shape": reflect.ValueOf((*_eval_Shape)(nil)),
	}}
}

// The interface wrapper is found under the package path of Shape, which
// is this package's.
const evalPath = "github.com/dpfw/dpfw/eval"

func TestRegisterAtRunTime(t *testing.T) {
	e := newEngine(t, Config{})
	if err := e.Register(kernels(evalPath, 10)); err != nil {
		t.Fatal(err)
	}
	r := run(t, e, `import "native/k"`+"\nk.Scale(4)")
	if r.Value != 40 || r.Reset {
		t.Fatalf("k.Scale(4) = %v (Reset %v), want 40 without a reset", r.Value, r.Reset)
	}
	// Interpreted values in and out: a slice, a callback, a type of the
	// snippet's own that satisfies the package's interface.
	if r := run(t, e, "k.Apply([]int{1, 2}, func(x int) int { return x + 1 })"); !reflect.DeepEqual(r.Value, []int{2, 3}) {
		t.Errorf("Apply = %v", r.Value)
	}
	run(t, e, "type sq struct{ s float64 }\nfunc (q sq) Area() float64 { return q.s * q.s }")
	if r := run(t, e, "k.Total(sq{3})"); r.Value != 90.0 {
		t.Errorf("Total(sq{3}) = %v, want 90", r.Value)
	}
}

func TestNativePackageIsAutoImported(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "1") // the parse cache must not hide the new package
	if err := e.Register(kernels(evalPath, 3)); err != nil {
		t.Fatal(err)
	}
	if r := run(t, e, "k.Scale(2)"); r.Value != 6 {
		t.Errorf("k.Scale(2) without an import = %v", r.Value)
	}
}

func TestRegisterNewVersion(t *testing.T) {
	e := newEngine(t, Config{})
	e.Register(kernels("x.test/v1/k", 10))
	run(t, e, "func twice(x int) int { return 2 * k.Scale(x) }")
	run(t, e, "keep := 1")
	if r := run(t, e, "twice(1)"); r.Value != 20 {
		t.Fatalf("twice(1) with v1 = %v", r.Value)
	}
	// The same build again changes nothing.
	e.Register(kernels("x.test/v1/k", 10))
	if r := run(t, e, "keep"); r.Reset || r.Value != 1 {
		t.Fatalf("re-registering v1: %v, Reset %v", r.Value, r.Reset)
	}
	e.Register(kernels("x.test/v2/k", 100))
	r := run(t, e, "twice(1)")
	if r.Value != 200 || !r.Reset {
		t.Errorf("twice(1) after v2 = %v (Reset %v); want 200, calling the new version, and a reset", r.Value, r.Reset)
	}
	if r := run(t, e, "k.Scale(1)"); r.Value != 100 || r.Reset {
		t.Errorf("k.Scale(1) = %v (Reset %v)", r.Value, r.Reset)
	}
}

// The new interpreter a new version brings has no statement variables:
// the reset says so, and they are undefined, not zero.
func TestNewVersionLosesStatementVariables(t *testing.T) {
	e := newEngine(t, Config{})
	e.Register(kernels("x.test/v1/k", 10))
	run(t, e, "keep := 7")
	run(t, e, "func kept() int { return keep }")
	run(t, e, "func other() int { return k.Scale(1) }")
	e.Register(kernels("x.test/v2/k", 100))
	r := run(t, e, "other()")
	if r.Value != 100 || !r.Reset || !slices.Equal(r.Lost, []string{"keep", "kept"}) {
		t.Errorf("after v2: other() = %v, Reset %v, Lost %q", r.Value, r.Reset, r.Lost)
	}
	for _, src := range []string{"keep", "kept()"} {
		if _, err := runErr(t, e, context.Background(), src); err.Kind != KindCompile || !strings.Contains(err.Msg, "undefined") {
			t.Errorf("%s after the new version: %v", src, err)
		}
	}
}

func TestRegisteredPackagesSurviveRecycling(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 3})
	e.Register(kernels(evalPath, 5))
	for i := range 10 {
		src := "k.Scale(" + strings.Repeat("1+", i) + "1)"
		if r := run(t, e, src); r.Value != 5*(i+1) {
			t.Fatalf("%s = %v", src, r.Value)
		}
	}
}

func TestRegisterDoesNotWaitForTheRunningTask(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	e := newEngine(t, Config{Packages: []Package{{Path: "hook", Symbols: map[string]reflect.Value{
		"Hold": reflect.ValueOf(func() { close(started); <-release }),
	}}}})
	done := make(chan Result)
	go func() {
		r, _ := e.Run(context.Background(), "hook.Hold()\n1")
		done <- r
	}()
	<-started
	if err := e.Register(kernels(evalPath, 2)); err != nil {
		t.Fatal(err)
	}
	close(release)
	if r := <-done; r.Value != 1 {
		t.Fatalf("the running task: %v", r.Value)
	}
	if r := run(t, e, "k.Scale(21)"); r.Value != 42 {
		t.Errorf("the next task: k.Scale(21) = %v", r.Value)
	}
}

func TestImportOfMissingNativePackage(t *testing.T) {
	e := newEngine(t, Config{})
	_, err := runErr(t, e, context.Background(), "\nimport \"native/nope\"")
	if err.Kind != KindNotFound || !strings.Contains(err.Msg, "native/nope is not on this slave") || err.Pos != "2:8" { // go/types, like gc, points at the path
		t.Errorf("got %#v", err)
	}
}

func TestRegisterRefusesBadPackages(t *testing.T) {
	e := newEngine(t, Config{})
	syms := map[string]reflect.Value{"F": reflect.ValueOf(func() {})}
	for _, p := range []Package{
		{Path: "", Symbols: syms},
		{Path: "native//x", Symbols: syms},
		{Path: "native/x y", Symbols: syms},
		{Path: "native/x", Name: "main", Symbols: syms},
		{Path: "native/x", Name: "1x", Symbols: syms},
		{Path: "native/x"},
		{Path: "strings", Symbols: syms},
		{Path: "dpfw", Symbols: syms},
		{Path: "native/x", RealPath: "../x", Symbols: syms},
	} {
		if err := e.Register(p); err == nil {
			t.Errorf("Register(%+v) succeeded", p)
		}
	}
	if _, err := New(Config{Packages: []Package{{Path: "a", Symbols: syms}, {Path: "a", Symbols: syms}}}); err == nil {
		t.Error("New accepted two packages with one path")
	}
	e.Close()
	if err := e.Register(kernels(evalPath, 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Register after Close: %v", err)
	}
}

func TestPackagesOf(t *testing.T) {
	f := reflect.ValueOf(func() int { return 7 })
	pkgs := PackagesOf(map[string]map[string]reflect.Value{
		"example.com/b/kb": {"F": f},
		"example.com/a/ka": {"F": f},
	})
	if len(pkgs) != 2 || pkgs[0].Path != "example.com/a" || pkgs[0].Name != "ka" || pkgs[1].Path != "example.com/b" {
		t.Fatalf("PackagesOf = %+v", pkgs)
	}
	e := newEngine(t, Config{Packages: pkgs})
	if r := run(t, e, `import "example.com/a"`+"\nka.F()"); r.Value != 7 {
		t.Errorf("ka.F() = %v", r.Value)
	}
}

type pointV1 struct{ X int }
type pointV2 struct{ X, Y int }

// A new version may change the package's API: snippets are checked
// against the new one, and so are the declarations made before it.
func TestNewVersionChangesTheAPI(t *testing.T) {
	e := newEngine(t, Config{})
	e.Register(Package{Path: "native/k", Name: "k", RealPath: "x.test/v1/k", Symbols: map[string]reflect.Value{
		"Scale": reflect.ValueOf(func(x int) int { return x * 10 }),
		"Point": reflect.ValueOf((*pointV1)(nil)),
	}})
	run(t, e, "func mk() k.Point { return k.Point{X: 3} }")
	run(t, e, "func scaled() int { return k.Scale(1) }")
	e.Register(Package{Path: "native/k", Name: "k", RealPath: "x.test/v2/k", Symbols: map[string]reflect.Value{
		"Scale": reflect.ValueOf(func(x int) int { return x * 100 }),
		"Extra": reflect.ValueOf(func() int { return 7 }),
		"Point": reflect.ValueOf((*pointV2)(nil)),
	}})
	for src, want := range map[string]any{"k.Extra()": 7, "k.Point{X: 1, Y: 2}.Y": 2, "mk().Y": 0, "mk().X": 3, "scaled()": 100} {
		if r := run(t, e, src); r.Value != want {
			t.Errorf("after v2: %s = %v, want %v", src, r.Value, want)
		}
	}
	// v3 drops Point: the snippets that used it are gone, the others stay.
	e.Register(Package{Path: "native/k", Name: "k", RealPath: "x.test/v3/k", Symbols: map[string]reflect.Value{
		"Scale": reflect.ValueOf(func(x int) int { return x * 1000 }),
	}})
	if r := run(t, e, "scaled()"); r.Value != 1000 {
		t.Errorf("after v3: scaled() = %v", r.Value)
	}
	if _, err := runErr(t, e, context.Background(), "mk()"); err.Kind != KindCompile || !strings.Contains(err.Msg, "undefined: mk") {
		t.Errorf("after v3: mk() = %v, want undefined", err)
	}
}
