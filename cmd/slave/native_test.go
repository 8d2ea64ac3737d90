//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
)

// The native tests build Go plugins with the go command on $PATH, into a
// cache shared by the tests of this run (each test sends source of its
// own, so every first compile really builds). A first run on a machine
// also compiles the standard library for plugins, under -race: about a
// minute on two cores.

func needGo(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go plugins")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on $PATH")
	}
}

// nativeCache is the slaves' cache of builds for this run.
func nativeCache() string { return filepath.Join(filepath.Dir(slaveBin), "native") }

// kernSrc is the package the tests compile: values of every kind in and
// out, an interface for interpreted types, a callback, a panic. The stamp
// makes the source, and so the build, the caller's own.
func kernSrc(stamp string, scale int) map[string][]byte {
	return map[string][]byte{
		"kern.go": fmt.Appendf(nil, `package kern

import (
	"fmt"
	"sort"
)

// Stamp tells this build from the others: %s.
const Stamp = %q

type Point struct{ X, Y int }

func (p Point) String() string { return fmt.Sprintf("(%%d,%%d)", p.X, p.Y) }

type Shape interface {
	Area() float64
}

func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

func Scale(x int) int { return x * %d }

func Apply(xs []int, f func(int) int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func Keys(m map[string]int) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func Sum(ps []Point) Point {
	var s Point
	for _, p := range ps {
		s.X, s.Y = s.X+p.X, s.Y+p.Y
	}
	return s
}

func Area(s Shape) float64 { return s.Area() }

func Describe(v any) string { return fmt.Sprintf("%%+v", v) }

func Boom(msg string) { panic("kern: " + msg) }
`, stamp, stamp, scale),
		"util.go": []byte("package kern\n\n// Twice is in a second file.\nfunc Twice(x int) int { return 2 * x }\n"),
	}
}

