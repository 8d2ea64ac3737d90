package eval

import (
	"strings"
	"testing"
)

// In a program that declares its own error types, fmt.Errorf's %w,
// errors.Join and errors.Is/As/AsType/Unwrap run interpreted
// (eval/front/errorsfn.go, prelude/errors.go): the answers are go run's
// (the wants below are go run's output of the same program).
func TestErrorsChainLowered(t *testing.T) {
	src := `type W struct{ err error }
func (w *W) Error() string { return "w: " + w.err.Error() }
func (w *W) Unwrap() error { return w.err }
type T struct{ op string }
func (e *T) Error() string { return e.op + ": timeout" }
type M struct{}
func (*M) Error() string { return "m" }
func (*M) Is(target error) bool { return target == ErrX }
type A struct{ code int }
func (*A) Error() string { return "a" }
func (a *A) As(target any) bool {
	if t, ok := target.(**T); ok {
		*t = &T{"from-as"}
		return true
	}
	return false
}
var ErrX = errors.New("x")
target := &T{"read"}
w := fmt.Errorf("ctx: %w", &W{target})
fmt.Println(w, errors.Is(w, target), errors.Is(w, &T{"read"}), errors.Is(w, ErrX))
var tp *T
fmt.Println(errors.As(w, &tp), tp == target, tp.op)
two := fmt.Errorf("two: %w and %w (%d)", ErrX, target, 3)
fmt.Println(two, errors.Is(two, ErrX), errors.Is(two, target), errors.Unwrap(two) == nil)
j := errors.Join(nil, &W{ErrX}, nil, fmt.Errorf("n: %w", fs.ErrNotExist))
fmt.Println(j)
fmt.Println(errors.Is(j, ErrX), errors.Is(j, fs.ErrNotExist), errors.Is(j, fs.ErrPermission), errors.Join(nil) == nil)
fmt.Println(errors.Is(fmt.Errorf("m: %w", &M{}), ErrX), errors.Is(&M{}, fs.ErrClosed))
var tq *T
fmt.Println(errors.As(fmt.Errorf("a: %w", &A{1}), &tq), tq.op)
_, err := strconv.Atoi("z")
var ne *strconv.NumError
fmt.Println(errors.As(fmt.Errorf("p: %w", &W{err}), &ne), ne.Func, errors.Is(&W{err}, strconv.ErrSyntax))
if t2, ok := errors.AsType[*T](errors.Join(ErrX, target)); ok {
	fmt.Println("astype", t2.op)
}
_, ok := errors.AsType[*W](ErrX)
fmt.Println(ok, errors.Unwrap(&W{ErrX}) == ErrX, errors.Unwrap(ErrX) == nil)
var nilErr error
fmt.Println(fmt.Errorf("nil: %w", nilErr), errors.Unwrap(fmt.Errorf("nil: %w", nilErr)) == nil, errors.Is(nil, nil), errors.Is(nil, ErrX))
fmt.Println(fmt.Errorf("notwrap %w", 5))`
	want := `ctx: w: read: timeout true false false
true true read
two: x and read: timeout (3) true true true
w: x
n: file does not exist
true true false true
true false
true from-as
true Atoi true
astype read
false true true
nil: %!w(<nil>) true true false
notwrap %!w(int=5)
`
	r := run(t, newEngine(t, Config{}), src)
	if got := string(r.Output); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
}

// What the interpreter would still get wrong is refused before anything
// runs, naming the construct and the rewrite.
func TestErrorsChainRefused(t *testing.T) {
	decls := `type W struct{ err error }
func (w *W) Error() string { return "w: " + w.err.Error() }
func (w *W) Unwrap() error { return w.err }
var ErrX = errors.New("x")
`
	for _, tt := range []struct{ name, src, msg string }{
		{"value-type", "type V struct{ s string }\nfunc (v V) Error() string { return v.s }\nfmt.Println(errors.Is(&W{ErrX}, ErrX))", "error type main.V has a value receiver"},
		{"iface-target", "var e interface{ Unwrap() error }\nfmt.Println(errors.As(ErrX, &e))", "errors.As with a target of interface type"},
		{"iface-assert", "var x any = &W{ErrX}\n_, ok := x.(interface{ Unwrap() error })\nfmt.Println(ok, errors.Is(&W{ErrX}, ErrX))", "the type assertion to interface{Unwrap() error}"},
		{"local-type", "func f() error { type L struct{ error }; return &L{ErrX} }\nfmt.Println(errors.Is(f(), ErrX))", "declares the error type L inside a function"},
		{"format", "f := \"%w\"\nfmt.Println(errors.Is(fmt.Errorf(f, ErrX), ErrX))", "fmt.Errorf with a format that is not a constant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Config{})
			_, err := runErr(t, e, t.Context(), decls+tt.src)
			if err == nil || err.Kind != KindUnsupported || !strings.Contains(err.Msg, tt.msg) {
				t.Fatalf("got %v, want unsupported containing %q", err, tt.msg)
			}
		})
	}
	// Programs without error types of their own run as before.
	r := run(t, newEngine(t, Config{}), "func is(err, target error) bool { return errors.Is(err, target) }\nfmt.Println(is(fmt.Errorf(\"a: %w\", io.EOF), io.EOF), errors.Unwrap(fmt.Errorf(\"a: %w\", io.EOF)) == io.EOF)")
	if got := string(r.Output); got != "true true\n" {
		t.Errorf("output %q", got)
	}
}

