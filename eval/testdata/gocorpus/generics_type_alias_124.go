// Generic type aliases (Go 1.24): aliases with type parameters.
package main

import "fmt"

type Set[T comparable] = map[T]struct{}

type Pair[A, B any] struct {
	First  A
	Second B
}

type IntPair[B any] = Pair[int, B]

type List[T any] = []T

func add[T comparable](s Set[T], vs ...T) {
	for _, v := range vs {
		s[v] = struct{}{}
	}
}

func main() {
	s := Set[string]{}
	add(s, "a", "b", "a")
	fmt.Println(len(s))
	var m map[string]struct{} = s // identical types
	_, ok := m["b"]
	fmt.Println(ok)

	p := IntPair[string]{1, "one"}
	var q Pair[int, string] = p
	fmt.Printf("%v %+v\n", p, q)

	var l List[float64] = []float64{1.5, 2.5}
	l = append(l, 3)
	fmt.Println(l, len(l))
}
