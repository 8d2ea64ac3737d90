// Issue 9: fmt.Errorf %w (one, several, nil, non-error), errors.Join, errors.Is/As/AsType/Unwrap with the program's own error types: Unwrap, Is and As methods.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
)

type W struct{ err error }

func (w *W) Error() string { return "w: " + w.err.Error() }
func (w *W) Unwrap() error { return w.err }

type T struct{ op string }

func (e *T) Error() string { return e.op + ": timeout" }

type M struct{}

func (*M) Error() string        { return "m" }
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

func main() {
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
	fmt.Println(fmt.Errorf("notwrap %w", 5))
}