func TestNativeCompileCallRecompile(t *testing.T) {
	needGo(t)
	ctx := ctxT(t, 10*time.Minute)
	p := startSlave(t, "-supervise=false", "-n", "2", "-native-cache", nativeCache(), "serve", "127.0.0.1:0")
	m := newMaster(t)
	ss, err := m.Dial(ctx, p.addr(t))
	if err != nil {
		t.Fatal(err)
	}
	stamp := fmt.Sprint(time.Now().UnixNano())
	results, err := m.Compile(ctx, "kern", kernSrc(stamp, 10))
	if err != nil {
		t.Fatal(err)
	}
	r := results[0]
	t.Logf("%s: compiled %s in %v (go build %v, load %v)", r.Node, r.Path, r.Took, r.Build, r.Load)
	if len(results) != 1 || r.Cached || r.Build == 0 || r.Path != "native/kern" || len(r.Slaves) != 2 {
		t.Fatalf("results %+v", results)
	}

	// Interpreted values in and out, on both engines of the node.
	calls := []struct {
		src  string
		want any
	}{
		{`import "native/kern"` + "\nkern.Fib(20)", int64(6765)},
		{"kern.Scale(4) + kern.Twice(1)", int64(42)},
		{"kern.Apply([]int{1, 2, 3}, func(x int) int { return x * x })", []any{int64(1), int64(4), int64(9)}},
		{`kern.Keys(map[string]int{"b": 1, "a": 2})`, []any{"a", "b"}},
		{"kern.Sum([]kern.Point{{1, 2}, {3, 4}}).String()", "(4,6)"},
		{"type sq struct{ s float64 }\nfunc (q sq) Area() float64 { return q.s * q.s }\nkern.Area(sq{2}) + kern.Area(sq{3})", 13.0},
		{"type mine struct{ A int; B string }\nkern.Describe(mine{1, \"x\"})", "{A:1 B:x}"},
		{"kern.Stamp", stamp},
	}
	for _, s := range ss {
		for _, c := range calls {
			res, err := s.Run(ctx, c.src)
			if err != nil || !reflect.DeepEqual(res.Value, c.want) {
				t.Errorf("%s: %q = %#v, %v; want %#v", s.ID(), c.src, res.Value, err, c.want)
			}
		}
	}

	// A package that panics when called fails that task only.
	_, err = ss[0].Run(ctx, `kern.Boom("called")`)
	if !master.IsKind(err, master.KindPanic) || !strings.Contains(err.Error(), "kern: called") {
		t.Errorf("kern.Boom: %v, want a panic error", err)
	}
	if res, err := ss[0].Run(ctx, "kern.Fib(10)"); err != nil || res.Value != int64(55) {
		t.Errorf("after the panic: %v, %v", res.Value, err)
	}

	// A changed version replaces the old one for the tasks that follow;
	// functions defined earlier call the new code.
	if _, err := ss[0].Run(ctx, "func scaled(x int) int { return kern.Scale(x) }"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Compile(ctx, "kern", kernSrc(stamp, 100)); err != nil {
		t.Fatal(err)
	}
	if res, err := ss[0].Run(ctx, "scaled(2)"); err != nil || res.Value != int64(200) || !res.Reset {
		t.Errorf("scaled(2) after the new version: %v (reset %v), %v; want 200", res.Value, res.Reset, err)
	}

	// A version with an error is refused with Go's message and its
	// position, naming the node; the node keeps the version it had.
	bad := kernSrc(stamp, 1000)
	bad["util.go"] = []byte("package kern\n\nfunc Twice(x int) int {\n\treturn 2 * y\n}\n")
	_, err = m.Compile(ctx, "kern", bad)
	var re *master.RemoteError
	if !master.IsKind(err, master.KindCompile) || !errors.As(err, &re) || re.Pos != "util.go:4:13" ||
		!strings.Contains(re.Msg, "undefined: y") || !strings.Contains(err.Error(), "pid") {
		t.Errorf("compile error: %#v", err)
	}
	// Every engine of the node, not just one, has the version before it.
	for _, s := range ss {
		if res, err := s.Run(ctx, "kern.Scale(3)"); err != nil || res.Value != int64(300) {
			t.Errorf("%s after the failed build: %v, %v; want 300 from the version before it", s.ID(), res.Value, err)
		}
	}
}

func TestNativeCacheSurvivesARestart(t *testing.T) {
	needGo(t)
	ctx := ctxT(t, 10*time.Minute)
	p := startSlave(t, "-n", "1", "-native-cache", nativeCache(), "serve", "127.0.0.1:0")
	addr := p.addr(t)
	m := newMaster(t)
	ss, err := m.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	stamp := fmt.Sprint(time.Now().UnixNano())
	if res, err := m.Compile(ctx, "kern", kernSrc(stamp, 7)); err != nil || res[0].Cached {
		t.Fatalf("first compile: %+v, %v", res, err)
	}
	// A panic in a goroutine of the snippet kills the engine process
	// (os.Exit does not: it ends only the task).
	_, err = ss[0].Run(ctx, "go func() { panic(\"die\") }()\nselect {}")
	if !master.IsKind(err, master.KindLost) {
		t.Fatalf("want the engine process to die: %v", err)
	}
	p.waitLine(t, readyRE, 30*time.Second) // the first child's
	p.waitLine(t, readyRE, 30*time.Second) // its replacement's
	// The first to send the source to the new process is another master
	// (m does not redial): the new process has not loaded it, so Load > 0
	// says it came from the disk cache, and Build == 0 that nothing built.
	other := newMaster(t)
	os2, err := other.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := os2[0].Compile(ctx, "kern", kernSrc(stamp, 7))
	t.Logf("after the restart: %+v in %v", r, time.Since(start))
	if err != nil || !r.Cached || r.Build != 0 || r.Load == 0 {
		t.Fatalf("compile after the restart: %+v, %v; want it loaded from the cache", r, err)
	}
	// The master that compiled sends the package again to the new
	// process before it runs anything there.
	ss = redial(t, ctx, m, addr)
	if res, err := ss[0].Run(ctx, "kern.Scale(6)"); err != nil || res.Value != int64(42) {
		t.Fatalf("kern.Scale(6) on the restarted node: %v, %v", res.Value, err)
	}
}

func TestNativeBuildTimeout(t *testing.T) {
	needGo(t)
	ctx := ctxT(t, 2*time.Minute)
	p := startSlave(t, "-supervise=false", "-n", "1", "-native-cache", nativeCache(), "-native-timeout", "50ms", "serve", "127.0.0.1:0")
	m := newMaster(t)
	if _, err := m.Dial(ctx, p.addr(t)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := m.Compile(ctx, "kern", kernSrc(fmt.Sprint(time.Now().UnixNano()), 1))
	if !master.IsKind(err, master.KindTimeout) || !strings.Contains(err.Error(), "native-timeout") {
		t.Errorf("got %v, want a timeout", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the timed-out build took %v to report", took)
	}
}

// TestNativeRefusals: nodes that cannot or will not build say why, and
// what to do.
func TestNativeRefusals(t *testing.T) {
	needGo(t)
	goBin, _ := exec.LookPath("go")
	fake := t.TempDir()
	script := "#!/bin/sh\necho '{\"GOVERSION\": \"go1.20.14\", \"CC\": \"gcc\", \"CGO_ENABLED\": \"1\"}'\n"
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"no toolchain", []string{"PATH="}, nil, []string{"no Go toolchain", "install go1."}},
		{"another Go release", []string{"PATH=" + fake}, nil, []string{"go1.20.14", "same release", "rebuild the slave"}},
		{"no C compiler", []string{"PATH=" + filepath.Dir(goBin)}, nil, []string{"no C compiler", "gcc"}},
		{"sandbox", nil, []string{"-sandbox", t.TempDir()}, []string{"sandbox"}},
		{"turned off", nil, []string{"-native=false"}, []string{"-native=false"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t, time.Minute)
			args := append([]string{"-supervise=false", "-n", "1", "-native-cache", t.TempDir()}, tt.args...)
			p := startSlaveEnv(t, tt.env, append(args, "serve", "127.0.0.1:0")...)
			m := newMaster(t)
			if _, err := m.Dial(ctx, p.addr(t)); err != nil {
				t.Fatal(err)
			}
			_, err := m.Compile(ctx, "kern", kernSrc("refused", 1))
			if !master.IsKind(err, master.KindUnsupported) || !strings.Contains(err.Error(), "pid") {
				t.Fatalf("got %v, want unsupported naming the node", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v: does not say %q", err, w)
				}
			}
			// The node carries on with snippets.
			if res, err := m.Run(ctx, "1 + 1"); err != nil || res.Value != int64(2) {
				t.Errorf("1 + 1 after the refusal: %v, %v", res.Value, err)
			}
		})
	}
}

