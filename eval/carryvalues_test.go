package eval

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// carryConfigs are the engines a recycle carries variables in: with the
// front end, without it, and confined to a sandbox.
func carryConfigs(t *testing.T) map[string]Config {
	return map[string]Config{
		"front":   {RecycleAfter: 40},
		"nofront": {RecycleAfter: 40, NoFrontEnd: true},
		"sandbox": {RecycleAfter: 40, Sandbox: t.TempDir()},
	}
}

// TestCarriedInterfaceAndFuncVars: a variable whose type holds an
// interface or a func is carried over a recycle, storage and all, when
// its value holds only compiled types and functions the new interpreter
// exports itself: it reads the same, and what aliased it still does.
func TestCarriedInterfaceAndFuncVars(t *testing.T) {
	for name, cfg := range carryConfigs(t) {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, cfg)
			lost := runAll(t, e, []string{
				"var a any = 1",
				`var s any = "str"`,
				`var bs any = []byte("xy")`,
				`var cache = map[string]any{"n": 1, "s": "two", "b": []byte("3"), "m": map[string]int{"k": 4}, "nil": nil}`,
				`var nested = map[string][]any{"l": {1, "x", 2.5}}`,
				"var err error",
				`var e1 error`,
				`var e2 error`,
				`var up func(string) string = strings.ToUpper`,
				"var trim = strings.TrimSpace",
				"var fs = []func(string) string{strings.ToLower, nil}",
				"var fa any = strings.Repeat",
				"var d any = time.Second",
				"type Box struct{ V any; F func(string) string }",
				`var box = Box{V: []int{1, 2}, F: strings.ToUpper}`,
				"var pb = &Box{V: 7}",
				"var alias any",
				"var total = 3",
				"var pt any",
				"var pc *map[string]any",
				"var pr = fmt.Println",
			})
			// Changed since their declarations: a replay would be wrong.
			lost = append(lost, runAll(t, e, []string{
				"a = 2",
				`cache["added"] = 5`,
				`e1 = errors.New("boom")`,
				`e2 = fmt.Errorf("wrap: %w", e1)`,
				`bs.([]byte)[0] = 'z'`,
				"alias = cache",
				"pt = &total",
				"pb.V = 8",
				"pc = &cache",
			})...)
			lost = append(lost, recycleOnce(t, e)...)
			for _, name := range []string{"a", "s", "bs", "cache", "nested", "err", "e1", "e2", "up", "trim",
				"fs", "fa", "d", "box", "pb", "alias", "total", "pt", "pc"} {
				if slices.Contains(lost, name) {
					t.Errorf("lost %v, want %s carried", lost, name)
				}
			}
			// fmt.Println as the old interpreter has it writes to that
			// interpreter's output: yaegi made it for that one.
			if !slices.Contains(lost, "pr") {
				t.Errorf("lost %v, want pr in it", lost)
			}
			if r, err := e.Run(context.Background(), `pr("out")`); err == nil {
				t.Errorf("pr after a recycle printed %q; want undefined", r.Output)
			}
			for _, c := range []struct {
				src  string
				want any
			}{
				{"a", 2}, {"s", "str"}, {"string(bs.([]byte))", "zy"},
				{`cache["n"]`, 1}, {`cache["s"]`, "two"}, {`string(cache["b"].([]byte))`, "3"},
				{`cache["m"].(map[string]int)["k"]`, 4}, {`cache["added"]`, 5}, {"len(cache)", 6},
				{`nested["l"][1]`, "x"}, {"err == nil", true},
				{"e1.Error()", "boom"}, {"e2.Error()", "wrap: boom"}, {"errors.Is(e2, e1)", true},
				{`up("abc")`, "ABC"}, {`trim("  t ")`, "t"}, {`fs[0]("LOW")`, "low"}, {"fs[1] == nil", true},
				{`fa.(func(string, int) string)("ab", 2)`, "abab"}, {"d.(time.Duration).String()", "1s"},
				{"box.V.([]int)[1]", 2}, {`box.F("q")`, "Q"}, {"pb.V", 8},
				{"*pt.(*int)", 3},
			} {
				r, err := e.Run(context.Background(), c.src)
				if err != nil {
					t.Errorf("%s after a recycle: %v", c.src, err)
					continue
				}
				if r.Value != c.want {
					t.Errorf("%s after a recycle = %v, want %v", c.src, r.Value, c.want)
				}
			}
			// The same storage: what aliased a variable before still does.
			run(t, e, `alias.(map[string]any)["via"] = 9`)
			run(t, e, "total = 40")
			run(t, e, `(*pc)["viaPtr"] = 10`)
			run(t, e, "cache = map[string]any{}") // pc points at the variable itself
			run(t, e, `cache["after"] = 11`)
			for _, c := range []struct {
				src  string
				want any
			}{{`alias.(map[string]any)["viaPtr"]`, 10}, {"*pt.(*int)", 40}, {`(*pc)["after"]`, 11}, {"len(*pc)", 1}} {
				if r := run(t, e, c.src); r.Value != c.want {
					t.Errorf("%s = %v, want %v", c.src, r.Value, c.want)
				}
			}
		})
	}
}

// runAll runs srcs in order and returns what resets among them lost.
func runAll(t *testing.T, e *Engine, srcs []string) (lost []string) {
	t.Helper()
	for _, src := range srcs {
		lost = append(lost, run(t, e, src).Lost...)
	}
	return lost
}

