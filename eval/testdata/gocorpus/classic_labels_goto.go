// Labeled break/continue across nested loops, and goto.
package main

import "fmt"

func findPair(nums []int, target int) (int, int) {
	i, j := -1, -1
outer:
	for a := 0; a < len(nums); a++ {
		for b := a + 1; b < len(nums); b++ {
			if nums[a]+nums[b] == target {
				i, j = a, b
				break outer
			}
		}
	}
	return i, j
}

func primes(limit int) []int {
	var ps []int
next:
	for n := 2; n < limit; n++ {
		for _, p := range ps {
			if n%p == 0 {
				continue next
			}
		}
		ps = append(ps, n)
	}
	return ps
}

func countdown(n int) {
loop:
	if n > 0 {
		fmt.Print(n, " ")
		n--
		goto loop
	}
	fmt.Println("liftoff")
}

func main() {
	fmt.Println(findPair([]int{3, 8, 1, 9, 4}, 13))
	fmt.Println(findPair([]int{1, 2}, 10))
	fmt.Println(primes(40))
	countdown(5)

	matrix := [][]int{{1, 2, 3}, {4, -5, 6}, {7, 8, 9}}
	found := false
search:
	for r, row := range matrix {
		for c, v := range row {
			if v < 0 {
				fmt.Println("negative at", r, c)
				found = true
				break search
			}
		}
	}
	fmt.Println(found)

	i := 0
	for {
		switch {
		case i == 2:
			i++
			continue
		case i > 4:
			goto done
		}
		fmt.Print(i, ";")
		i++
	}
done:
	fmt.Println()
}
