// Issue 9 defect: %T and %#v must print main.Point, not struct { X int; Y int }.
package main

import "fmt"

type Point struct{ X, Y int }
type Polygon []Point
type ID string

func main() {
	p := Point{1, 2}
	fmt.Printf("%T\n", p)
	fmt.Printf("%#v\n", p)
	fmt.Printf("%T %T %T\n", &p, Polygon{p}, ID("x"))
	fmt.Printf("%#v\n", Polygon{p})
	var v any = p
	switch v.(type) {
	case Point:
		fmt.Println("type switch sees Point")
	default:
		fmt.Println("type switch missed Point")
	}
	fmt.Println(fmt.Sprintf("%v|%+v", p, p))
}
