package eval

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func newEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// run runs src and fails the test on error.
func run(t *testing.T, e *Engine, src string) Result {
	t.Helper()
	r, err := e.Run(context.Background(), src)
	if err != nil {
		t.Fatalf("Run(%q): %v", src, err)
	}
	return r
}

// runErr runs src and returns its *Error, failing the test if there is none.
func runErr(t *testing.T, e *Engine, ctx context.Context, src string) (Result, *Error) {
	t.Helper()
	r, err := e.Run(ctx, src)
	var ee *Error
	if !errors.As(err, &ee) {
		t.Fatalf("Run(%q) = %v, %v; want *Error", src, r.Value, err)
	}
	return r, ee
}

func TestRunValues(t *testing.T) {
	e := newEngine(t, Config{})
	tests := []struct {
		src      string
		hasValue bool
		value    any
		text     string
	}{
		{"2+3", true, 5, "5"},
		{`"a" + "b"`, true, "ab", `"ab"`},
		{"3.5 * 2", true, 7.0, "7.0"},
		{"a := 0.1; a + 0.2", true, 0.30000000000000004, "0.30000000000000004"},
		{"1e21", true, 1e21, "1e+21"},
		{"float32(2)", true, float32(2), "2.0"},
		{"[]any{1, 2.0, \"3\", nil, 4i}", true, []any{1, 2.0, "3", nil, 4i}, `[1 2.0 "3" <nil> (0.0+4.0i)]`},
		{"[]int{1, 2}", true, []int{1, 2}, "[1 2]"},
		{`map[string]int{"b": 2, "a": 1}`, true, map[string]int{"a": 1, "b": 2}, `map["a":1 "b":2]`},
		{"map[float64]bool{2: true, 1.5: false}", true, map[float64]bool{2: true, 1.5: false}, "map[1.5:false 2.0:true]"},
		{"[2]string{\"x\", \"y\"}", true, [2]string{"x", "y"}, `["x" "y"]`},
		{"[]byte(\"hi\")", true, []byte("hi"), "[104 105]"},
		{"x := 5", false, nil, ""},
		{"x = 7", false, nil, ""},
		{"var y = 3", false, nil, ""},
		{"const c = 4", false, nil, ""},
		{"func g() {}", false, nil, ""},
		{"g()", false, nil, ""},
		{"import \"fmt\"\nfmt.Println(\"hi\")", false, nil, ""},
		{"fmt.Sprint(1)", true, "1", `"1"`},
		{`dpfw.Table().Set("k", 1)`, false, nil, ""},
		{"if x > 0 { x++ }", false, nil, ""},
		{"x + y + c", true, 15, "15"},
		{"func() int { return 42 }()", true, 42, "42"},
		{"nil", true, nil, "nil"},
		{"import \"errors\"\nerrors.New(\"bad\")", true, "bad", `"bad"`},
		{"p := new(int)\n*p = 9\np", true, func() *int { n := 9; return &n }(), ""},
	}
	for _, tt := range tests {
		r := run(t, e, tt.src)
		if r.HasValue != tt.hasValue {
			t.Errorf("%q: HasValue = %v, want %v (value %v)", tt.src, r.HasValue, tt.hasValue, r.Value)
		}
		if !reflect.DeepEqual(r.Value, tt.value) {
			t.Errorf("%q: Value = %#v, want %#v", tt.src, r.Value, tt.value)
		}
		if tt.text != "" && r.Text != tt.text {
			t.Errorf("%q: Text = %q, want %q", tt.src, r.Text, tt.text)
		}
	}
}

func TestRunStruct(t *testing.T) {
	e := newEngine(t, Config{})
	r := run(t, e, "type P struct{ A int; B string; C []int }\nP{A: 1, B: \"x\", C: []int{2}}")
	v := reflect.ValueOf(r.Value)
	if v.Kind() != reflect.Struct || v.FieldByName("A").Int() != 1 || v.FieldByName("B").String() != "x" {
		t.Fatalf("Value = %#v", r.Value)
	}
	if r.Text != `{1 "x" [2]}` {
		t.Errorf("Text = %q", r.Text)
	}
}

// The result must not alias interpreter memory: a later Run that mutates
// the variable must not change an earlier Result.
func TestRunResultIsCopy(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "s := []int{1, 2}")
	r := run(t, e, "s")
	run(t, e, "s[0] = 100")
	if got := r.Value.([]int)[0]; got != 1 {
		t.Fatalf("earlier result changed to %d", got)
	}
}

