// Slices: append growth, sharing, copy, 3-index slicing, 2D slices.
package main

import "fmt"

func main() {
	var s []int
	fmt.Println(s == nil, len(s), cap(s))
	for i := 0; i < 5; i++ {
		s = append(s, i*i)
	}
	fmt.Println(s, len(s))

	a := []int{1, 2, 3, 4, 5}
	b := a[1:3]
	b[0] = 20
	fmt.Println(a, b, len(b), cap(b))

	c := a[1:3:3]
	c = append(c, 99) // reallocates: a is untouched
	fmt.Println(a, c)

	d := make([]int, 3)
	n := copy(d, a)
	fmt.Println(n, d)

	// delete element at index 2
	e := []string{"a", "b", "c", "d"}
	e = append(e[:2], e[3:]...)
	fmt.Println(e, len(e))

	grid := make([][]rune, 3)
	for i := range grid {
		grid[i] = []rune("...")
	}
	grid[1][1] = '#'
	for _, row := range grid {
		fmt.Println(string(row))
	}

	// reverse in place
	r := []int{1, 2, 3, 4, 5, 6}
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	fmt.Println(r)
}
