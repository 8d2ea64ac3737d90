// Loop variables captured by deferred closures inside a function with a loop (Go 1.22 semantics).
package main

import "fmt"

func cleanup() {
	for i := 0; i < 3; i++ {
		defer func() { fmt.Println("cleanup", i) }()
	}
	fmt.Println("work done")
}

func collect() []func() string {
	var fs []func() string
	names := []string{"alpha", "beta"}
	for i, n := range names {
		fs = append(fs, func() string { return fmt.Sprint(i, n) })
	}
	return fs
}

func main() {
	cleanup()
	for _, f := range collect() {
		fmt.Println(f())
	}
}
