// defer: LIFO order, arguments evaluated at the defer statement, named results.
package main

import "fmt"

func trace(name string) func() {
	fmt.Println("enter", name)
	return func() { fmt.Println("leave", name) }
}

func work() {
	defer trace("work")()
	for i := 0; i < 3; i++ {
		defer fmt.Println("deferred", i)
	}
	fmt.Println("working")
}

func double(x int) (result int) {
	defer func() { result *= 2 }()
	return x + 1
}

func argsEvaluatedEarly() {
	x := 1
	defer fmt.Println("x at defer:", x)
	x = 100
	fmt.Println("x now:", x)
}

type res struct{ name string }

func (r *res) Close() { fmt.Println("close", r.name) }

func open(names ...string) {
	for _, n := range names {
		r := &res{n}
		defer r.Close()
	}
	fmt.Println("opened", len(names))
}

func main() {
	work()
	fmt.Println(double(4))
	argsEvaluatedEarly()
	open("a", "b", "c")
}
