package eval

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Dynamic types (eval/front/typeswitch.go): type switches are lowered to
// comma-ok assertions, recover's value is unwrapped, and the assertions
// yaegi cannot get right are refused. Each expected output is what go
// run printed for the same program (main's body = the statements).
func TestDynamicTypes(t *testing.T) {
	tests := []struct{ name, src, out string }{
		{"iface_cases", `type E struct{ c int }
func (e *E) Error() string { return fmt.Sprint("E", e.c) }
type S struct{ n string }
func (s S) String() string { return "<" + s.n + ">" }
func k(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	case int, string:
		if i, ok := x.(int); ok {
			return fmt.Sprint("int|string ", i)
		}
		return "int|string " + x.(string)
	}
	return "none"
}
fmt.Println(k(nil), k(&E{1}), k(errors.New("e")), k(S{"s"}), k(3), k("q"), k(2.5))`, "nil error E1 error e stringer <s> int|string 3 int|string q none\n"},
		{"binding_types", `type P struct{ X int }
type E struct{ c int }
func (e *E) Error() string { return "E" }
func k(v any) string {
	switch x := v.(type) {
	case P:
		return fmt.Sprint("P", x.X+1)
	case *E:
		return fmt.Sprint("*E", x.c)
	case []int:
		return fmt.Sprint("slice", len(x))
	case map[string]int:
		return fmt.Sprint("map", x["a"])
	default:
		_, isBool := x.(bool)
		return fmt.Sprint("default ", isBool)
	}
}
fmt.Println(k(P{1}), k(&E{2}), k([]int{1, 2}), k(map[string]int{"a": 5}), k(true))`, "P2 *E2 slice2 map5 default true\n"},
		{"error_operand", `type E struct{ c int }
func (e *E) Error() string { return fmt.Sprint("E", e.c) }
type W struct{ err error }
func (w *W) Error() string { return "w: " + w.err.Error() }
func (w *W) Unwrap() error { return w.err }
func f(err error) string {
	switch e := err.(type) {
	case nil:
		return "ok"
	case *E:
		return fmt.Sprint("E code ", e.c)
	case interface{ Unwrap() error }:
		return "wraps " + e.Unwrap().Error()
	}
	return "plain " + err.Error()
}
fmt.Println(f(nil), f(&E{3}), f(&W{&E{4}}), f(errors.New("x")))`, "ok E code 3 wraps E4 plain x\n"},
		{"label_break", `n := 0
L:
for _, v := range []any{1, 2.5, 3, "stop", 4} {
	switch v.(type) {
	case string:
		break L
	case int:
		n++
		continue
	}
	n += 10
}
fmt.Println(n)`, "12\n"},
		{"recover_values", `func r(f func()) (s string) {
	defer func() {
		switch v := recover().(type) {
		case nil:
			s = "ok"
		case error:
			s = "error " + v.Error()
		case string:
			s = "string " + v
		default:
			s = fmt.Sprint("other ", v)
		}
	}()
	f()
	return
}
fmt.Println(r(func() {}), r(func() { panic("p") }), r(func() { panic(errors.New("q")) }), r(func() { panic(42) }))`, "ok string p error q other 42\n"},
		{"recover_assert", `func r() (s string) {
	defer func() {
		v := recover()
		if e, ok := v.(error); ok {
			s = "error " + e.Error()
		} else if str, ok := v.(string); ok {
			s = "string " + str
		}
	}()
	panic("boom")
}
fmt.Println(r())`, "string boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Config{})
			r := run(t, e, tt.src)
			if string(r.Output) != tt.out {
				t.Errorf("output %q, want %q", r.Output, tt.out)
			}
		})
	}
}

// What yaegi cannot tell apart is refused before anything runs, naming
// the construct; what it can is not.
func TestDynamicTypesRefused(t *testing.T) {
	tests := []struct{ name, src, refusal string }{
		// string and a named string type: any("s").(name) is true in yaegi.
		{"named-basic", "type name string\nfunc f(v any) bool { _, ok := v.(string); return ok }\nf(name(\"x\"))", "cannot tell a string from a main.name"},
		{"named-basic-case", "type cnt int\nfunc f(v any) string { switch v.(type) { case cnt: return \"cnt\" }; return \"-\" }\nf(1)", "cannot tell a main.cnt from a int"},
		// %T of an any: an int would be named main.Weekday.
		{"percent-T", "type Weekday int\nvar v any = 5\nfmt.Printf(\"%T\", v)", "%T of a any is not supported here: the interpreter cannot tell a main.Weekday from a int"},
		// Two struct types of one layout.
		{"same-layout", "type P struct{ X int }\ntype Q struct{ X int }\nfunc f(v any) bool { _, ok := v.(*P); return ok }\nf(&Q{1})", "cannot tell a *main.P from a *main.Q"},
		// A struct value held in an error loses its type.
		{"value-in-error", "type V struct{ s string }\nfunc (v V) Error() string { return v.s }\nfunc f(err error) bool { _, ok := err.(V); return ok }\nf(V{})", "loses the type of a value (not a pointer)"},
		{"value-in-error-iface-case", "type V struct{ s string }\nfunc (v V) Error() string { return v.s }\nfunc f(err error) string { switch e := err.(type) { case interface{ Error() string }: return e.Error() }; return \"\" }\nf(V{})", "loses the type of a main.V"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Config{})
			_, err := e.Run(context.Background(), tt.src)
			var ee *Error
			if !errors.As(err, &ee) || ee.Kind != KindUnsupported || !strings.Contains(ee.Error(), tt.refusal) {
				t.Fatalf("got %v, want an unsupported error containing %q", err, tt.refusal)
			}
		})
	}
	// Not refused, and right: distinct layouts, pointers in an error, the
	// program's own interfaces holding values, %T of an error.
	e := newEngine(t, Config{})
	r := run(t, e, "type P struct{ X int }\ntype Q struct{ Y string }\ntype Sh interface{ A() int }\nfunc (p P) A() int { return p.X }\ntype E struct{}\nfunc (*E) Error() string { return \"E\" }\nvar s Sh = P{2}\nvar err error = &E{}\n_, ok1 := s.(P)\n_, ok2 := err.(*E)\nvar v any = Q{\"q\"}\n_, ok3 := v.(P)\nfmt.Println(ok1, ok2, ok3)\nfmt.Printf(\"%T %T %T\\n\", err, s, v)")
	if string(r.Output) != "true true false\n*main.E main.P main.Q\n" {
		t.Errorf("output %q", r.Output)
	}
}
