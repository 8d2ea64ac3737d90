// Closures capturing range-over-func and range-over-int variables keep per-iteration values.
package main

import (
	"fmt"
	"slices"
)

func main() {
	var fs []func() string
	for i, s := range slices.All([]string{"x", "y", "z"}) {
		fs = append(fs, func() string { return fmt.Sprint(i, s) })
	}
	for i := range 3 {
		fs = append(fs, func() string { return fmt.Sprint("n", i) })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}
