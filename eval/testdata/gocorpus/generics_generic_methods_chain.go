// A generic fluent collection type with chained methods returning the same generic type.
package main

import (
	"fmt"
	"sort"
)

type Seq[T any] struct {
	items []T
}

func From[T any](xs ...T) Seq[T] { return Seq[T]{append([]T(nil), xs...)} }

func (s Seq[T]) Filter(f func(T) bool) Seq[T] {
	var out []T
	for _, x := range s.items {
		if f(x) {
			out = append(out, x)
		}
	}
	return Seq[T]{out}
}

func (s Seq[T]) Take(n int) Seq[T] {
	if n > len(s.items) {
		n = len(s.items)
	}
	return Seq[T]{s.items[:n]}
}

func (s Seq[T]) SortBy(less func(a, b T) bool) Seq[T] {
	out := append([]T(nil), s.items...)
	sort.Slice(out, func(i, j int) bool { return less(out[i], out[j]) })
	return Seq[T]{out}
}

func (s Seq[T]) Slice() []T { return s.items }

type Employee struct {
	Name   string
	Salary int
	Dept   string
}

func main() {
	staff := From(
		Employee{"ann", 120, "eng"}, Employee{"bob", 90, "ops"}, Employee{"cid", 150, "eng"},
		Employee{"dee", 110, "eng"}, Employee{"eve", 95, "ops"},
	)
	top := staff.Filter(func(e Employee) bool { return e.Dept == "eng" }).
		SortBy(func(a, b Employee) bool { return a.Salary > b.Salary }).
		Take(2).Slice()
	fmt.Println(top)
	odd := From(5, 3, 8, 1, 9, 2).Filter(func(n int) bool { return n%2 == 1 }).SortBy(func(a, b int) bool { return a < b })
	fmt.Println(odd.Slice(), len(From[string]().Take(3).Slice()))
}
