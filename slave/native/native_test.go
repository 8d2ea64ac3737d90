package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval"
)

func TestHostOf(t *testing.T) {
	yaegi := &debug.Module{Path: yaegiPath, Version: "v0.16.1", Sum: "h1:x"}
	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	h := hostOf(&debug.BuildInfo{Deps: []*debug.Module{yaegi}, Settings: settings(
		"-buildmode", "exe", "-compiler", "gc", "-race", "true", "-trimpath", "true", "-tags", "a,b",
		"-ldflags", "-X main.v=1", "CGO_ENABLED", "1", "CGO_CFLAGS", "-O2", "GOARCH", "amd64", "GOOS", "linux", "GOAMD64", "v3",
	)}, "linux")
	if h.err != nil {
		t.Fatal(h.err)
	}
	if want := []string{"-race", "-trimpath", "-tags=a,b"}; !slices.Equal(h.flags, want) {
		t.Errorf("flags %q, want %q", h.flags, want)
	}
	if want := []string{"CGO_ENABLED=1", "CGO_CFLAGS=-O2", "GOOS=linux", "GOARCH=amd64", "GOAMD64=v3"}; !slices.Equal(h.env, want) {
		t.Errorf("env %q, want %q", h.env, want)
	}
	for _, tt := range []struct {
		bi   *debug.BuildInfo
		goos string
		want string
	}{
		{&debug.BuildInfo{Deps: []*debug.Module{yaegi}, Settings: settings("CGO_ENABLED", "0")}, "linux", "CGO_ENABLED=0"},
		{&debug.BuildInfo{Deps: []*debug.Module{yaegi}, Settings: settings("CGO_ENABLED", "1")}, "windows", "do not work on windows"},
		{&debug.BuildInfo{Deps: []*debug.Module{{Path: "example.com/a", Version: "v1.0.0"}}, Settings: settings("CGO_ENABLED", "1")}, "linux", "does not link"},
		{&debug.BuildInfo{Deps: []*debug.Module{{Path: yaegiPath, Version: "v0.16.1", Replace: &debug.Module{Path: "../yaegi"}}},
			Settings: settings("CGO_ENABLED", "1")}, "linux", "local directory"},
	} {
		err := hostOf(tt.bi, tt.goos).usable()
		if !isKind(err, eval.KindUnsupported) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: got %v, want unsupported mentioning %q", tt.goos, tt.bi.Settings, err, tt.want)
		}
	}
}

// yaegiModule stands in for the build information of test binaries: it
// must be what go.mod requires.
func TestYaegiModuleIsGoMods(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mod), "\t"+yaegiPath+" "+yaegiModule.Version+"\n") ||
		!strings.Contains(string(sum), yaegiPath+" "+yaegiModule.Version+" "+yaegiModule.Sum+"\n") {
		t.Errorf("yaegiModule is %s %s; update it to what go.mod and go.sum say", yaegiModule.Version, yaegiModule.Sum)
	}
}

func TestRequires(t *testing.T) {
	mods := []*debug.Module{
		{Path: "example.com/a", Version: "v1.0.0", Sum: "h1:a"},
		{Path: "example.com/b", Version: "v1.2.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.2.1", Sum: "h1:f"}},
		{Path: "example.com/c", Version: "v0.1.0", Replace: &debug.Module{Path: "../c"}},
	}
	mod, sum := requires(mods)
	wantMod := "require example.com/a v1.0.0\nreplace example.com/b => example.com/fork v1.2.1\nrequire example.com/b v1.2.0\n"
	wantSum := "example.com/a v1.0.0 h1:a\nexample.com/fork v1.2.1 h1:f\n"
	if mod != wantMod || sum != wantSum {
		t.Errorf("requires:\n%s\n%s\nwant\n%s\n%s", mod, sum, wantMod, wantSum)
	}
	if got := modulePaths(mods); got != "example.com/a,example.com/b,example.com/fork,example.com/c" {
		t.Errorf("modulePaths = %q", got)
	}
}

