package eval

import (
	"context"
	"slices"
	"strconv"
	"testing"
)

// w4Src is make bench's W4 snippet (cmd/dpfw-bench incrSrc): an import, a
// statement variable and the table.
const w4Src = `import "os"
c := dpfw.Table().Get("counter").(int) + 1
dpfw.Table().Set("counter", c)
[]int{os.Getpid(), c}`

// TestFrontCacheRepeats runs snippets of common shapes again and again:
// after the first run each must come from the caches, neither checked by
// the front end nor compiled by the interpreter again, nor added to what
// a new interpreter replays.
func TestFrontCacheRepeats(t *testing.T) {
	shapes := map[string]string{
		"w4":        w4Src,
		"import":    "import \"os\"\nos.Getpid() > 0",
		"two":       "import (\n\t\"os\"\n\tstr \"strings\"\n)\nn := len(str.Repeat(\"a\", 3))\nn + os.Getpid()*0",
		"define":    "c := 5\nc + 1",
		"funclit":   "f := func(x int) int { return x * 2 }\nf(21)",
		"for":       "s := 0\nfor i := 0; i < 10; i++ { s += i }\ns",
		"rangeint":  "s := 0\nfor i := range 10 { s += i }\ns",
		"generic":   "slices.Max([]int{1, 5, 3})",
		"typeswtch": "v := any(3)\nn := 0\nswitch x := v.(type) {\ncase int:\n\tn = x + 1\n}\nn",
		"var":       "var x = 42\nx++\nx",
		"varswitch": "var v any = 3\nn := 0\nswitch x := v.(type) {\ncase int:\n\tn = x + 1\n}\nn",
		"varzero":   "var s []int\ns = append(s, 1)\nlen(s)",
		"latevar":   "n := 1\nvar x int\nx += n\nx",
		"sortslice": "xs := []int{3, 1, 2}\nsort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })\nxs",
		"calledlit": "n := 2\nm := func() int { return n * 3 }()\nm",
	}
	for name, src := range shapes {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, Config{})
			run(t, e, `dpfw.Table().Set("counter", 0)`)
			// (The first run of a generic call also declares its instance.)
			run(t, e, src)
			run(t, e, src)
			checks, compiles, srcs, history := e.front.Checks(), e.ip.compiles, len(e.srcs), len(e.defs)
			for range 20 {
				run(t, e, src)
			}
			if got := e.front.Checks() - checks; got != 0 {
				t.Errorf("front end checked the snippet %d more times over 20 repeats; want 0 (served from the cache)", got)
			}
			if got := e.ip.compiles - compiles; got != 0 {
				t.Errorf("interpreter compiled %d more programs over 20 repeats; want 0", got)
			}
			if len(e.srcs) != srcs || len(e.defs) != history {
				t.Errorf("replay grew over 20 repeats: srcs %d -> %d, defs %d -> %d", srcs, len(e.srcs), history, len(e.defs))
			}
		})
	}
}

// TestW4Counts checks W4's values themselves when served from the cache.
func TestW4Counts(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `dpfw.Table().Set("counter", 0)`)
	for i := 1; i <= 5; i++ {
		r := run(t, e, w4Src)
		v, ok := r.Value.([]int)
		if !ok || len(v) != 2 || v[1] != i {
			t.Fatalf("run %d: %#v, want [pid %d]", i, r.Value, i)
		}
	}
	if r := run(t, e, "c"); r.Value != 5 {
		t.Errorf("c = %v after 5 runs, want 5", r.Value)
	}
}

