// Issue 9 defect: make([]U, 0, len(xs)) inside func Map[T, U any] ("undefined type for U").
package main

import "fmt"

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func main() {
	fmt.Println(Map([]int{1, 2, 3}, func(i int) string { return fmt.Sprint(i * i) }))
	fmt.Println(Map([]string{"a", "bb"}, func(s string) int { return len(s) }))
}