func TestCheckSource(t *testing.T) {
	ok := []byte("package fib\n\nfunc F() int { return 1 }\n")
	for _, tt := range []struct {
		src  Source
		kind eval.Kind
		pos  string
		msg  string
	}{
		{Source{Name: "fib", Files: map[string][]byte{"fib.go": ok}}, "", "", ""},
		{Source{Name: "main", Files: map[string][]byte{"fib.go": ok}}, eval.KindCompile, "", "package main"},
		{Source{Name: "strings", Files: map[string][]byte{"fib.go": ok}}, eval.KindCompile, "", "like a standard package"},
		{Source{Name: "x y", Files: map[string][]byte{"fib.go": ok}}, eval.KindCompile, "", "not a package name"},
		{Source{Name: "fib"}, eval.KindCompile, "", "no files"},
		{Source{Name: "fib", Files: map[string][]byte{"../fib.go": ok}}, eval.KindCompile, "", "plain names"},
		{Source{Name: "fib", Files: map[string][]byte{"fib.c": ok}}, eval.KindCompile, "", "plain names"},
		{Source{Name: "fib", Files: map[string][]byte{"fib_test.go": ok}}, eval.KindCompile, "", "test file"},
		{Source{Name: "fab", Files: map[string][]byte{"fib.go": ok}}, eval.KindCompile, "fib.go:1:9", "expected package fab"},
		{Source{Name: "fib", Files: map[string][]byte{"fib.go": []byte("package fib\nimport \"x")}}, eval.KindCompile, "fib.go:2:8", "not terminated"},
		{Source{Name: "fib", Files: map[string][]byte{"fib.go": []byte("package fib\n\nimport \"github.com/dpfw/dpfw/eval\"\n")}},
			eval.KindCompile, "fib.go:3:8", "cannot import dpfw"},
		{Source{Name: "fib", Files: map[string][]byte{"fib.go": make([]byte, MaxSource+1)}}, eval.KindTooLarge, "", "limit"},
	} {
		err := checkSource(tt.src)
		if tt.kind == "" {
			if err != nil {
				t.Errorf("%s %v: %v", tt.src.Name, keys(tt.src.Files), err)
			}
			continue
		}
		var ee *eval.Error
		if !errors.As(err, &ee) || ee.Kind != tt.kind || ee.Pos != tt.pos || !strings.Contains(ee.Msg, tt.msg) {
			t.Errorf("%s %v: got %#v, want %s at %q mentioning %q", tt.src.Name, keys(tt.src.Files), err, tt.kind, tt.pos, tt.msg)
		}
	}
	many := map[string][]byte{}
	for i := range MaxFiles + 1 {
		many[fmt.Sprintf("f%d.go", i)] = ok
	}
	if err := checkSource(Source{Name: "fib", Files: many}); !isKind(err, eval.KindTooLarge) {
		t.Errorf("%d files: %v", len(many), err)
	}
}

func TestCompileErrors(t *testing.T) {
	err := compileErrors(&cmdError{cmd: "go list", err: errors.New("exit status 1"), stderr: "# dpfw.native/abc/fib\n" +
		"./fib.go:3:9: undefined: x\n./util.go:10:2: declared and not used: y\n"})
	if err.Kind != eval.KindCompile || err.Pos != "fib.go:3:9" || err.Msg != "undefined: x\nutil.go:10:2: declared and not used: y" {
		t.Errorf("got %#v", err)
	}
	err = compileErrors(&cmdError{cmd: "go list", err: errors.New("exit status 1"),
		stderr: "fib.go:3:8: no required module provides package example.com/nope; to add it:\n\tgo get example.com/nope\n"})
	if err.Pos != "fib.go:3:8" || !strings.Contains(err.Msg, "modules the slave was built with") {
		t.Errorf("got %#v", err)
	}
}

