package eval

import (
	"os"
	"strings"
	"testing"
)

// The methods fmt, log and log/slog call on values of the program's
// types (String, Error, Format, LogValue) are called as go run calls
// them, in slices, maps, struct fields and pointers too; the expected
// output is go run's (see the program's last line).
func TestPrintMethods(t *testing.T) {
	src, err := os.ReadFile("testdata/fmtmethods/prog.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/fmtmethods/prog.stdout")
	if err != nil {
		t.Fatal(err)
	}
	prog := strings.Replace(strings.Replace(string(src), "package main", "", 1), "func main()", "func progMain()", 1)
	e := newEngine(t, Config{})
	r := run(t, e, prog+"\nprogMain()")
	if string(r.Output) != string(want) {
		t.Errorf("output:\n%s\nwant (go run):\n%s", r.Output, want)
	}
}

// What cannot be converted before it runs is refused, naming the
// construct: an interface value that may hold a type whose methods fmt
// would call, a map keyed by such a type.
func TestPrintMethodsRefused(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "type Day int\nfunc (d Day) String() string { return \"D\" }")
	for _, tt := range []struct{ src, msg string }{
		{"var x any = Day(1)\nfmt.Println(x)", "fmt.Println of a value of interface type any, which may hold a Day"},
		{"fmt.Println([]any{Day(1)})", "interface type any, which may hold a Day"},
		{"fmt.Println(map[Day]int{1: 2})", "printing a map whose keys have methods fmt would call (Day)"},
		{"f := \"%v\"\nfmt.Printf(f, Day(1))", "fmt.Printf with a format that is not a constant"},
	} {
		_, err := runErr(t, e, t.Context(), tt.src)
		if err == nil || err.Kind != KindUnsupported || !strings.Contains(err.Msg, tt.msg) {
			t.Errorf("%q: %v, want unsupported %q", tt.src, err, tt.msg)
		}
	}
	// error and fmt.Stringer values (yaegi's own wrappers) print as
	// before; so do interfaces where no such type is declared.
	r := run(t, e, "var s fmt.Stringer = Day(0)\nfmt.Println(s, []fmt.Stringer{s}, Day(1), []Day{0})")
	if got := string(r.Output); got != "D [D] D [D]\n" {
		t.Errorf("output %q", got)
	}
	r = run(t, newEngine(t, Config{}), "type P struct{ X int }\nvar x any = P{1}\nfmt.Println(x, []any{1, \"a\"})")
	if got := string(r.Output); got != "{1} [1 a]\n" {
		t.Errorf("output %q", got)
	}
}

// A type switch narrows what its variable holds: a clause that lists
// only types fmt prints right, or the default clause when every type with
// methods fmt calls is caught by another case, prints the variable as go
// run does; a default that such a type may reach is still refused.
func TestPrintMethodsTypeSwitch(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type Day struct{ n int }
func (d Day) String() string { return "D" }
type E struct{}
func (*E) Error() string { return "E" }
func k(v any) string {
	switch x := v.(type) {
	case int, int64:
		return fmt.Sprintf("int %v", x)
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	default:
		return fmt.Sprint("other ", x)
	}
}`)
	r := run(t, e, `fmt.Println(k(1), k(int64(2)), k(&E{}), k(Day{3}), k(2.5))`)
	if got := string(r.Output); got != "int 1 int 2 error E stringer D other 2.5\n" {
		t.Errorf("output %q", got)
	}
	for _, src := range []string{
		"func d(v any) string { switch x := v.(type) { case error: return x.Error(); default: return fmt.Sprint(x) } }",
		"func d(v any) string { switch x := v.(type) { case int, Day: return fmt.Sprint(x) }; return \"\" }",
	} {
		_, err := runErr(t, e, t.Context(), src)
		// It names one of the types (Day or E: the first it finds).
		if err == nil || err.Kind != KindUnsupported || !strings.Contains(err.Msg, "fmt.Sprint of a value of interface type any, which may hold a") {
			t.Errorf("%q: %v, want unsupported naming a type with String or Error", src, err)
		}
	}
}
