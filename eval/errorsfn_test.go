package eval

import (
	"strings"
	"testing"
)

// errors.Is, As, AsType and Unwrap cannot see the program's error types
// inside package errors (eval/front/errorsfn.go): a call whose answer
// could depend on them is refused before anything runs, naming the
// construct and the rewrite; the others run as go run runs them.
func TestErrorsChainRefused(t *testing.T) {
	decls := `type W struct{ err error }
func (w *W) Error() string { return "w: " + w.err.Error() }
func (w *W) Unwrap() error { return w.err }
type V struct{ s string }
func (v V) Error() string { return v.s }
var ErrX = errors.New("x")
`
	for _, tt := range []struct{ name, src, msg string }{
		{"is-through-unwrap", "fmt.Println(errors.Is(&W{ErrX}, ErrX))", "errors.Is through the Unwrap or Is method of main.W"},
		{"as-program-type", "var w *W\nfmt.Println(errors.As(ErrX, &w))", "errors.As with a target of type *main.W"},
		{"astype-value-type", "_, ok := errors.AsType[V](ErrX)\nfmt.Println(ok)", "declare the error as a pointer type (*V)"},
		{"unwrap", "fmt.Println(errors.Unwrap(ErrX))", "errors.Unwrap in a program that declares its own error type (main.V, main.W)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Config{})
			_, err := runErr(t, e, t.Context(), decls+tt.src)
			if err == nil || err.Kind != KindUnsupported || !strings.Contains(err.Msg, tt.msg) {
				t.Fatalf("got %v, want unsupported containing %q", err, tt.msg)
			}
		})
	}
	// A program whose error types have no chain methods: errors.Is
	// against a sentinel of errors.New, errors.As to a compiled type.
	e := newEngine(t, Config{})
	r := run(t, e, `type E struct{ c int }
func (e *E) Error() string { return "E" }
var ErrX = errors.New("x")
err := fmt.Errorf("b: %w", fmt.Errorf("a: %w", ErrX))
var pe *fs.PathError
fmt.Println(errors.Is(err, ErrX), errors.Is(err, fs.ErrNotExist), errors.As(fmt.Errorf("c: %w", &fs.PathError{Op: "open", Err: ErrX}), &pe), pe.Op)`)
	if got := string(r.Output); got != "true false true open\n" {
		t.Errorf("output %q", got)
	}
	// Not refused when the target is unknown but no error type is declared.
	r = run(t, newEngine(t, Config{}), "func is(err, target error) bool { return errors.Is(err, target) }\nfmt.Println(is(fmt.Errorf(\"a: %w\", io.EOF), io.EOF), errors.Unwrap(fmt.Errorf(\"a: %w\", io.EOF)) == io.EOF)")
	if got := string(r.Output); got != "true true\n" {
		t.Errorf("output %q", got)
	}
	// An unknown target with error types declared is refused.
	_, err := runErr(t, newEngine(t, Config{}), t.Context(), "type E struct{}\nfunc (*E) Error() string { return \"E\" }\nfunc is(err, target error) bool { return errors.Is(err, target) }")
	if err == nil || err.Kind != KindUnsupported || !strings.Contains(err.Msg, "errors.Is with a target that may be of the program's error type (main.E)") {
		t.Errorf("got %v", err)
	}
}
