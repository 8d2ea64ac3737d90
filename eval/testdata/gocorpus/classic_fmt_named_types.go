// %v %+v %#v %T on named types, pointers, nested structs, slices and maps of them.
package main

import "fmt"

type Point struct {
	X, Y int
}

type Line struct {
	A, B  Point
	Label string
}

type Celsius float64
type Tags []string
type Registry map[string]int

type Node struct {
	Val  int
	Next *Node
}

func main() {
	p := Point{1, 2}
	fmt.Printf("%v|%+v|%#v|%T\n", p, p, p, p)
	fmt.Printf("%v|%+v|%T\n", &p, &p, &p)
	l := Line{Point{0, 0}, Point{3, 4}, "diag"}
	fmt.Printf("%v\n%+v\n%#v\n", l, l, l)
	fmt.Printf("%T %T %T\n", l, []Point{}, map[string]Point{})
	c := Celsius(21.5)
	fmt.Printf("%v %#v %T\n", c, c, c)
	t := Tags{"a", "b"}
	fmt.Printf("%v %#v %T\n", t, t, t)
	r := Registry{"x": 1}
	fmt.Printf("%v %#v %T\n", r, r, r)
	n := Node{1, nil}
	fmt.Printf("%+v %T\n", n, n.Next)
	fmt.Printf("%#v\n", []Point{{1, 2}, {3, 4}})
	var s fmt.Stringer
	fmt.Printf("%T %v\n", s, s)
	fmt.Printf("%T %T %T %T\n", 1, "s", 2.0, []any{1})
	fmt.Println(fmt.Sprintf("%T", struct{ A int }{1}))
}
