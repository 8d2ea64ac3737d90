// Issue 9 defect: new(expr) (Go 1.26) must hold the value (yaegi gave zero values).
package main

import "fmt"

type Opts struct {
	Timeout *int
	Name    *string
}

func main() {
	o := Opts{Timeout: new(30), Name: new("default")}
	fmt.Println(*o.Timeout, *o.Name)
	x := 5
	p := new(x * 2)
	x = 0
	fmt.Println(*p, x)
}
