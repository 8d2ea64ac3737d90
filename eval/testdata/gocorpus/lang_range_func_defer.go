// defer inside a range-over-func body runs when the enclosing function returns, not per iteration.
package main

import "fmt"

func Items(xs ...string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, x := range xs {
			if !yield(x) {
				return
			}
		}
	}
}

func process() (log []string) {
	defer func() { log = append(log, "process done") }()
	for it := range Items("a", "b", "c") {
		defer func() { log = append(log, "deferred "+it) }()
		log = append(log, "body "+it)
		if it == "b" {
			return append(log, "returning at b")
		}
	}
	return append(log, "unreachable")
}

func withPanic() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint("recovered: ", r)
		}
	}()
	for it := range Items("p", "q") {
		if it == "q" {
			panic("bad item " + it)
		}
	}
	return "no panic"
}

func main() {
	for _, l := range process() {
		fmt.Println(l)
	}
	fmt.Println(withPanic())
}
