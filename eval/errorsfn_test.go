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
		{"iface-assert", "_, ok := error(&W{ErrX}).(interface{ Unwrap() error })\nfmt.Println(ok, errors.Is(&W{ErrX}, ErrX))", "the type assertion to interface{Unwrap() error}"},
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
