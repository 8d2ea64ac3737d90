// Closures: counters, generators, captured variables, function values.
package main

import (
	"fmt"
	"strings"
)

func counter() (func() int, func()) {
	n := 0
	return func() int { n++; return n }, func() { n = 0 }
}

func fibGen() func() int {
	a, b := 0, 1
	return func() int {
		r := a
		a, b = b, a+b
		return r
	}
}

func compose(fs ...func(string) string) func(string) string {
	return func(s string) string {
		for _, f := range fs {
			s = f(s)
		}
		return s
	}
}

func main() {
	next, reset := counter()
	fmt.Println(next(), next(), next())
	reset()
	fmt.Println(next())

	f := fibGen()
	var fibs []int
	for i := 0; i < 10; i++ {
		fibs = append(fibs, f())
	}
	fmt.Println(fibs)

	shout := compose(strings.TrimSpace, strings.ToUpper, func(s string) string { return s + "!" })
	fmt.Println(shout("  hello  "))

	x := 10
	add := func(d int) { x += d }
	add(5)
	add(-2)
	fmt.Println(x)

	ops := map[string]func(int, int) int{
		"add": func(a, b int) int { return a + b },
		"mul": func(a, b int) int { return a * b },
	}
	fmt.Println(ops["add"](3, 4), ops["mul"](3, 4))
}
