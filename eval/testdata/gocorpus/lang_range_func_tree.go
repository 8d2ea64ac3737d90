// A recursive in-order tree iterator (range over func) with early exit.
package main

import "fmt"

type Tree struct {
	Left, Right *Tree
	Val         int
}

func (t *Tree) All(yield func(int) bool) bool {
	if t == nil {
		return true
	}
	return t.Left.All(yield) && yield(t.Val) && t.Right.All(yield)
}

func (t *Tree) Values() func(func(int) bool) {
	return func(yield func(int) bool) { t.All(yield) }
}

func insert(t *Tree, v int) *Tree {
	if t == nil {
		return &Tree{Val: v}
	}
	if v < t.Val {
		t.Left = insert(t.Left, v)
	} else {
		t.Right = insert(t.Right, v)
	}
	return t
}

func main() {
	var root *Tree
	for _, v := range []int{8, 3, 10, 1, 6, 14, 4, 7, 13} {
		root = insert(root, v)
	}
	for v := range root.Values() {
		fmt.Print(v, " ")
	}
	fmt.Println()
	sum := 0
	for v := range root.Values() {
		if v > 7 {
			break
		}
		sum += v
	}
	fmt.Println("sum below 8:", sum)
}
