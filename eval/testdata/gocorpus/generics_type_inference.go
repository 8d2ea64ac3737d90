// Type inference: from arguments, from function arguments, partially explicit instantiation.
package main

import (
	"fmt"
	"strings"
)

func Convert[From, To any](xs []From, f func(From) To) []To {
	out := make([]To, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func Ptr[T any](v T) *T { return &v }

func First[S ~[]E, E any](s S) (E, bool) {
	if len(s) == 0 {
		var zero E
		return zero, false
	}
	return s[0], true
}

func Keys[M ~map[K]V, K comparable, V any](m M) int { return len(m) }

type Names []string

func Apply[T any](v T, fs ...func(T) T) T {
	for _, f := range fs {
		v = f(v)
	}
	return v
}

func main() {
	up := Convert([]string{"a", "b"}, strings.ToUpper)
	lens := Convert[string, int]([]string{"abc", "de"}, func(s string) int { return len(s) })
	fmt.Println(up, lens)
	p := Ptr(42)
	s := Ptr("x")
	*p++
	fmt.Println(*p, *s)
	n, ok := First(Names{"ann", "bob"})
	fmt.Println(n, ok)
	_, ok = First([]float64{})
	fmt.Println(ok)
	fmt.Println(Keys(map[string]int{"a": 1, "b": 2}))
	fmt.Println(Apply(3, func(x int) int { return x * 2 }, func(x int) int { return x + 1 }))
	fmt.Println(Apply("go", strings.ToUpper, strings.TrimSpace))
}
