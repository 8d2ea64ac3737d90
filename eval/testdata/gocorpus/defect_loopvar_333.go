// Issue 9 defect: closures over a loop variable must print 0 1 2 (Go 1.22), not 3 3 3.
package main

import "fmt"

func main() {
	var prints []func()
	for i := 0; i < 3; i++ {
		prints = append(prints, func() { fmt.Print(i, " ") })
	}
	for _, p := range prints {
		p()
	}
	fmt.Println()
}