func TestPersistence(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "x := 5")
	if r := run(t, e, "x + 1"); r.Value != 6 {
		t.Errorf("x+1 = %v", r.Value)
	}
	run(t, e, "func f() int { return 1 }")
	if r := run(t, e, "f() + x"); r.Value != 6 {
		t.Errorf("f()+x = %v", r.Value)
	}
	run(t, e, "type T struct{ N int }\nfunc (t T) Twice() int { return 2 * t.N }")
	if r := run(t, e, "T{N: 4}.Twice()"); r.Value != 8 {
		t.Errorf("method = %v", r.Value)
	}
}

func TestRepeatedImports(t *testing.T) {
	e := newEngine(t, Config{})
	steps := []struct{ src, want string }{
		{"import \"strings\"\nstrings.ToUpper(\"a\")", `"A"`},
		{"import \"strings\"\nstrings.ToLower(\"B\")", `"b"`},
		{`import "fmt"`, ""},
		{"import \"fmt\"\nfmt.Sprint(1)", `"1"`},
		{"import (\n\t\"fmt\"\n\tstr \"strconv\"\n)\nfmt.Sprint(str.Itoa(2))", `"2"`},
		{"import str \"strconv\"\nstr.Itoa(3)", `"3"`},
		{"import \"dpfw\"\ndpfw.Table().Len()", "0"},
	}
	for _, s := range steps {
		if r := run(t, e, s.src); r.Text != s.want {
			t.Errorf("%q: Text = %q, want %q", s.src, r.Text, s.want)
		}
	}
}

func TestOutputCapture(t *testing.T) {
	e := newEngine(t, Config{})
	src := `import ("fmt"; "log"; "os")
log.SetFlags(0)
fmt.Println("one")
println("two")
log.Print("three")
fmt.Fprintln(os.Stdout, "four")
fmt.Fprintln(os.Stderr, "five")
fmt.Print("six")`
	r := run(t, e, src)
	if want := "one\ntwo\nthree\nfour\nfive\nsix"; string(r.Output) != want {
		t.Errorf("Output = %q, want %q", r.Output, want)
	}
	if r := run(t, e, `fmt.Print("only")`); string(r.Output) != "only" {
		t.Errorf("second task Output = %q", r.Output)
	}
	if r := run(t, e, "1"); len(r.Output) != 0 {
		t.Errorf("silent task Output = %q", r.Output)
	}
}

func TestOutputTruncation(t *testing.T) {
	e := newEngine(t, Config{MaxOutput: 10})
	r := run(t, e, "import \"strings\"\nimport \"fmt\"\nfmt.Print(strings.Repeat(\"x\", 100))\n7")
	if want := strings.Repeat("x", 10) + "\n... output truncated\n"; string(r.Output) != want {
		t.Errorf("Output = %q, want %q", r.Output, want)
	}
	if r.Value != 7 {
		t.Errorf("Value = %v", r.Value)
	}
}

func TestOutputKeptOnFailure(t *testing.T) {
	e := newEngine(t, Config{})
	r, err := runErr(t, e, context.Background(), "import \"fmt\"\nfmt.Println(\"before\")\npanic(\"boom\")")
	if err.Kind != KindPanic || string(r.Output) != "before\n" {
		t.Errorf("err = %v, Output = %q", err, r.Output)
	}
}

func TestCompileErrors(t *testing.T) {
	e := newEngine(t, Config{})
	tests := []struct{ src, pos, msg string }{
		{"x := 1\ny := \n", "2:", "expected operand"},
		{"a := 1\n a = undefinedName", "2:6", "undefined: undefinedName"},
		{"func f() int {\n\treturn zz\n}", "2:9", "undefined: zz"},
		{"import \"fmt\"\n\n  fmt.Nope()", "3:", "Nope"},
		{`"a" + 1`, "1:", "mismatched"},
		{"x := 1\nfunc broken() int {\n\treturn 1 +\n}", "4:1", "expected operand"},
	}
	for _, tt := range tests {
		_, err := runErr(t, e, context.Background(), tt.src)
		if err.Kind != KindCompile || !strings.HasPrefix(err.Pos, tt.pos) || !strings.Contains(err.Msg, tt.msg) {
			t.Errorf("%q: got %#v, want compile at %s containing %q", tt.src, err, tt.pos, tt.msg)
		}
	}
}