func TestKeyNamesTheSource(t *testing.T) {
	b, err := New(Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a := Source{Name: "fib", Files: map[string][]byte{"a.go": []byte("package fib"), "b.go": []byte("package fib\n")}}
	same := Source{Name: "fib", Files: map[string][]byte{"b.go": []byte("package fib\n"), "a.go": []byte("package fib")}}
	// The same bytes split differently between the files.
	moved := Source{Name: "fib", Files: map[string][]byte{"a.go": []byte("package fib\n"), "b.go": []byte("package fib")}}
	if b.key(a) != b.key(same) || b.key(a) == b.key(moved) {
		t.Errorf("keys: %s %s %s", b.key(a), b.key(same), b.key(moved))
	}
}

// kernelsSrc is a package with a little of everything a snippet calls.
const kernelsSrc = `package kern

import "strings"

// Answer is a constant.
const Answer = 42

// Calls counts the calls of Sum.
var Calls int

type Point struct{ X, Y int }

type Shape interface{ Area() float64 }

func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

func Sum(xs []int) int {
	Calls++
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func Apply(xs []int, f func(int) int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func Double(s Shape) float64 { return 2 * s.Area() }

func Shout(s string) string { return strings.ToUpper(s) + "!" }
`

// TestBuildAndLoad builds a real plugin into this test process, with the
// go command on $PATH; it is slow the first time on a machine (the
// standard library is compiled for plugins once).
func TestBuildAndLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	var log bytes.Buffer
	b, err := New(Config{Dir: t.TempDir(), Logger: slogTo(&log)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// A unique source, so that no other test's build answers for it.
	src := Source{Name: "kern", Files: map[string][]byte{"kern.go": []byte(kernelsSrc + fmt.Sprintf("\nconst Built = %d\n", time.Now().UnixNano()))}}
	start := time.Now()
	res, err := b.Build(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built in %v (build %v, load %v)", time.Since(start), res.Build, res.Load)
	if res.Cached || res.Build == 0 || res.Package.Path != "native/kern" || !strings.HasPrefix(res.Package.RealPath, "dpfw.native/") {
		t.Errorf("first build: %+v", res)
	}
	fib, ok := res.Package.Symbols["Fib"].Interface().(func(int) int)
	if !ok || fib(20) != 6765 {
		t.Fatalf("Fib: %v", res.Package.Symbols["Fib"])
	}
	if _, ok := res.Package.Symbols["_Shape"]; !ok {
		t.Error("no interface wrapper for Shape")
	}
	// The export data types the package for a go/types front end: asked
	// for the path snippets use, the importer returns the package as it
	// was compiled.
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		if path != "native/kern" {
			return nil, fmt.Errorf("unexpected import of %s", path)
		}
		return io.NopCloser(bytes.NewReader(res.Package.ExportData)), nil
	})
	pkg, err := imp.Import("native/kern")
	if err != nil {
		t.Fatalf("reading the export data: %v", err)
	}
	if pkg.Path() != res.Package.RealPath || pkg.Name() != "kern" {
		t.Errorf("export data: package %s %s", pkg.Name(), pkg.Path())
	}
	if sig := types.ObjectString(pkg.Scope().Lookup("Apply"), types.RelativeTo(pkg)); sig != "func Apply(xs []int, f func(int) int) []int" {
		t.Errorf("Apply from export data: %s", sig)
	}
	// The same source again: no build, no load.
	again, err := b.Build(ctx, src)
	if err != nil || !again.Cached || !again.Loaded || again.Hash != res.Hash {
		t.Errorf("second build: %+v, %v", again, err)
	}
	// Registered with an engine, it is called with interpreted values.
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Register(res.Package); err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string]any{
		"kern.Fib(10)": 55,
		"kern.Apply([]int{1, 2}, func(x int) int { return x * 10 })":                                       []int{10, 20},
		"type sq struct{ s float64 }\nfunc (q sq) Area() float64 { return q.s * q.s }\nkern.Double(sq{3})": 18.0,
		"kern.Answer + kern.Sum([]int{1, 2})":                                                              45,
		"kern.Point{X: 1}.X":                                                                               1,
	} {
		r, err := e.Run(ctx, src)
		if err != nil || !reflect.DeepEqual(r.Value, want) {
			t.Errorf("%s = %v, %v; want %v", src, r.Value, err, want)
		}
	}
	// A compile error carries Go's message and position.
	bad := Source{Name: "kern", Files: map[string][]byte{"kern.go": []byte("package kern\n\nfunc F() int { return undefinedThing }\n")}}
	_, err = b.Build(ctx, bad)
	var ee *eval.Error
	if !errors.As(err, &ee) || ee.Kind != eval.KindCompile || ee.Pos != "kern.go:3:23" || !strings.Contains(ee.Msg, "undefined: undefinedThing") {
		t.Errorf("compile error: %#v", err)
	}
	if _, err := os.Stat(filepath.Join(b.cfg.Dir, b.key(bad))); !os.IsNotExist(err) {
		t.Errorf("the failed build left its cache entry behind: %v", err)
	}
}

func TestMissingToolchain(t *testing.T) {
	b, err := New(Config{Dir: t.TempDir(), Go: "/nonexistent/go"})
	if err != nil {
		t.Fatal(err)
	}
	src := Source{Name: "kern", Files: map[string][]byte{"kern.go": []byte("package kern\n\nconst Missing = 1\n")}}
	_, err = b.Build(context.Background(), src)
	if !isKind(err, eval.KindUnsupported) || !strings.Contains(err.Error(), "no Go toolchain") {
		t.Errorf("got %v", err)
	}
}

// A process that has loaded MaxLoaded builds refuses the next at once,
// before building anything.
func TestMaxLoaded(t *testing.T) {
	loaded.Lock()
	n := len(loaded.byKey)
	loaded.Unlock()
	dir := t.TempDir()
	b, err := New(Config{Dir: dir, MaxLoaded: max(n, 1), Go: "/nonexistent/go"})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 { // nothing loaded yet in this process: a limit of 0 is the default, so fake one
		loaded.Lock()
		loaded.byKey["test-placeholder"] = &Result{}
		loaded.Unlock()
		defer func() { loaded.Lock(); delete(loaded.byKey, "test-placeholder"); loaded.Unlock() }()
	}
	src := Source{Name: "kern", Files: map[string][]byte{"kern.go": []byte("package kern\n\nconst Full = 1\n")}}
	_, err = b.Build(context.Background(), src)
	if !isKind(err, eval.KindTooLarge) || !strings.Contains(err.Error(), "restart the slave") {
		t.Errorf("got %v, want too-large asking for a restart", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the refused build left %d entries in the cache", len(entries))
	}
}

func keys(m map[string][]byte) []string { return sortedNames(m) }

func isKind(err error, k eval.Kind) bool {
	var ee *eval.Error
	return errors.As(err, &ee) && ee.Kind == k
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
