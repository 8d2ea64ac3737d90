// Variable shadowing in if/else chains, loops and closures.
package main

import (
	"errors"
	"fmt"
)

func find(ok bool) (string, error) {
	if ok {
		return "found", nil
	}
	return "", errors.New("missing")
}

func main() {
	x := 1
	{
		x := 2
		x++
		fmt.Println("inner", x)
	}
	fmt.Println("outer", x)

	if x := 10; x > 5 {
		fmt.Println("if", x)
	} else {
		fmt.Println("else", x)
	}
	fmt.Println("after if", x)

	var err error
	if v, err := find(false); err != nil {
		fmt.Println("shadowed err:", err, v == "")
	}
	fmt.Println("outer err still nil:", err == nil)

	v, err := find(true)
	fmt.Println(v, err)

	n := 0
	for n := 0; n < 3; n++ {
		_ = n
	}
	fmt.Println("n", n)

	fmt := "shadowed package name"
	_ = fmt
	println2(len(fmt))
}

func println2(n int) { fmt.Println("len", n) }