func TestPanics(t *testing.T) {
	e := newEngine(t, Config{})
	tests := []struct{ src, msg string }{
		{`panic("boom")`, "boom"},
		{"s := []int{}\ns[3]", "index out of range"},
		{"z := 0\n1 / z", "divide by zero"},
		{"import \"log\"\nlog.Panic(\"bye\")", "bye"},
	}
	for _, tt := range tests {
		_, err := runErr(t, e, context.Background(), tt.src)
		if err.Kind != KindPanic || !strings.Contains(err.Msg, tt.msg) {
			t.Errorf("%q: got %#v, want panic containing %q", tt.src, err, tt.msg)
		}
	}
	run(t, e, "func boom() {\n\tpanic(\"here\")\n}")
	_, err := runErr(t, e, context.Background(), "x := 1\nboom()")
	// yaegi locates each function entered: boom's body, then the caller.
	if err.Pos != "2:2" || !strings.Contains(err.Stack, "panic: main.boom(...)") {
		t.Errorf("panic Pos = %q, Stack %q", err.Pos, err.Stack)
	}
	// The stack names the snippet's functions only, not what runs the
	// snippet (the front end's cell, yaegi's top-level "main").
	if strings.Contains(err.Stack, "ᐧ") || strings.Contains(err.Stack, "main(...)") || strings.Count(err.Stack, "\n") != 0 {
		t.Errorf("panic Stack %q: want boom's frame only", err.Stack)
	}
	if _, err := runErr(t, e, context.Background(), `panic("top")`); err.Pos != "1:1" || err.Stack != "" {
		t.Errorf("a panic in the snippet's statements: Pos %q, Stack %q", err.Pos, err.Stack)
	}
	if r := run(t, e, "1+1"); r.Value != 2 {
		t.Errorf("after panics: %v", r.Value)
	}
}

// A deadline must end Run promptly even when the snippet is stuck, and the
// engine must come back with its definitions.
func TestTimeout(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "import \"time\"\nfunc keep() int { return 7 }")
	for _, src := range []string{"for {}", "time.Sleep(time.Hour)", "func spin() { for {} }\nspin()"} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		start := time.Now()
		r, err := runErr(t, e, ctx, src)
		late := time.Since(start) - 100*time.Millisecond
		cancel()
		if err.Kind != KindTimeout || !r.Reset {
			t.Errorf("%q: err %v, Reset %v", src, err, r.Reset)
		}
		if late > time.Second { // ~10-20 ms in practice; generous for loaded CI under -race
			t.Errorf("%q: returned %v after the deadline", src, late)
		}
		if r := run(t, e, "1+1"); r.Value != 2 {
			t.Errorf("after %q: 1+1 = %v", src, r.Value)
		}
		if r := run(t, e, "keep()"); r.Value != 7 {
			t.Errorf("after %q: keep() = %v", src, r.Value)
		}
	}
}

