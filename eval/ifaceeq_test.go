package eval

import (
	"strings"
	"testing"
)

// == on interface values holding the program's types runs as Go's
// (eval/front/ifaceeq.go); the wants are go run's.
func TestInterfaceEquality(t *testing.T) {
	e := newEngine(t, Config{})
	r := run(t, e, `type T struct{ s string }
func (t *T) Error() string { return t.s }
var ErrT, ErrU = &T{"t"}, &T{"u"}
func find(err error) string {
	switch err {
	case nil:
		return "nil"
	case ErrU:
		return "u"
	case ErrT, io.EOF:
		return "t or eof"
	}
	return "other"
}
var err error = ErrT
var a any = err
type P struct{ E error }
fmt.Println(err == ErrT, err != ErrT, a == ErrT, a == err, err == io.EOF, P{err} == P{ErrT}, find(err), find(nil), find(io.EOF), find(ErrU))`)
	if got, want := string(r.Output), "true false true true false true t or eof nil t or eof u\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, ee := runErr(t, e, t.Context(), `type V struct{ n int }
func (V) String() string { return "v" }
var s fmt.Stringer = V{1}
fmt.Println(s == V{1})`)
	if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "comparing a fmt.Stringer with a main.V is not supported") {
		t.Errorf("got %v, want the comparison refused", ee)
	}
}

// yaegi gives a value of the program's named non-struct type the reflect
// type of its underlying type: `var a any = Color(1); a == any(1)` was
// true and Color(1) and 1 were one map key (go run: false, and 0 for
// m[1]). Such comparisons and keys are refused before they run.
func TestNamedBasicInInterfaceRefused(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type Color int`)
	for _, c := range []struct{ src, want string }{
		{`var a, b any = Color(1), 1
fmt.Println(a == b)`, "comparing values of any is not supported here: the interpreter does not tell a main.Color held in an interface from a value of type int"},
		{`m := map[any]int{Color(1): 1}
fmt.Println(m[1])`, "a key of map[any]int is not supported here: the interpreter does not tell a main.Color held in an interface from a value of type int"},
	} {
		_, ee := runErr(t, e, t.Context(), "func f() {\n"+c.src+"\n}\nf()")
		if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, c.want) {
			t.Errorf("%s:\ngot %v, want kind unsupported with %q", c.src, ee, c.want)
		}
	}
}
