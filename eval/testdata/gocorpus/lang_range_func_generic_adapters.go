// Generic iterator adapters (Filter, Map, Take) composed over iter.Seq, the 1.23 way.
package main

import (
	"fmt"
	"iter"
)

func Naturals() iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 1; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func Filter[T any](seq iter.Seq[T], keep func(T) bool) iter.Seq[T] {
	return func(yield func(T) bool) {
		for v := range seq {
			if keep(v) && !yield(v) {
				return
			}
		}
	}
}

func Map[T, U any](seq iter.Seq[T], f func(T) U) iter.Seq[U] {
	return func(yield func(U) bool) {
		for v := range seq {
			if !yield(f(v)) {
				return
			}
		}
	}
}

func Take[T any](seq iter.Seq[T], n int) iter.Seq[T] {
	return func(yield func(T) bool) {
		if n <= 0 {
			return
		}
		i := 0
		for v := range seq {
			if !yield(v) {
				return
			}
			i++
			if i == n {
				return
			}
		}
	}
}

func main() {
	odds := Filter(Naturals(), func(n int) bool { return n%2 == 1 })
	labels := Map(Take(odds, 5), func(n int) string { return fmt.Sprintf("[%d]", n*n) })
	for l := range labels {
		fmt.Print(l)
	}
	fmt.Println()
	count := 0
	for range Take(Naturals(), 0) {
		count++
	}
	fmt.Println(count)
}
