// A program that panics after printing: go run exits 2 with "panic: ..." on stderr.
package main

import "fmt"

type config struct{ port int }

func mustLoad(port int) config {
	if port <= 0 {
		panic(fmt.Sprintf("invalid port %d", port))
	}
	return config{port}
}

func main() {
	fmt.Println("loading")
	c := mustLoad(8080)
	fmt.Println("port", c.port)
	mustLoad(-1)
	fmt.Println("unreachable")
}
