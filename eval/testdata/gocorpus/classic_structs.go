// Structs: literals, zero values, comparison, pointers and copies.
package main

import "fmt"

type Point struct {
	X, Y int
}

type Rect struct {
	Min, Max Point
	Label    string
}

func (r Rect) Area() int {
	return (r.Max.X - r.Min.X) * (r.Max.Y - r.Min.Y)
}

func (r *Rect) Grow(d int) {
	r.Min.X -= d
	r.Min.Y -= d
	r.Max.X += d
	r.Max.Y += d
}

func main() {
	var zero Rect
	fmt.Println(zero, zero.Area(), zero.Label == "")

	r := Rect{Min: Point{1, 2}, Max: Point{4, 6}, Label: "box"}
	fmt.Println(r.Area())

	c := r // copy
	c.Grow(1)
	fmt.Println(r.Min, r.Max, c.Min, c.Max, c.Area())

	p := &r
	p.Max.X = 10
	fmt.Println(r.Max.X, p.Area())

	fmt.Println(Point{1, 2} == Point{1, 2}, Point{1, 2} == Point{2, 1})

	anon := struct {
		Name string
		Age  int
	}{"Ada", 36}
	fmt.Println(anon.Name, anon.Age)

	pts := []Point{{1, 1}, {2, 4}, {3, 9}}
	sum := 0
	for _, pt := range pts {
		sum += pt.Y
	}
	fmt.Println(len(pts), sum)
}
