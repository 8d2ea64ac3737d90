// Recovering runtime errors and printing them, as servers do.
package main

import (
	"fmt"
	"runtime"
)

func protect(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			_, isRuntime := r.(runtime.Error)
			fmt.Printf("%s: recovered %v (runtime error: %v)\n", name, r, isRuntime)
		}
	}()
	f()
	fmt.Println(name + ": ok")
}

func main() {
	protect("index", func() {
		s := []int{1, 2, 3}
		i := 5
		fmt.Println(s[i])
	})
	protect("nil map", func() {
		var m map[string]int
		m["x"] = 1
	})
	protect("divide", func() {
		a, b := 1, 0
		fmt.Println(a / b)
	})
	protect("nil pointer", func() {
		var p *struct{ X int }
		fmt.Println(p.X)
	})
	protect("assertion", func() {
		var v any = "str"
		fmt.Println(v.(int))
	})
	protect("fine", func() {})
}
