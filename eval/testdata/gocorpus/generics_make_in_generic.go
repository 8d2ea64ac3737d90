// Allocation with type parameters: make([]U, 0, n), make(map[K]V), new(T), composite literals of T.
package main

import "fmt"

func GroupBy[T any, K comparable](xs []T, key func(T) K) map[K][]T {
	out := make(map[K][]T, len(xs))
	for _, x := range xs {
		k := key(x)
		out[k] = append(out[k], x)
	}
	return out
}

func Repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func Chunk[T any](xs []T, size int) [][]T {
	out := make([][]T, 0, (len(xs)+size-1)/size)
	for size < len(xs) {
		xs, out = xs[size:], append(out, xs[0:size:size])
	}
	return append(out, xs)
}

func NewOf[T any]() *T { return new(T) }

type Point struct{ X, Y int }

func main() {
	g := GroupBy([]string{"apple", "avocado", "banana", "blueberry", "cherry"}, func(s string) byte { return s[0] })
	fmt.Println(len(g), g['a'], g['b'], g['c'])
	fmt.Println(Repeat("ab", 3), Repeat(Point{1, 2}, 2))
	fmt.Println(Chunk([]int{1, 2, 3, 4, 5, 6, 7}, 3))
	p := NewOf[Point]()
	p.X = 5
	fmt.Println(*p, *NewOf[int](), *NewOf[[]string]() == nil)
}
