// Generic Map / Filter / Reduce with inference, as people write them.
package main

import (
	"fmt"
	"strconv"
	"strings"
)

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func Reduce[T, A any](xs []T, init A, f func(A, T) A) A {
	acc := init
	for _, x := range xs {
		acc = f(acc, x)
	}
	return acc
}

func main() {
	nums := []int{1, 2, 3, 4, 5, 6}
	squares := Map(nums, func(n int) int { return n * n })
	evens := Filter(squares, func(n int) bool { return n%2 == 0 })
	sum := Reduce(evens, 0, func(a, n int) int { return a + n })
	fmt.Println(squares, evens, sum)

	strs := Map(nums, strconv.Itoa)
	fmt.Println(strings.Join(strs, "+"))
	lens := Map([]string{"go", "rust", "zig"}, func(s string) int { return len(s) })
	fmt.Println(lens)
	joined := Reduce([]string{"a", "b", "c"}, "", func(acc, s string) string { return acc + s + s })
	fmt.Println(joined)
	fmt.Printf("%T %T\n", strs, lens)
}