func TestCancel(t *testing.T) {
	started := make(chan struct{})
	e := newEngine(t, Config{Packages: []Package{{Path: "hook",
		Symbols: map[string]reflect.Value{"Started": reflect.ValueOf(func() { close(started) })}}}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	r, err := runErr(t, e, ctx, "import (\"hook\"; \"time\")\nhook.Started()\ntime.Sleep(time.Hour)")
	if err.Kind != KindCanceled || !r.Reset {
		t.Errorf("err %v, Reset %v", err, r.Reset)
	}
	if r := run(t, e, "2*21"); r.Value != 42 {
		t.Errorf("after cancel: %v", r.Value)
	}
}

// Go 1.21-1.26 constructs yaegi lacks are lowered by the front end; the
// expected outputs are those of go run on the same code.
func TestLoweredFeatures(t *testing.T) {
	e := newEngine(t, Config{})
	tests := []struct{ src, out, value string }{
		{"for i := range 3 { fmt.Print(i) }", "012", ""},
		{"n := 3\nfor range n + 1 { fmt.Print(\"x\") }", "xxxx", ""},
		{"var fs []func() int\nfor i := range 3 { fs = append(fs, func() int { return i }) }\nfor _, f := range fs { fmt.Print(f()) }", "012", ""},
		{"var fs []func() int\nfor i := 0; i < 6; i++ { if i%2 == 1 { continue }; fs = append(fs, func() int { return i }) }\nfor _, f := range fs { fmt.Print(f()) }", "024", ""},
		{"var fs []func() string\nfor _, s := range []string{\"a\", \"b\"} { fs = append(fs, func() string { return s }) }\nfor _, f := range fs { fmt.Print(f()) }", "ab", ""},
		{"func d() { for i := 0; i < 3; i++ { defer fmt.Print(i) } }\nd()", "210", ""},
		{"x := 1\nfunc() { defer fmt.Print(x); x = 2 }()", "1", ""},
		{"min(3, 1, 2)", "", "1"},
		{"a, b := 2.5, 1.5\nmax(a, b)", "", "2.5"},
		{"m := map[int]int{1: 2}\nclear(m)\nlen(m)", "", "0"},
		{"p := new(2 * 21)\n*p", "", "42"},
		{"m := map[string]int{\"a\": 1}\nn := 0\nfor _, k := range []string{\"a\", \"b\"} { if _, ok := m[k]; ok { n++ } }\nn", "", "1"},
		{"func isEven(n int) bool { if n == 0 { return true }; return isOdd(n - 1) }\nfunc isOdd(n int) bool { if n == 0 { return false }; return isEven(n - 1) }\nisEven(10)", "", "true"},
		// What reflection sees of interpreted types: unexported fields are
		// not marshalled, %T names the program's types.
		{"type acct struct { User string; pass string }\nb, _ := json.Marshal(acct{\"root\", \"x\"})\nfmt.Print(string(b))", `{"User":"root"}`, ""},
		{"type Weekday int\ntype Pt struct{ X int }\nfunc (*Pt) M() {}\nvar v interface{ M() } = &Pt{1}\nfmt.Printf(\"%T %T %T %-6T|\", Weekday(1), []Pt{}, v, 1.5)", "main.Weekday []main.Pt *main.Pt float64|", ""},
		// Range over functions (upTo is declared below), at the top level
		// and in functions.
		{"s := 0\nfor i := range upTo(10) { if i == 5 { break }; if i%2 == 0 { continue }; s += i }\ns", "", "4"},
		{"func first(n int) (int, error) { for i := range upTo(n) { if i*i > 10 { return i, nil } }; return 0, fmt.Errorf(\"none\") }\nfmt.Println(first(9))\nfmt.Println(first(2))", "4 <nil>\n0 none\n", ""},
		{"func d() { for i := range upTo(3) { defer fmt.Print(i) }; fmt.Print(\"-\") }\nd()", "-210", ""},
		{"L: for i := range upTo(3) { for j := range upTo(3) { if j > i { continue L }; fmt.Print(i, j, \" \") } }", "0 0 1 0 1 1 2 0 2 1 2 2 ", ""},
	}
	run(t, e, "func upTo(n int) func(func(int) bool) { return func(yield func(int) bool) { for i := 0; i < n; i++ { if !yield(i) { return } } } }")
	for _, tt := range tests {
		r := run(t, e, tt.src)
		if string(r.Output) != tt.out || r.Text != tt.value && tt.value != "" {
			t.Errorf("%q: output %q value %q, want %q %q", tt.src, r.Output, r.Text, tt.out, tt.value)
		}
	}
	_, err := runErr(t, e, context.Background(), "for x := range upTo(2) {\n\tdefer func() { recover() }()\n\t_ = x\n}")
	if err.Kind != KindUnsupported || err.Pos != "2:2" || !strings.Contains(err.Msg, "recovers, inside a range-over-func loop body") {
		t.Errorf("recover in a range-over-func body: %#v", err)
	}
	// A user-defined min shadows the builtin.
	if r := run(t, e, "func min(a, b int) int { if a < b { return b }; return a }\nmin(3, 4)"); r.Value != 4 {
		t.Errorf("user min = %v", r.Value)
	}
}

// Compile errors are Go's own, from go/types, at the snippet's positions.
func TestTypeErrors(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "x := 1")
	tests := []struct{ src, pos, msg string }{
		{"x + \"a\"", "1:1", `invalid operation: x + "a" (mismatched types int and untyped string)`},
		{"var s string = 3", "1:16", "cannot use 3 (untyped int constant) as string value in variable declaration"},
		{"func f() int {\n\treturn\n}", "2:2", "not enough return values\n\thave ()\n\twant (int)"},
		{"y := 2\nz := 3\nfor i := 0; i < 3; i++ { w := i }", "3:26", "declared and not used: w"},
	}
	for _, tt := range tests {
		_, err := runErr(t, e, context.Background(), tt.src)
		if err.Kind != KindCompile || err.Pos != tt.pos || err.Msg != tt.msg {
			t.Errorf("%q: got %#v, want compile at %s: %q", tt.src, err, tt.pos, tt.msg)
		}
	}
}

func TestUnsendable(t *testing.T) {
	e := newEngine(t, Config{})
	for _, src := range []string{
		"func() {}",
		"make(chan int)",
		"[]any{1, func() {}}",
		"map[string]func(){\"a\": nil}",
		"type F struct{ Fn func() }\nF{}",
		"c := make(chan int)\n&c",
	} {
		_, err := runErr(t, e, context.Background(), src)
		if err.Kind != KindUnsendable || !strings.Contains(err.Msg, "cannot be sent") {
			t.Errorf("%q: got %#v", src, err)
		}
	}
}

// Results may nest MaxDepth levels of slices, maps and structs, counted
// as the wire counts them (pointers and interfaces are no level).
func TestResultDepthLimit(t *testing.T) {
	e := newEngine(t, Config{})
	nested := func(n int, wrap string) string {
		return fmt.Sprintf("type N struct{ In any }\nvar v any = 7; for i := 0; i < %d; i++ { v = %s }; v", n, wrap)
	}
	for _, wrap := range []string{"[]any{v}", "map[string]any{\"k\": v}", "&N{v}"} {
		r := run(t, e, nested(MaxDepth, wrap))
		if !r.HasValue {
			t.Errorf("%s at depth %d: no value", wrap, MaxDepth)
		}
		_, err := runErr(t, e, context.Background(), nested(MaxDepth+1, wrap))
		if err.Kind != KindTooLarge || !strings.Contains(err.Msg, "more than 1000 levels") {
			t.Errorf("%s at depth %d: %v", wrap, MaxDepth+1, err)
		}
	}
	for src, kind := range map[string]Kind{
		"s := []any{nil}; s[0] = s; s": KindTooLarge,
		"var p any; p = &p; p":         KindUnsendable,
	} {
		if _, err := runErr(t, e, context.Background(), src); err.Kind != kind {
			t.Errorf("%s: %v, want %s", src, err, kind)
		}
	}
}

func TestCall(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `import "errors"
func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }
func sum(xs []int) int { s := 0; for _, x := range xs { s += x }; return s }
func total(m map[string]int) int { s := 0; for _, v := range m { s += v }; return s }
func half(x float32) float32 { return x / 2 }
func div(a, b int) (int, error) { if b == 0 { return 0, errors.New("division by zero") }; return a / b, nil }
func pair() (int, string) { return 1, "a" }
func nothing() {}`)
	ctx := context.Background()
	tests := []struct {
		name string
		args []any
		want any
	}{
		{"fib", []any{int64(10)}, 55},
		{"sum", []any{[]any{int64(1), int64(2), int64(3)}}, 6},
		{"total", []any{map[string]any{"a": int64(1), "b": uint64(2)}}, 3},
		{"half", []any{float64(3)}, float32(1.5)},
		{"div", []any{int64(7), int64(2)}, 3},
		{"pair", nil, []any{1, "a"}},
	}
	for _, tt := range tests {
		r, err := e.Call(ctx, tt.name, tt.args...)
		if err != nil || !reflect.DeepEqual(r.Value, tt.want) {
			t.Errorf("Call(%s) = %#v, %v; want %#v", tt.name, r.Value, err, tt.want)
		}
	}
	if r, err := e.Call(ctx, "nothing"); err != nil || r.HasValue {
		t.Errorf("Call(nothing) = %v, %v", r, err)
	}
	for name, kind := range map[string]Kind{"nope": KindNotFound, "div": KindError, "fib": KindCompile} {
		args := []any{int64(1), int64(0)}
		_, err := e.Call(ctx, name, args...)
		var ee *Error
		if !errors.As(err, &ee) || ee.Kind != kind {
			t.Errorf("Call(%s) error = %v, want kind %s", name, err, kind)
		}
	}
}

