// Interfaces: implicit satisfaction, type assertions, nil interfaces.
package main

import (
	"fmt"
	"math"
)

type Shape interface {
	Area() float64
	Perimeter() float64
}

type Circle struct{ R float64 }
type Square struct{ S float64 }

func (c Circle) Area() float64      { return math.Pi * c.R * c.R }
func (c Circle) Perimeter() float64 { return 2 * math.Pi * c.R }
func (s Square) Area() float64      { return s.S * s.S }
func (s Square) Perimeter() float64 { return 4 * s.S }
func (s Square) Diagonal() float64  { return s.S * math.Sqrt2 }

type Diagonaler interface{ Diagonal() float64 }

func describe(s Shape) string {
	out := fmt.Sprintf("area=%.2f perim=%.2f", s.Area(), s.Perimeter())
	if d, ok := s.(Diagonaler); ok {
		out += fmt.Sprintf(" diag=%.3f", d.Diagonal())
	}
	return out
}

func main() {
	shapes := []Shape{Circle{1}, Square{2}, Circle{0.5}}
	total := 0.0
	for _, s := range shapes {
		fmt.Println(describe(s))
		total += s.Area()
	}
	fmt.Printf("total %.4f\n", total)

	var s Shape
	fmt.Println(s == nil)
	s = Square{3}
	if sq, ok := s.(Square); ok {
		fmt.Println("square side", sq.S)
	}
	_, isCircle := s.(Circle)
	fmt.Println("circle?", isCircle)

	var any1 interface{} = 42
	var any2 any = "hi"
	fmt.Println(any1, any2, any1 == 42, any2 == "hi")
}
