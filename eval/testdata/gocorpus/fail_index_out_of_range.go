// A runtime error that is not recovered: index out of range after some output.
package main

import "fmt"

func main() {
	xs := []int{1, 2, 3}
	for i := 0; i <= len(xs); i++ {
		fmt.Println("item", xs[i])
	}
}
