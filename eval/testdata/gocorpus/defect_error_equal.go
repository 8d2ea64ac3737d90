// == on interface values holding the program's pointer types (yaegi compares
// its wrappers of them: false where Go says true, or a panic).
package main

import (
	"errors"
	"fmt"
	"io"
)

type T struct{ s string }

func (t *T) Error() string { return t.s }
func (t *T) M()            {}

type I interface {
	Error() string
	M()
}

type V struct{ n int }

func (v V) String() string { return "v" }

var ErrT = &T{"t"}
var ErrU = &T{"u"}

func main() {
	var err error = ErrT
	var err2 error = ErrT
	var erru error = ErrU
	var i I = ErrT
	var a any = ErrT
	var eof error = io.EOF
	var st fmt.Stringer = V{1}
	_ = st
	fmt.Println("A", err == ErrT, err != ErrT, ErrT == err, err == err2, err == erru, err == i, i == ErrT)
	fmt.Println("B", a == ErrT, a == err, err == a, eof == io.EOF, err == io.EOF, eof == nil, err == nil, err != nil)
	e5 := errors.New("x")
	var e6 error = e5
	fmt.Println("D", e5 == e6, error(ErrT) == err, err == error(ErrT))
	errs := []error{ErrT, ErrU, io.EOF}
	for _, e := range errs {
		fmt.Print(e == ErrT, e == io.EOF, " ")
	}
	fmt.Println()
	switch err {
	case ErrU:
		fmt.Println("case ErrU")
	case ErrT:
		fmt.Println("case ErrT")
	default:
		fmt.Println("default")
	}
}

type S struct {
	E error
	N int
}

func init() {
	var a any = ErrT
	var e error = ErrT
	fmt.Println(S{ErrT, 1} == S{e, 1}, S{ErrT, 1} == S{ErrU, 1}, [2]error{ErrT, nil} == [2]error{e, nil})
	fmt.Println(a == 5, any(5) == 5, a != ErrT, e != ErrU)
	switch x := 3; e {
	case nil:
		fmt.Println("nil", x)
	case ErrT:
		fmt.Println("ErrT", x)
	}
	errs := []error{ErrU, e}
	for i, v := range errs {
		if v == ErrT {
			fmt.Println("found", i)
		}
	}
	defer func() { r := recover(); fmt.Println("recovered:", r.(error).Error()) }()
	var f1, f2 any = []int{1}, []int{1}
	fmt.Println(f1 == f2)
}
