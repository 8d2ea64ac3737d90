// Go 1.23 range over functions: iter.Seq and iter.Seq2 push iterators written by hand.
package main

import (
	"fmt"
	"iter"
)

func Count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func Enumerate[T any](xs []T) iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for i, x := range xs {
			if !yield(i, x) {
				return
			}
		}
	}
}

func Fib() iter.Seq[int] {
	return func(yield func(int) bool) {
		a, b := 0, 1
		for {
			if !yield(a) {
				return
			}
			a, b = b, a+b
		}
	}
}

func main() {
	for i := range Count(4) {
		fmt.Print(i, " ")
	}
	fmt.Println()
	for i, s := range Enumerate([]string{"a", "b"}) {
		fmt.Print(i, "=", s, " ")
	}
	fmt.Println()
	for f := range Fib() {
		if f > 100 {
			break
		}
		fmt.Print(f, " ")
	}
	fmt.Println()
	n := 0
	for range Count(7) {
		n++
	}
	fmt.Println(n)
}
