// Go 1.22 range over integers: plain, with index, typed counts, zero and negative counts.
package main

import "fmt"

type Weekday int

const days Weekday = 7

func main() {
	for i := range 3 {
		fmt.Print(i, " ")
	}
	fmt.Println()

	n := 0
	for range 5 {
		n++
	}
	fmt.Println(n)

	var total int64
	var count int64 = 4
	for i := range count {
		total += i
	}
	fmt.Printf("%d %T\n", total, total)

	for d := range days {
		if d == 5 {
			fmt.Printf("%d %T\n", d, d)
		}
	}

	for i := range 0 {
		fmt.Println("never", i)
	}
	neg := -3
	for range neg {
		fmt.Println("never either")
	}

	grid := [3][4]int{}
	for r := range len(grid) {
		for c := range len(grid[r]) {
			grid[r][c] = r * c
		}
	}
	fmt.Println(grid)
	squares := make([]int, 0, 5)
	for i := range uint8(5) {
		squares = append(squares, int(i*i))
	}
	fmt.Println(squares)
}
