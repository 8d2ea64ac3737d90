package eval

import (
	"strings"
	"testing"
)

// A nil pointer (map, slice, func, chan) of the program's type converted
// to error or another package's interface is a nil interface in yaegi
// v0.16.1, where Go's holds the typed nil (eval/front/typednil.go): the
// task fails with kind unsupported when such a nil is converted, and
// runs as go run does otherwise. The wants are go run's.
func TestTypedNilRefused(t *testing.T) {
	const decl = `type MyErr struct{ s string }
func (e *MyErr) Error() string { return "myerr" }
type T struct{}
func (*T) String() string { return "t" }
type L []int
func (L) String() string { return "l" }
`
	for _, c := range []struct{ src, want string }{
		{`func f() error { var p *MyErr; return p }
fmt.Println(f() == nil)`, "a nil *main.MyErr converted to error is not supported"},
		{`var p *MyErr
var e error = p
fmt.Println(e == nil)`, "a nil *main.MyErr converted to error is not supported"},
		{`var p *MyErr
var e error
e = p
fmt.Println(e != nil)`, "a nil *main.MyErr converted to error is not supported"},
		{`var p *T
fmt.Println(fmt.Stringer(p) == nil)`, "a nil *main.T converted to fmt.Stringer is not supported"},
		{`var p *T
fmt.Println([]fmt.Stringer{p}[0] == nil)`, "a nil *main.T converted to fmt.Stringer is not supported"},
		{`func g(s ...fmt.Stringer) bool { return s[0] == nil }
var l L
fmt.Println(g(l))`, "a nil main.L converted to fmt.Stringer is not supported"},
		{`var p *MyErr
fmt.Println(errors.Is(p, nil))`, "a nil *main.MyErr converted to error is not supported"},
		{`var p *MyErr
var a any = p
e := a.(error)
fmt.Println(e == nil)`, "a nil *main.MyErr converted to error is not supported"},
		{`var p *MyErr
var a any = p
e, ok := a.(error)
fmt.Println(e == nil, ok)`, "a nil *main.MyErr converted to error is not supported"},
		{`var p *MyErr
var a any = p
switch v := a.(type) {
case error:
	fmt.Println(v == nil)
}`, "a nil *main.MyErr converted to error is not supported"},
		{`func two() (*MyErr, int) { return nil, 1 }
func f() (error, int) { return two() }
fmt.Println(f())`, "a *main.MyErr result converted to error is not supported"},
	} {
		e := newEngine(t, Config{})
		run(t, e, decl)
		_, ee := runErr(t, e, t.Context(), c.src)
		if ee == nil || ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, c.want) {
			t.Errorf("%s:\ngot %v, want kind unsupported with %q", c.src, ee, c.want)
		}
	}
}

func TestTypedNilNotNil(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type MyErr struct{ s string }
func (e *MyErr) Error() string { return "myerr" }`)
	// A method declared in a later snippet than its type.
	run(t, e, `func (e *MyErr) Self() error { return e }`)
	r := run(t, e, `func f(fail bool) error { if fail { return &MyErr{} }; return nil }
func g(v any) bool { return v == nil }
type I interface{ Error() string }
var p *MyErr
var q = &MyErr{"q"}
var e error = q
var i I = p
var a any = q
ae, ok := a.(error)
_, ok2 := any(nil).(error)
_, ok3 := any(1).(error)
fmt.Println(f(true) == nil, f(false) == nil, e == nil, e, g(p), i == nil, ae == nil, ok, ae, ok2, ok3, a.(error), q.Self() == nil)`)
	if got, want := string(r.Output), "false true false myerr false false false true myerr false false myerr false\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, ee := runErr(t, e, t.Context(), `var p *MyErr
fmt.Println(p.Self() == nil)`)
	if ee == nil || ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "a nil *main.MyErr converted to error is not supported") {
		t.Errorf("got %v, want the typed nil refused", ee)
	}
}

// A value of an interface the program declares converted to error: yaegi
// panicked with a reflect message for a nil one and for one holding a
// nil pointer; the first now runs as go run does, the second fails with
// kind unsupported (Go's error holds the typed nil). The wants are go
// run's.
func TestNilHeldInProgramInterface(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type MyErr struct{ s string }
func (e *MyErr) Error() string { return "myerr" }
type E interface{ Error() string }
func get(e E) error { return e }`)
	r := run(t, e, `func f() {
	var q E = &MyErr{"x"}
	var err error = q
	fmt.Println(err != nil, err.Error(), get(q) != nil)
	var n E
	var err2 error = n
	fmt.Println(get(n) == nil, err2 == nil, []error{n}[0] == nil)
}
f()`)
	if got, want := string(r.Output), "true myerr true\ntrue true true\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, src := range []string{
		`var p *MyErr; var e E = p; fmt.Println(get(e) == nil)`,
		`var p *MyErr; var e E = p; var err error = e; fmt.Println(err == nil)`,
		`var p *MyErr; var e E = p; fmt.Println([]error{e}[0] == nil)`,
	} {
		_, ee := runErr(t, e, t.Context(), "func f() {\n"+src+"\n}\nf()")
		if want := "a main.E holding a nil pointer converted to error is not supported"; ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, want) {
			t.Errorf("%s:\ngot %v, want kind unsupported with %q", src, ee, want)
		}
	}
}

// A call's result of an interface the program declares, converted to
// error at once: the conversion's helper took it as a parameter, which
// yaegi converted to error only once copied to a local ("method not
// found: Error" where go run printed the error; a nil one panicked).
// The want is go run's.
func TestProgramInterfaceCallResultToError(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type MyErr struct{ c int }
func (e *MyErr) Error() string { return fmt.Sprint("myerr", e.c) }
type E interface{ Error() string }
func get(c int) E {
	if c == 0 {
		return nil
	}
	return &MyErr{c}
}`)
	r := run(t, e, `func f() {
	var err error = get(1)
	fmt.Println(err)
	err = get(0)
	fmt.Println(err == nil)
	errs := []error{get(2), get(0)}
	fmt.Println(errs[0], errs[1] == nil)
	ch := make(chan error, 1)
	ch <- get(3)
	fmt.Println(<-ch)
}
f()`)
	if got, want := string(r.Output), "myerr1\ntrue\nmyerr2 true\nmyerr3\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
