// Range-over-func bodies with break, continue, labeled continue/break and early return.
package main

import "fmt"

func Pairs(n int) func(func(int, int) bool) {
	return func(yield func(int, int) bool) {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if !yield(i, j) {
					return
				}
			}
		}
	}
}

func Words(s []string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, w := range s {
			if !yield(w) {
				fmt.Println("  (iterator stopped early)")
				return
			}
		}
		fmt.Println("  (iterator exhausted)")
	}
}

func firstPairSum(n, target int) (int, int, bool) {
	for i, j := range Pairs(n) {
		if i+j == target {
			return i, j, true
		}
	}
	return 0, 0, false
}

func main() {
	for w := range Words([]string{"a", "skip", "b", "stop", "c"}) {
		if w == "skip" {
			continue
		}
		if w == "stop" {
			break
		}
		fmt.Println(w)
	}
	for w := range Words([]string{"x", "y"}) {
		fmt.Println(w)
	}
	fmt.Println(firstPairSum(5, 5))
	fmt.Println(firstPairSum(3, 10))

outer:
	for i := range 3 {
		for a, b := range Pairs(4) {
			if a == i {
				continue outer
			}
			if b == 3 && i == 2 {
				break outer
			}
			fmt.Print(i, ":", a, b, " ")
		}
	}
	fmt.Println()
}
