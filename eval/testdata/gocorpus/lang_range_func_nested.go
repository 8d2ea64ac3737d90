// Nested range-over-func loops: labelled break/continue across levels, goto out of a body,
// return with several and named results from an inner body, defers in nested bodies, = forms.
package main

import (
	"fmt"
)

func Count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func Pairs(n int) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for i := 0; i < n; i++ {
			if !yield(i, fmt.Sprint("p", i)) {
				return
			}
		}
	}
}

func Ticks(n int) func(func() bool) {
	return func(yield func() bool) {
		for range n {
			if !yield() {
				return
			}
		}
	}
}

func find(n, want int) (int, int, error) {
	for i := range Count(n) {
		for j := range Count(n) {
			if i*j == want {
				return i, j, nil
			}
		}
	}
	return -1, -1, fmt.Errorf("no %d", want)
}

func named(n int) (sum int, last string) {
	defer func() { sum *= 10 }()
	for i, s := range Pairs(n) {
		sum += i
		last = s
		if i == 2 {
			return
		}
	}
	return sum, "end"
}

func deferNested() {
	defer fmt.Println("outer defer (runs last)")
	for i := range Count(2) {
		defer fmt.Println("defer i", i)
		for j := range Count(2) {
			x := i*10 + j
			defer fmt.Println("defer x", x)
		}
	}
	fmt.Println("deferNested body done")
}

func gotos() {
	n := 0
again:
	n++
	for i := range Count(5) {
		if i == n {
			fmt.Println("goto again at", i)
			goto again
		}
		if n == 3 {
			goto done
		}
	}
	fmt.Println("not reached unless n>=5")
done:
	fmt.Println("done n =", n)
}

func main() {
	fmt.Println(find(5, 6))
	fmt.Println(find(3, 7))
	fmt.Println(named(5))
	fmt.Println(named(2))

outer:
	for i := range Count(4) {
	middle:
		for j, s := range Pairs(4) {
			for range Ticks(3) {
				if j == 1 {
					continue middle
				}
				if j == 2 && i == 1 {
					continue outer
				}
				if i == 3 {
					break outer
				}
				if j == 3 {
					break middle
				}
				fmt.Print(i, s, " ")
				break
			}
		}
		fmt.Println("| end of i", i)
	}
	fmt.Println()

	// A plain for loop around a range-over-func loop, labelled.
loop:
	for k := 0; k < 5; k++ {
		for v := range Count(10) {
			if v > k {
				continue loop
			}
			if k == 3 {
				break loop
			}
			fmt.Print(k, v, " ")
		}
	}
	fmt.Println()

	// Assignment form and a switch inside the body.
	var a int
	var b string
	for a, b = range Pairs(3) {
		switch a {
		case 1:
			continue
		default:
			fmt.Print(a, b, ";")
		}
	}
	fmt.Println(" last", a, b)

	// Closures capture each iteration's variables.
	var fs []func() int
	for i := range Count(3) {
		fs = append(fs, func() int { return i * i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	deferNested()
	gotos()
}
