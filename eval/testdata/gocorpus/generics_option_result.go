// Option[T] and Result[T] types in the style people port from Rust, with generic helpers.
package main

import (
	"errors"
	"fmt"
	"strconv"
)

type Option[T any] struct {
	val T
	ok  bool
}

func Some[T any](v T) Option[T] { return Option[T]{v, true} }
func None[T any]() Option[T]    { return Option[T]{} }

func (o Option[T]) Get() (T, bool) { return o.val, o.ok }
func (o Option[T]) OrElse(d T) T {
	if o.ok {
		return o.val
	}
	return d
}

type Result[T any] struct {
	Val T
	Err error
}

func Try[T any](v T, err error) Result[T] { return Result[T]{v, err} }

func (r Result[T]) String() string {
	if r.Err != nil {
		return "Err(" + r.Err.Error() + ")"
	}
	return fmt.Sprintf("Ok(%v)", r.Val)
}

func MapOpt[T, U any](o Option[T], f func(T) U) Option[U] {
	if v, ok := o.Get(); ok {
		return Some(f(v))
	}
	return None[U]()
}

func find(xs []string, pred func(string) bool) Option[string] {
	for _, x := range xs {
		if pred(x) {
			return Some(x)
		}
	}
	return None[string]()
}

func main() {
	names := []string{"ann", "bob", "carla"}
	long := find(names, func(s string) bool { return len(s) > 4 })
	none := find(names, func(s string) bool { return s == "zed" })
	fmt.Println(long.OrElse("?"), none.OrElse("?"))
	n := MapOpt(long, func(s string) int { return len(s) })
	fmt.Println(n.Get())
	fmt.Println(MapOpt(none, func(s string) int { return len(s) }).Get())
	fmt.Println(Try(strconv.Atoi("12")), Try(strconv.Atoi("x")))
	r := Try(0, errors.New("boom"))
	fmt.Println(r)
}
