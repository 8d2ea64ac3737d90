// A nil *T of the program's type in error is not a nil error (the Go
// gotcha): yaegi made it a nil interface (true where Go says false), so
// the front end refuses the conversion of such a nil, with kind
// unsupported, when it happens; the same conversions of values that are
// not nil run as Go runs them. And an any holding the program's *T
// asserted to error gave a nil error with ok true.
package main

import (
	"errors"
	"fmt"
)

type MyErr struct{ op string }

func (e *MyErr) Error() string { return "failed: " + e.op }

func check(op string, fail bool) error {
	var p *MyErr
	if fail {
		p = &MyErr{op}
	}
	if p == nil {
		return nil // the right way: the untyped nil
	}
	return p
}

func find(fail bool) *MyErr {
	if fail {
		return &MyErr{"find"}
	}
	return nil
}

func main() {
	fmt.Println(check("a", false) == nil, check("b", true) == nil, check("b", true))
	var box any = &MyErr{"box"}
	err, ok := box.(error)
	fmt.Println(err == nil, ok, err)
	fmt.Println(box.(error))
	var target *MyErr
	fmt.Println(errors.As(check("c", true), &target), target.op)
	var e error = find(true)
	fmt.Println(e == nil, e)
	e = find(false) // Go: e holds a nil *MyErr, e != nil
	fmt.Println("not reached in dpfw:", e == nil, e != nil)
}