// At the REPL the program grows snippet by snippet: an error type
// declared after the code that walks chains (errors.Is, As, Unwrap,
// fmt.Errorf's %w) reaches that code, which must find its methods as go
// run would (the want is go run's output of the same program in one
// file).
func TestErrorsChainLaterTypes(t *testing.T) {
	e := newEngine(t, Config{})
	for _, src := range []string{`type A struct{ msg string }
func (a *A) Error() string { return a.msg }
var ErrA = &A{"a"}
func check(err error) bool { return errors.Is(err, ErrA) }
func asA(err error) string {
	var a *A
	if errors.As(err, &a) {
		return a.msg
	}
	return "none"
}
func wrap(err error) error { return fmt.Errorf("w: %w", err) }
func unwrap(err error) error { return errors.Unwrap(err) }`,
		`type B struct{ inner error }
func (b *B) Error() string { return "b(" + b.inner.Error() + ")" }
func (b *B) Unwrap() error { return b.inner }`,
		`type C struct{}
func (*C) Error() string { return "c" }
func (*C) Is(t error) bool { a, ok := t.(*A); return ok && a == ErrA }
var ErrC = &C{}
func isC(err error) bool { _, ok := err.(*C); return ok }`,
	} {
		run(t, e, src)
	}
	r := run(t, e, `fmt.Println(check(&B{ErrA}), asA(&B{&A{"x"}}), check(&B{&B{ErrA}}), check(&C{}), asA(&B{io.EOF}))
fmt.Println(check(wrap(&B{ErrA})), isC(unwrap(&B{ErrC})), errors.Is(wrap(ErrC), ErrC), errors.Is(wrap(&B{ErrC}), ErrA))`)
	if got, want := string(r.Output), "true x true true none\ntrue true true true\n"; got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
}

// Code that called the errors package before the program had error
// types of its own walks chains in compiled code, which cannot see the
// methods of an interpreted type: the later declaration of an error type
// is refused, naming the earlier call and the rewrite.
func TestErrorsChainTypesAfterCompiledCalls(t *testing.T) {
	for _, tt := range []struct{ name, early, msg string }{
		{"is", "func is(err, target error) bool { return errors.Is(err, target) }", "errors.Is"},
		{"wrap", "func wrap(err error) error { return fmt.Errorf(\"w: %w\", err) }", "fmt.Errorf"},
		{"closure", "var h func(error) error\nh = func(err error) error { return errors.Unwrap(err) }", "errors.Unwrap"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Config{})
			run(t, e, tt.early)
			_, err := runErr(t, e, t.Context(), "type B struct{ inner error }\nfunc (b *B) Error() string { return \"b\" }\nfunc (b *B) Unwrap() error { return b.inner }")
			if err.Kind != KindUnsupported || !strings.Contains(err.Msg, tt.msg) || !strings.Contains(err.Msg, "main.B") {
				t.Fatalf("got %v, want unsupported naming %s and main.B", err, tt.msg)
			}
		})
	}
	// Compiled calls made at the top level are over: they constrain nothing.
	e := newEngine(t, Config{})
	run(t, e, "fmt.Println(errors.Is(fmt.Errorf(\"a: %w\", io.EOF), io.EOF))")
	run(t, e, "type B struct{ inner error }\nfunc (b *B) Error() string { return \"b\" }\nfunc (b *B) Unwrap() error { return b.inner }")
	if got := string(run(t, e, "fmt.Println(errors.Is(&B{io.EOF}, io.EOF))").Output); got != "true\n" {
		t.Errorf("output %q", got)
	}
}

