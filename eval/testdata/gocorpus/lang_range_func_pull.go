// iter.Pull turns a push iterator into next/stop functions: merging two sorted sequences.
package main

import (
	"fmt"
	"iter"
)

func FromSlice(xs []int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, x := range xs {
			if !yield(x) {
				return
			}
		}
	}
}

func Merge(a, b iter.Seq[int]) iter.Seq[int] {
	return func(yield func(int) bool) {
		na, stopA := iter.Pull(a)
		defer stopA()
		nb, stopB := iter.Pull(b)
		defer stopB()
		va, okA := na()
		vb, okB := nb()
		for okA || okB {
			if okA && (!okB || va <= vb) {
				if !yield(va) {
					return
				}
				va, okA = na()
			} else {
				if !yield(vb) {
					return
				}
				vb, okB = nb()
			}
		}
	}
}

func main() {
	var out []int
	for v := range Merge(FromSlice([]int{1, 4, 9, 10}), FromSlice([]int{2, 3, 11})) {
		out = append(out, v)
	}
	fmt.Println(out)
	next, stop := iter.Pull(FromSlice([]int{7, 8}))
	v1, ok1 := next()
	stop()
	v2, ok2 := next()
	fmt.Println(v1, ok1, v2, ok2)
}
