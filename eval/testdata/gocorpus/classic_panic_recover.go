// panic and recover: converting panics to errors, re-panicking, runtime errors.
package main

import (
	"errors"
	"fmt"
)

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	if b == 0 {
		panic("division by zero")
	}
	return a / b, nil
}

func mustPositive(n int) int {
	if n < 0 {
		panic(fmt.Sprintf("negative: %d", n))
	}
	return n
}

func try(f func()) (msg string) {
	defer func() {
		r := recover()
		switch v := r.(type) {
		case nil:
			msg = "ok"
		case error:
			msg = "error: " + v.Error()
		case string:
			msg = "string: " + v
		default:
			msg = fmt.Sprintf("other: %v", v)
		}
	}()
	f()
	return
}

func main() {
	fmt.Println(safeDiv(10, 2))
	fmt.Println(safeDiv(1, 0))
	fmt.Println(try(func() { mustPositive(3) }))
	fmt.Println(try(func() { mustPositive(-3) }))
	fmt.Println(try(func() { panic(errors.New("bad thing")) }))
	fmt.Println(try(func() { panic(42) }))
	fmt.Println(try(func() { panic(fmt.Sprint("nested ", try(func() { panic("inner") }))) }))
}