// More of the REPL's growth: a method attached later to an earlier
// type, a variable initialized with a walk in the snippet that declares
// a new type, and what cannot be made right, refused.
func TestErrorsChainLaterMethods(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type A struct{ inner error }
func (a *A) Error() string { return "a" }
var ErrX = errors.New("x")
func has(err error) bool { return errors.Is(err, ErrX) }
func errX() error { return ErrX }`)
	run(t, e, `func (a *A) Unwrap() error { return a.inner }`)
	run(t, e, `type B struct{ n int; inner error }
func (b *B) Error() string { return "b" }
func (b *B) Unwrap() error { return b.inner }
var early = has(&B{1, &A{errX()}})`)
	// go run of the same program in one file prints "true true false".
	if got := string(run(t, e, `fmt.Println(has(&A{ErrX}), early, has(&B{2, nil}))`).Output); got != "true true false\n" {
		t.Errorf("output %q", got)
	}
	for _, tt := range []struct{ name, src, msg string }{
		{"value-type", "type V struct{}\nfunc (V) Error() string { return \"v\" }", "error type main.V has a value receiver"},
		{"again", "type B struct{}\nfunc (*B) Error() string { return \"b2\" }", "declaring the error type main.B again"},
		{"iface-assert", "func u(err error) bool { _, ok := err.(interface{ Unwrap() error }); return ok }\nvar x any = &A{}\n_, ok := x.(interface{ Unwrap() error })", "the type assertion to interface{Unwrap() error}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runErr(t, e, t.Context(), tt.src)
			if err.Kind != KindUnsupported || !strings.Contains(err.Msg, tt.msg) {
				t.Fatalf("got %v, want unsupported containing %q", err, tt.msg)
			}
		})
	}
	// An assertion of an error to an interface tries the types that
	// implement it: a later one is refused.
	e = newEngine(t, Config{})
	run(t, e, "type A struct{ n int }\nfunc (*A) Error() string { return \"a\" }\nfunc (*A) Code() int { return 1 }\nfunc code(err error) int { if c, ok := err.(interface{ Code() int }); ok { return c.Code() }; return 0 }")
	if got := string(run(t, e, "fmt.Println(code(&A{}), code(io.EOF))").Output); got != "1 0\n" {
		t.Errorf("output %q", got)
	}
	if _, err := runErr(t, e, t.Context(), "type B struct{}\nfunc (B) Code() int { return 2 }"); err.Kind != KindUnsupported || !strings.Contains(err.Msg, "declaring main.B, which implements interface{Code() int}") {
		t.Fatalf("got %v", err)
	}
	// Also when no type implemented it then: here the wrapper of
	// fmt.Errorf's %w would be the first.
	e = newEngine(t, Config{})
	run(t, e, "type A struct{}\nfunc (*A) Error() string { return \"a\" }\nfunc isW(err error) bool { _, ok := err.(interface{ Unwrap() error }); return ok }")
	if _, err := runErr(t, e, t.Context(), "fmt.Println(isW(fmt.Errorf(\"x: %w\", &A{})))"); err.Kind != KindUnsupported || !strings.Contains(err.Msg, "fmt.Errorf with %w or errors.Join, whose errors implement interface{Unwrap() error}") {
		t.Fatalf("got %v", err)
	}
	// A fmt.Errorf left compiled (its format is no constant) in a program
	// that walked no chain yet: a later walk is refused.
	e = newEngine(t, Config{})
	run(t, e, "type A struct{}\nfunc (*A) Error() string { return \"a\" }\nfunc wrap(f string, err error) error { return fmt.Errorf(f, err) }")
	_, err := runErr(t, e, t.Context(), "fmt.Println(errors.Is(wrap(\"%w\", &A{}), io.EOF))")
	if err.Kind != KindUnsupported || !strings.Contains(err.Msg, "fmt.Errorf at 3:") {
		t.Fatalf("got %v, want unsupported naming the earlier fmt.Errorf", err)
	}
}

// An assertion of an error to an interface is made of assertions to the
// program's types, beside %#v and const groups of several names (the
// want is go run's output of the same program).
func TestGoSyntaxConstGroupsIfaceAssert(t *testing.T) {
	src := `type P struct {
	X int
	s string
}
type N struct {
	V    int
	Next *N
	Tags map[string]P
	L    []P
	D    time.Duration
}
type E struct{ msg string }
func (e *E) Error() string { return e.msg }
func (e *E) Unwrap() error { return nil }
const (
	a, b = iota, -iota * 10
	c, d
	e, f
)
type K uint8
const (
	k1, k2 K = iota + 1, iota + 10
	k3, k4
)
fmt.Printf("%#v|%#v\n", N{V: 1, Tags: map[string]P{"b": {2, "y"}, "a": {1, "x"}}}, []P(nil))
fmt.Printf("%#v %#v\n", &P{1, "q"}, [2]P{})
var np *N
fmt.Printf("%#v %v\n", np, N{Next: np}.Next == nil)
var err error = &E{"e"}
_, ok := err.(interface{ Unwrap() error })
_, ok2 := err.(interface{ Unwrap() []error })
fmt.Println(ok, ok2, a, b, c, d, e, f, k1, k2, k3, k4)
fmt.Println(errors.Unwrap(err) == nil)`
	want := `main.N{V:1, Next:(*main.N)(nil), Tags:map[string]main.P{"a":main.P{X:1, s:"x"}, "b":main.P{X:2, s:"y"}}, L:[]main.P(nil), D:0}|[]main.P(nil)
&main.P{X:1, s:"q"} [2]main.P{main.P{X:0, s:""}, main.P{X:0, s:""}}
(*main.N)(nil) true
true false 0 0 1 -10 2 -20 1 10 2 11
true
`
	r := run(t, newEngine(t, Config{}), src)
	if got := string(r.Output); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
	// What it cannot write is refused.
	_, err := runErr(t, newEngine(t, Config{}), t.Context(), "type Q struct{ V any }\nfmt.Printf(\"%#v\", Q{1})")
	if err.Kind != KindUnsupported || !strings.Contains(err.Msg, "%#v of a value of type main.Q") {
		t.Fatalf("got %v", err)
	}
}