func TestCallTimeout(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "func spin(n int) int { for { n++ }; return n }\nfunc keep() int { return 7 }")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := e.Call(ctx, "spin", 1)
	var ee *Error
	if !errors.As(err, &ee) || ee.Kind != KindTimeout || !r.Reset {
		t.Fatalf("Call(spin) = %v, Reset %v", err, r.Reset)
	}
	if r, err := e.Call(context.Background(), "keep"); err != nil || r.Value != 7 {
		t.Errorf("after timeout: keep() = %v, %v", r.Value, err)
	}
}

func TestRunStream(t *testing.T) {
	e := newEngine(t, Config{})
	src := `import ("bufio"; "io"; "strings")
func(r io.Reader, w io.Writer) error {
	s := bufio.NewScanner(r)
	for s.Scan() {
		io.WriteString(w, strings.ToUpper(s.Text())+"\n")
	}
	return s.Err()
}`
	var out strings.Builder
	if _, err := e.RunStream(context.Background(), src, strings.NewReader("hello\nworld\n"), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "HELLO\nWORLD\n" {
		t.Errorf("got %q", out.String())
	}
	fail := "import (\"errors\"; \"io\")\nfunc(r io.Reader, w io.Writer) error { return errors.New(\"nope\") }"
	_, err := e.RunStream(context.Background(), fail, strings.NewReader(""), &out)
	var ee *Error
	if !errors.As(err, &ee) || ee.Kind != KindError || ee.Msg != "nope" {
		t.Errorf("error = %v", err)
	}
	noErr := "func(r io.Reader, w io.Writer) { io.WriteString(w, \"x\") }"
	out.Reset()
	if _, err := e.RunStream(context.Background(), noErr, nil, &out); err != nil || out.String() != "x" {
		t.Errorf("func without error: %q, %v", out.String(), err)
	}
	if _, err := e.RunStream(context.Background(), "1", nil, &out); !errors.As(err, &ee) || ee.Kind != KindError {
		t.Errorf("non-func: %v", err)
	}
}

// The seed-generator example: an interpreted closure stored in the table
// keeps its state between tasks.
func TestGeneratorInTable(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "func makeCounter() func() int { n := 0; return func() int { n++; return n } }")
	run(t, e, `dpfw.Table().Set("gen", makeCounter())`)
	for want := 1; want <= 2; want++ {
		if r := run(t, e, `dpfw.Table().Get("gen").(func() int)()`); r.Value != want {
			t.Errorf("call %d = %v", want, r.Value)
		}
	}
	if f, ok := e.Table().Get("gen").(func() int); !ok || f() != 3 {
		t.Errorf("native view of gen: %T", e.Table().Get("gen"))
	}
	// A timeout replaces the interpreter; the closure, which belongs to the
	// old one, must keep working once the stopped run has returned.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.Run(ctx, "for {}"); err == nil {
		t.Fatal("for {} returned")
	}
	for give := time.Now().Add(10 * time.Second); ; {
		r := run(t, e, `dpfw.Table().Get("gen").(func() int)()`)
		if r.Value == 4 {
			break
		}
		if r.Value != 0 || time.Now().After(give) {
			t.Fatalf("after timeout gen() = %v", r.Value)
		}
		runtime.Gosched() // the stopped run is still unwinding
	}
}