// TestFrontCacheNotStale: a cached snippet whose names changed meaning
// since it was cached is checked again, never run as it was.
func TestFrontCacheNotStale(t *testing.T) {
	type step struct{ src, want string }
	tests := map[string][]step{
		"a used variable redeclared": {
			{"x := 1", ""},
			{"import \"os\"\nc := x + 1 + 0*os.Getpid()\nc", "2"},
			{"x := 10", ""},
			{"import \"os\"\nc := x + 1 + 0*os.Getpid()\nc", "11"},
			{"x := \"s\"", ""},
			{"import \"os\"\nc := len(x) + 0*os.Getpid()\nc", "1"},
		},
		"a used func redefined": {
			{"func f() int { return 1 }", ""},
			{"import \"os\"\nc := f() + 0*os.Getpid()\nc", "1"},
			{"func f() int { return 2 }", ""},
			{"import \"os\"\nc := f() + 0*os.Getpid()\nc", "2"},
		},
		"its variable redeclared with another type": {
			{"import \"strings\"\nc := strings.ToUpper(\"a\")\nc", `"A"`},
			{"c := 7", ""},
			{"c + 1", "8"},
			{"import \"strings\"\nc := strings.ToUpper(\"a\")\nc", `"A"`},
			{"c + \"b\"", `"Ab"`},
		},
		"its import name redeclared": {
			{"import \"strings\"\nstrings.ToUpper(\"a\")", `"A"`},
			{"strings := 5", ""},
			{"strings + 1", "6"},
			{"import \"strings\"\nstrings.ToUpper(\"a\")", `"A"`},
			{"strings.ToLower(\"B\")", `"b"`},
		},
		"its variable kept by a later func": {
			{"import \"os\"\nx := 5 + 0*os.Getpid()\nx", "5"},
			{"func g() int { return x }", ""},
			{"x = 100", ""},
			{"import \"os\"\nx := 5 + 0*os.Getpid()\nx", "5"},
			{"g()", "100"}, // g has the first x; the snippet declared a new one
		},
		"its variable kept by a later closure": {
			{"x := 5\nx", "5"},
			{"f := func() int { return x }", ""},
			{"x = 100", ""},
			{"x := 5\nx", "5"},
			{"f()", "100"},
		},
		"its variable kept by its own closure": {
			{"x := 5\ndpfw.Table().Set(\"f\", func() int { x++; return x })\nx", "5"},
			{"x := 5\ndpfw.Table().Set(\"f\", func() int { x++; return x })\nx", "5"},
			{"f := dpfw.Table().Get(\"f\").(func() int)\nf()", "6"},
			{"x := 5\ndpfw.Table().Set(\"f\", func() int { x++; return x })\nx", "5"},
			{"f()", "7"}, // f has the second run's x
		},
		"its variable kept by a goroutine": {
			{"x := 5\nch := make(chan func() int, 1)\ngo func() { ch <- func() int { return x } }()\nf := <-ch\nx", "5"},
			{"g := f", ""},
			{"x := 5\nch := make(chan func() int, 1)\ngo func() { ch <- func() int { return x } }()\nf := <-ch\nx", "5"},
			{"x = 8", ""},
			{"g()", "5"},
		},
		"its variable kept by a closure passed to a func": {
			{"x := 5\nf := func(g func() int) func() int { return g }(func() int { return x })\nx", "5"},
			{"x := 5\nf := func(g func() int) func() int { return g }(func() int { return x })\nx", "5"},
			{"h := f", ""},
			{"x := 5\nf := func(g func() int) func() int { return g }(func() int { return x })\nx", "5"},
			{"x = 9", ""},
			{"h()", "5"},
		},
		"its variable's address kept": {
			{"x := 5\np := &x\n*p", "5"},
			{"x := 5\np := &x\n*p", "5"},
			{"q := p", ""},
			{"*q = 9", ""},
			{"x := 5\np := &x\n*p", "5"},
			{"*q", "9"},
		},
		"a var without value, run again": {
			{"n := 1\nvar x int\nx += n\nx", "1"},
			{"n := 1\nvar x int\nx += n\nx", "1"},
			{"n := 1\nvar x int\nx += n\nx", "1"},
		},
		"leading vars initialized out of order": {
			{"var a = b + 1\nvar b = 2\na", "3"},
			{"var a = b + 1\nvar b = 2\na", "3"},
			{"var f = func() int { return y }\nvar y = 3\nf()", "3"},
			{"var f = func() int { return y }\nvar y = 3\nf()", "3"},
		},
		"its import alias bound to another package": {
			{"import s \"strings\"\nn := len(s.Repeat(\"a\", 3))\nn", "3"},
			{"import s \"fmt\"", ""},
			{"s.Sprint(4)", `"4"`},
			{"import s \"strings\"\nn := len(s.Repeat(\"a\", 3))\nn", "3"},
			{"s.ToUpper(\"b\")", `"B"`},
		},
	}
	for name, steps := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, Config{})
			for i, st := range steps {
				r := run(t, e, st.src)
				if r.Text != st.want {
					t.Fatalf("step %d %q = %s, want %s", i, st.src, r.Text, st.want)
				}
			}
		})
	}
}

// TestFrontCacheAfterReset: a new interpreter has none of the cached
// cells; the snippet runs again, checked afresh, with its import.
func TestFrontCacheAfterReset(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `dpfw.Table().Set("counter", 0)`)
	run(t, e, w4Src)
	run(t, e, w4Src)
	if err := e.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	checks := e.front.Checks()
	r := run(t, e, w4Src)
	if v, ok := r.Value.([]int); !ok || v[1] != 3 {
		t.Fatalf("after Reset: %#v, want [pid 3]", r.Value)
	}
	if e.front.Checks() != checks+1 {
		t.Errorf("after Reset the snippet was checked %d times, want 1", e.front.Checks()-checks)
	}
}

// TestLateVarLostOnRecycle: a variable declared after a statement gets
// its value from the cell, which a new interpreter does not have: after
// a recycle its name is lost (Result.Lost), never silently zero.
func TestLateVarLostOnRecycle(t *testing.T) {
	for _, src := range []string{"println()\nvar x = 42\nx = 7\nx", "var x = 42\nx = 7\nx"} {
		e := newEngine(t, Config{RecycleAfter: 4})
		run(t, e, src)
		var lost []string
		for i := 0; !slices.Contains(lost, "x"); i++ {
			if i == 10 {
				t.Fatalf("%q: no recycle reported x lost", src)
			}
			r := run(t, e, strconv.Itoa(i))
			lost = append(lost, r.Lost...)
		}
		if r, err := e.Run(context.Background(), "x"); err == nil {
			t.Errorf("%q: x after a recycle = %s; want undefined", src, r.Text)
		}
	}
}

func BenchmarkW4Snippet(b *testing.B) {
	for _, nf := range []bool{false, true} {
		name := "front"
		if nf {
			name = "nofront"
		}
		b.Run(name, func(b *testing.B) {
			e := newEngine(b, Config{NoFrontEnd: nf})
			ctx := context.Background()
			if _, err := e.Run(ctx, `dpfw.Table().Set("counter", 0)`); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := e.Run(ctx, w4Src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
