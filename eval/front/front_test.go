package front

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// The embedded export data must describe the standard library of the Go
// that builds the engine: run go generate ./eval/front after a Go update.
func TestStdTypesVersion(t *testing.T) {
	major := func(v string) string {
		parts := strings.SplitN(v, ".", 3)
		if len(parts) < 2 {
			return v
		}
		return parts[0] + "." + parts[1]
	}
	if got, want := major(stdVersion()), major(runtime.Version()); got != want {
		t.Fatalf("stdtypes.zip was made by %s, this is %s: run go generate ./eval/front", stdVersion(), runtime.Version())
	}
}

// Snippets are checked against earlier ones without re-checking them, and
// a redefinition gets a new yaegi name.
func TestIncrementalCheck(t *testing.T) {
	f := New(Config{})
	steps := []struct{ src, err string }{
		{"type P struct{ x int }\nfunc (p P) X() int { return p.x }", ""},
		{"p := P{x: 3}", ""},
		{"func (p P) Twice() int { return 2 * p.X() }\np.Twice() + p.x", ""},
		{"p.Nope()", "1:3: p.Nope undefined (type P has no field or method Nope)"},
		{"func f() int { return 1 }", ""},
		{"func f() string { return \"s\" }\nvar s string = f()", ""},
		{"var n int = f()", "1:13: cannot use f() (value of type string) as int value in variable declaration"},
	}
	for _, st := range steps {
		p, err := f.Lower(st.src)
		if err != nil {
			if st.err == "" || err.Error() != st.err {
				t.Fatalf("%q: %v, want %q", st.src, err, st.err)
			}
			continue
		}
		if st.err != "" {
			t.Fatalf("%q: no error, want %q", st.src, st.err)
		}
		f.Commit(p)
	}
	if got := f.YaegiName("f"); got != "fᐧ1" {
		t.Errorf("redefined f is %q in yaegi", got)
	}
}

// The first check of a snippet importing fmt and strings, in a warm
// process, is far under the 20 ms the issue allows (the figure itself is
// in make bench).
func TestFirstCheckWarm(t *testing.T) {
	warm := New(Config{})
	if _, err := warm.Lower(`fmt.Sprint(strings.ToUpper("x"))`); err != nil {
		t.Fatal(err)
	}
	f := New(Config{})
	start := time.Now()
	if _, err := f.Lower("import (\"fmt\"; \"strings\")\nfunc shout(s string) string { return fmt.Sprint(strings.ToUpper(s), \"!\") }\nshout(\"a\")"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("first check took %v", d)
	}
}