// A sub-task that lands on a spare engine (its parent waits on the
// node's only engine) has the node's native packages: those compiled
// after the spare engine was made, a new version of them, and on a spare
// made after the compile (the grandchild runs while the child holds the
// first spare).
func TestNativeOnSpareEngines(t *testing.T) {
	needGo(t)
	ctx := ctxT(t, 10*time.Minute)
	p := startSlave(t, "-supervise=false", "-n", "1", "-native-cache", nativeCache(), "serve", "127.0.0.1:0")
	m := newMaster(t)
	if _, err := m.Dial(ctx, p.addr(t)); err != nil {
		t.Fatal(err)
	}
	sub := func(src string) string {
		return fmt.Sprintf("func() any { v, err := dpfw.Force(dpfw.Submit(%q)); if err != nil { panic(err) }; return v }()", src)
	}
	// A first sub-task makes the node's spare engine, before any compile.
	if res, err := m.Run(ctx, sub("1 + 1")); err != nil || res.Value != int64(2) {
		t.Fatalf("plain sub-task: %v, %v", res.Value, err)
	}
	leaf := "import \"native/kern\"\nkern.Scale(4)"
	stamp := fmt.Sprint(time.Now().UnixNano())
	for _, scale := range []int{10, 100} {
		if _, err := m.Compile(ctx, "kern", kernSrc(stamp, scale)); err != nil {
			t.Fatal(err)
		}
		// On the spare made before the compile.
		if res, err := m.Run(ctx, sub(leaf)); err != nil || res.Value != int64(4*scale) {
			t.Errorf("scale %d: sub-task on the spare engine: %v, %v; want %d", scale, res.Value, err, 4*scale)
		}
		// Child on that spare, grandchild on a second spare made now.
		if res, err := m.Run(ctx, sub(sub(leaf))); err != nil || res.Value != int64(4*scale) {
			t.Errorf("scale %d: grandchild on a new spare engine: %v, %v; want %d", scale, res.Value, err, 4*scale)
		}
	}
}