func TestTable(t *testing.T) {
	var tb Table
	if tb.Get("a") != nil || tb.Len() != 0 {
		t.Fatal("zero table not empty")
	}
	tb.Set("b", 2)
	tb.Set("a", "x")
	if v, ok := tb.Lookup("b"); !ok || v != 2 {
		t.Errorf("Lookup(b) = %v, %v", v, ok)
	}
	if got := tb.Keys(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Keys = %v", got)
	}
	tb.Delete("a")
	tb.Delete("missing")
	if _, ok := tb.Lookup("a"); ok || tb.Len() != 1 {
		t.Errorf("after Delete: %v", tb.Keys())
	}
	e := newEngine(t, Config{})
	run(t, e, `dpfw.Table().Set("k", []int{1})`)
	if r := run(t, e, "len(dpfw.Table().Keys())"); r.Value != 1 {
		t.Errorf("Keys from snippet = %v", r.Value)
	}
	run(t, e, `dpfw.Table().Delete("k")`)
	if e.Table().Len() != 0 {
		t.Errorf("Delete from snippet failed")
	}
}

func TestConcurrentEngines(t *testing.T) {
	engines := []*Engine{newEngine(t, Config{}), newEngine(t, Config{})}
	errs := make(chan error, len(engines))
	for i, e := range engines {
		go func() {
			for k := range 30 {
				src := fmt.Sprintf("v%d := %d\nv%d * %d", k, k, k, i+2)
				r, err := e.Run(context.Background(), src)
				if err == nil && r.Value != k*(i+2) {
					err = fmt.Errorf("%q = %v", src, r.Value)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range engines {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestConcurrentOneEngine(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "var counter int")
	const workers, each = 4, 20
	results := make(chan any, workers*each)
	for range workers {
		go func() {
			for range each {
				r, err := e.Run(context.Background(), "counter++\ncounter")
				if err != nil {
					results <- err
					continue
				}
				results <- r.Value
			}
		}()
	}
	seen := map[any]bool{}
	for range workers * each {
		v := <-results
		if seen[v] {
			t.Errorf("value %v seen twice: runs overlapped", v)
		}
		seen[v] = true
	}
	if r := run(t, e, "counter"); r.Value != workers*each {
		t.Errorf("counter = %v", r.Value)
	}
}

func TestCacheMemory(t *testing.T) {
	e := newEngine(t, Config{})
	src := "s := 0\nfor k := 0; k < 10; k++ { s += k }\ns"
	run(t, e, src)
	before := heapAlloc()
	for range 5000 {
		if _, err := e.Run(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	}
	if grew := int64(heapAlloc()) - int64(before); grew > 20<<20 {
		t.Errorf("heap grew by %d MB over 5000 cached runs", grew>>20)
	}
}

func TestRecycleAfter(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 5})
	run(t, e, "func keep() int { return 7 }")
	resets := 0
	for k := range 12 {
		r := run(t, e, fmt.Sprintf("%d + keep()", k))
		if r.Value != k+7 {
			t.Errorf("%d + keep() = %v", k, r.Value)
		}
		if r.Reset {
			resets++
		}
	}
	if resets == 0 {
		t.Error("never recycled")
	}
}

func TestReset(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "func f() int { return 1 }\ntype T struct{ A int }\nx := 5\nimport \"strings\"")
	run(t, e, `dpfw.Table().Set("k", 7)`)
	if err := e.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"f()", "x", "T{}"} {
		if _, err := runErr(t, e, context.Background(), src); err.Kind != KindCompile {
			t.Errorf("%s after Reset: %v, want a compile error", src, err)
		}
	}
	if r := run(t, e, `dpfw.Table().Get("k")`); r.Value != 7 {
		t.Errorf("table after Reset: %v, want 7", r.Value)
	}
	// Declarations work again, and a redefinition with another type is
	// a new declaration, not a clash with the forgotten one.
	run(t, e, "func f() string { return \"new\" }")
	if r := run(t, e, "f()"); r.Value != "new" {
		t.Errorf("f() = %v", r.Value)
	}
	if r := run(t, e, `strings.ToUpper("a")`); r.Value != "A" {
		t.Errorf("import after Reset: %v", r.Value)
	}
	// Recycling after a Reset replays only what came after it.
	e2 := newEngine(t, Config{RecycleAfter: 4})
	run(t, e2, "func gone() int { return 1 }")
	if err := e2.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	run(t, e2, "func kept() int { return 2 }")
	for i := 0; ; i++ {
		if r := run(t, e2, fmt.Sprintf("kept() + %d", i)); r.Reset {
			break
		}
	}
	if _, err := runErr(t, e2, context.Background(), "gone()"); err.Kind != KindCompile {
		t.Errorf("gone() after Reset and recycle: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ee *Error
	if err := e.Reset(ctx); !errors.As(err, &ee) || ee.Kind != KindCanceled {
		t.Errorf("Reset(canceled ctx) = %v, want kind canceled", err)
	}
	e.Close()
	if err := e.Reset(context.Background()); err != ErrClosed {
		t.Errorf("Reset after Close = %v, want ErrClosed", err)
	}
}

// Replay after recycling must restore the latest definitions.
func TestReplayRedefinitions(t *testing.T) {
	e := newEngine(t, Config{RecycleAfter: 6})
	run(t, e, "func h() int { return 1 }")
	run(t, e, "func g() int { return h() * 10 }")
	run(t, e, "func k() int { return 5 }\nfunc h() int { return k() }")
	for i := 0; ; i++ {
		r := run(t, e, fmt.Sprintf("h() + %d", i))
		if r.Value != 5+i {
			t.Fatalf("h()+%d = %v (reset %v)", i, r.Value, r.Reset)
		}
		if r.Reset {
			break
		}
	}
	// yaegi binds calls when it compiles them, so g still calls the first h,
	// before and after replay.
	if r := run(t, e, "g()"); r.Value != 10 {
		t.Errorf("g() after replay = %v", r.Value)
	}
}

// Segment positions are carried by line directives, so a snippet of many
// declarations stays linear in size and errors point at the right line.
func TestManySegments(t *testing.T) {
	e := newEngine(t, Config{})
	var b strings.Builder
	const n = 500
	for i := range n {
		fmt.Fprintf(&b, "var v%d = %d\n", i, i)
	}
	if r := run(t, e, b.String()+"v0 + v499"); r.Value != n-1 {
		t.Errorf("sum = %v", r.Value)
	}
	b.WriteString("x := 1\n\tv1 = nope\n")
	_, err := runErr(t, e, context.Background(), b.String())
	if want := fmt.Sprintf("%d:7", n+2); err.Pos != want {
		t.Errorf("Pos = %q, want %q (%v)", err.Pos, want, err)
	}
}

func TestLimitsAndClose(t *testing.T) {
	e := newEngine(t, Config{MaxSource: 10})
	_, err := runErr(t, e, context.Background(), "1 + 1 + 1 + 1")
	if err.Kind != KindTooLarge {
		t.Errorf("kind = %s", err.Kind)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := e.Run(context.Background(), "1"); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close = %v", err)
	}
	if _, err := e.Call(context.Background(), "f"); !errors.Is(err, ErrClosed) {
		t.Errorf("Call after Close = %v", err)
	}
}

func TestStandardPackagesNeedNoImport(t *testing.T) {
	e := newEngine(t, Config{})
	ctx := context.Background()
	res, err := e.Run(ctx, `fmt.Println("hi"); strings.ToUpper("a")`)
	if err != nil || res.Value != "A" || string(res.Output) != "hi\n" {
		t.Fatalf("got %v %q %v", res.Value, res.Output, err)
	}
	// A name the snippet declares is the user's, not a package.
	if res, err := e.Run(ctx, "json := 3; json + 1"); err != nil || res.Value != 4 {
		t.Fatalf("got %v %v", res.Value, err)
	}
}

func TestHugeResultsAreRefusedBeforeCopying(t *testing.T) {
	e := newEngine(t, Config{MaxResult: 1 << 20})
	ctx := context.Background()
	for _, src := range []string{
		`make([]byte, 8<<20)`,
		`strings.Repeat("x", 2<<20)`,
		`[][]int{make([]int, 1<<20)}`,
	} {
		if _, err := e.Run(ctx, src); err == nil || err.(*Error).Kind != KindTooLarge {
			t.Errorf("%s: got %v, want too-large", src, err)
		}
	}
	res, err := e.Run(ctx, `strings.Repeat("y", 100000)`)
	if err != nil || len(res.Text) > 5000 || len(res.Value.(string)) != 100000 {
		t.Fatalf("a big but allowed result keeps its value and shortens its text: %d, %v", len(res.Text), err)
	}
}

// A reset says what it lost: the variables statements declared, and the
// declarations that used them (they do not replay). What it lost once
// it does not lose again.
// (The front end tracks what uses what; without it, with NoFrontEnd,
// only what fails to replay is known.)
func TestResetSaysWhatWasLost(t *testing.T) {
	e := newEngine(t, Config{})
	for _, src := range []string{
		"y, _ := 7, 8", "z := 1; { inner := 2; _ = inner }", "func f() int { return y }", "func f2() int { return f() }",
		"var v = 3", "func g() int { return v }", "x := 1; func h() int { return x }",
		"type T struct{}", "func (T) M() int { return y }", "type U struct{}", "func (U) N() int { return v }",
	} {
		run(t, e, src)
	}
	// The deadline must come while the sleep runs, after the import: on
	// a loaded machine importing time alone has taken more than 50 ms.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	res, err := e.Run(ctx, `import "time"; time.Sleep(time.Hour)`)
	if err == nil || !res.Reset || !slices.Equal(res.Lost, []string{"T", "f", "f2", "h", "x", "y", "z"}) {
		t.Errorf("after a timeout: %v reset=%v lost=%q", err, res.Reset, res.Lost)
	}
	if r := run(t, e, "g() + v + U{}.N()"); r.Value != 9 || r.Reset || r.Lost != nil {
		t.Errorf("the replayed declarations: %#v", r)
	}
	// What was lost is undefined, not a zero value.
	for _, src := range []string{"y", "f()", "f2()", "x", "h()", "T{}.M()"} {
		if _, err := runErr(t, e, context.Background(), src); err.Kind != KindCompile || !strings.Contains(err.Msg, "undefined") {
			t.Errorf("%s after the reset: %v", src, err)
		}
	}
	if r := run(t, e, "y := 9; y"); r.Value != 9 {
		t.Errorf("y declared again: %v", r.Value)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if res, _ := e.Run(ctx, `import "time"; time.Sleep(time.Hour)`); !res.Reset || !slices.Equal(res.Lost, []string{"y"}) {
		t.Errorf("a second reset lost %q, want only the new y", res.Lost)
	}
}
