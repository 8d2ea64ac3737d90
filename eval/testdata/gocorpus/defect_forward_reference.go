// Issue 9 defect: functions calling functions declared further down the file (isEven/isOdd).
package main

import "fmt"

func isEven(n int) bool {
	if n == 0 {
		return true
	}
	return isOdd(n - 1)
}

func isOdd(n int) bool {
	if n == 0 {
		return false
	}
	return isEven(n - 1)
}

func main() {
	for _, n := range []int{0, 1, 10, 7} {
		fmt.Println(n, isEven(n), isOdd(n))
	}
	fmt.Println(describe(3))
}

func describe(n int) string {
	return fmt.Sprintf("%d is %s", n, parity(n))
}

func parity(n int) string {
	if isEven(n) {
		return "even"
	}
	return "odd"
}