// TestRefusedInterfaceAndFuncVars: a value that may hold the old
// interpreter's code or types is never carried: the variable is in Lost
// and undefined afterwards, whatever else was carried.
func TestRefusedInterfaceAndFuncVars(t *testing.T) {
	for name, cfg := range carryConfigs(t) {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, cfg)
			refused := map[string]string{
				"closure":    "var closure func(int) int = func(x int) int { return x + 1 }",
				"declared":   "var declared = double",
				"inany":      "var inany any = func() {}",
				"prog":       "var prog any = P{1}",
				"progptr":    "var progptr any = &P{2}",
				"progs":      "var progs any = []P{{3}}",
				"method":     "var method any = MyInt(3)",
				"strg":       "var strg fmt.Stringer = MyInt(4)",
				"perr":       "var perr error = &E{}",
				"reassigned": "var reassigned error",
				"anon":       "var anon any = struct{ A int }{1}",
				"ch":         "var ch = make(chan any, 1)",
				"inmap":      `var inmap = map[string]any{"ok": 1, "f": func() {}}`,
				"inbox":      "var inbox = Box{V: 1, F: double}",
				"ranged":     "var ranged []any",
				"shape":      "var shape Shape",
				"bound":      "var bound any",
			}
			if name != "sandbox" { // no package reflect there
				refused["rv"] = "var rv any = reflect.ValueOf(1)" // unsafe.Pointers inside
			}
			for _, src := range []string{
				"type P struct{ X int }",
				"type MyInt int",
				`func (m MyInt) String() string { return "my" }`,
				"type E struct{}",
				`func (E) Error() string { return "E" }`,
				"type Box struct{ V any; F func(int) int }",
				"type Shape interface{ Area() float64 }",
				"func double(x int) int { return 2 * x }",
				"var kept any = 5",
			} {
				run(t, e, src)
			}
			for _, name := range slices.Sorted(maps.Keys(refused)) {
				run(t, e, refused[name])
			}
			// Behind the length: a reslice would reach it.
			run(t, e, "reassigned = E{}") // yaegi stores the struct itself: another type
			run(t, e, "func useReassigned() error { return reassigned }")
			run(t, e, "ranged = make([]any, 1, 2)")
			run(t, e, "ranged[:2][1] = func() {}")
			run(t, e, "bound = strings.NewReplacer(\"a\", \"b\").Replace") // a method value: a closure
			lost := recycleOnce(t, e)
			for name := range refused {
				if !slices.Contains(lost, name) {
					t.Errorf("lost %v, want %s in it", lost, name)
				}
				if r, err := e.Run(context.Background(), name); err == nil {
					t.Errorf("%s after a recycle = %s; want undefined", name, r.Text)
				}
			}
			// What used a lost variable is lost with it.
			if !slices.Contains(lost, "useReassigned") {
				t.Errorf("lost %v, want useReassigned in it", lost)
			}
			if slices.Contains(lost, "kept") {
				t.Errorf("lost %v, want kept carried", lost)
			}
			if r := run(t, e, "kept"); r.Value != 5 {
				t.Errorf("kept = %v, want 5", r.Value)
			}
		})
	}
}

// TestStoppedTaskLosesInterfaceVars: after a stop, code the stop
// abandoned may still be running and writing: the values are not read,
// so the variables that would need reading are lost, as before.
func TestStoppedTaskLosesInterfaceVars(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `var cache = map[string]any{"n": 1}`)
	run(t, e, "var n = 1")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r, err := e.Run(ctx, "for {}")
	if err == nil || !r.Reset || !slices.Equal(r.Lost, []string{"cache"}) {
		t.Fatalf("a stopped task: err %v, Reset %v, lost %v; want [cache]", err, r.Reset, r.Lost)
	}
	if r := run(t, e, "n"); r.Value != 1 {
		t.Errorf("n = %v, want 1", r.Value)
	}
}

// kinds is a native package whose type's package path is the RealPath
// it is registered under (as a run-time build's is); version 2 is
// compiled under another path.
func kinds(realPath string) Package {
	return Package{Path: "native/kinds", Name: "kinds", RealPath: realPath, Symbols: map[string]reflect.Value{
		"Panic": reflect.ValueOf(func() failure.Kind { return failure.KindPanic }),
	}}
}

// TestNativeTypeOfEarlierVersionLost: a value of a native package's
// type is carried over a recycle while that version is registered, and
// lost when a new version replaces it (its methods are the old code).
func TestNativeTypeOfEarlierVersionLost(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 12})
	e.Register(kinds("github.com/dpfw/dpfw/eval/failure"))
	run(t, e, `import "native/kinds"`)
	run(t, e, "var k any = kinds.Panic()")
	if lost := recycleOnce(t, e); len(lost) != 0 {
		t.Errorf("lost %v, want nothing", lost)
	}
	if r := run(t, e, "fmt.Sprint(k)"); r.Value != "panic" {
		t.Errorf("k after a recycle = %v, want panic", r.Value)
	}
	e.Register(kinds("x.test/v2/kinds"))
	r := run(t, e, "1")
	if !r.Reset || !slices.Contains(r.Lost, "k") {
		t.Errorf("after v2: Reset %v, lost %v; want k in it", r.Reset, r.Lost)
	}
	if r := run(t, e, "fmt.Sprint(kinds.Panic())"); r.Value != "panic" {
		t.Errorf("kinds.Panic() after v2 = %v, want panic", r.Value)
	}
	if r, err := e.Run(context.Background(), "k"); err == nil {
		t.Errorf("k after v2 = %s, want undefined", r.Text)
	}
}
