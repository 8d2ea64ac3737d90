// Iterators that misbehave: yield called after it returned false, or after the loop ended,
// or a body panic swallowed by the iterator: Go panics with runtime errors.
package main

import "fmt"

func Bad(yield func(int) bool) {
	yield(1)
	yield(2) // called again although the loop body returned false
}

var saved func(int) bool

func Keep(yield func(int) bool) {
	saved = yield
	yield(1)
}

func Swallow(yield func(int) bool) {
	defer func() { recover() }()
	yield(1)
}

func try(name string, f func()) {
	defer func() {
		fmt.Println(name+":", recover())
	}()
	f()
}

func main() {
	try("after false", func() {
		for x := range Bad {
			fmt.Println("got", x)
			break
		}
	})
	try("after exit", func() {
		for x := range Keep {
			fmt.Println("kept", x)
		}
		saved(5)
	})
	try("swallowed", func() {
		for x := range Swallow {
			panic(fmt.Sprint("body panic ", x))
		}
	})
	try("fine", func() {
		s := 0
		for x := range Keep {
			s += x
		}
		fmt.Println("sum", s)
	})
}
