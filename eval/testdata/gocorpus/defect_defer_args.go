// Issue 9 defect: defer f(x) and go f(x) evaluate x at the statement, not when the call runs.
package main

import (
	"fmt"
	"sync"
)

func show(label string, v int) { fmt.Println(label, v) }

type T struct{ n int }

func (t T) print() { fmt.Println("value receiver", t.n) }

func main() {
	x := 1
	defer show("deferred x", x)
	x = 2
	defer show("deferred x again", x*10)
	t := T{5}
	defer t.print()
	t.n = 6

	var wg sync.WaitGroup
	out := make(chan int, 1)
	y := 7
	wg.Add(1)
	go func(v int) {
		defer wg.Done()
		out <- v
	}(y)
	y = 8
	wg.Wait()
	fmt.Println("go arg", <-out, "y now", y)

	s := []int{1, 2, 3}
	defer fmt.Println("slice at defer", len(s), s[0])
	s[0] = 100
	s = append(s, 4)
	fmt.Println("main ends", x)
}
