// Values of the program held in an any, asserted to the program's
// interface: yaegi said false for a value (not a pointer).
package main

import "fmt"

type Named interface{ String() string }
type Mine struct{ n int }

func (Mine) String() string { return "mine" }

type P struct{ s string }

func (p *P) String() string { return p.s }

func check(a any) {
	n, ok := a.(Named)
	fmt.Println(ok, n != nil)
	switch v := a.(type) {
	case Named:
		fmt.Println("named", v.String())
	case nil:
		fmt.Println("nil")
	default:
		fmt.Println("default")
	}
}

func main() {
	var a any = Mine{1}
	_, ok := a.(Named)
	_, ok2 := any(3).(Named)
	fmt.Println(ok, ok2)
	check(Mine{2})
	check(&P{"p"})
	check(nil)
	check(4)
}
