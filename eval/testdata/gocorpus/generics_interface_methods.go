// Constraints with methods: a generic function over types implementing Stringer-like interfaces.
package main

import (
	"fmt"
	"strings"
)

type Shape interface {
	Area() float64
	Name() string
}

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }

func (r Rect) Area() float64   { return r.W * r.H }
func (r Rect) Name() string    { return "rect" }
func (c Circle) Area() float64 { return 3 * c.R * c.R }
func (c Circle) Name() string  { return "circle" }

func Largest[S Shape](shapes []S) S {
	var best S
	for i, s := range shapes {
		if i == 0 || s.Area() > best.Area() {
			best = s
		}
	}
	return best
}

type Labeler interface {
	comparable
	Label() string
}

type ID int

func (i ID) Label() string { return fmt.Sprintf("#%d", int(i)) }

func Labels[T Labeler](xs []T, skip T) string {
	var parts []string
	for _, x := range xs {
		if x != skip {
			parts = append(parts, x.Label())
		}
	}
	return strings.Join(parts, " ")
}

type Numeric interface{ ~int | ~float64 }

type Scaler[T Numeric] interface {
	Scale(T) T
}

type doubler int

func (d doubler) Scale(x int) int { return x * int(d) }

func ScaleAll[T Numeric, S Scaler[T]](s S, xs []T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = s.Scale(x)
	}
	return out
}

func main() {
	rs := []Rect{{1, 2}, {3, 1}, {2, 2}}
	fmt.Println(Largest(rs))
	mixed := []Shape{Rect{1, 1}, Circle{1}, Rect{2, 1}}
	l := Largest(mixed)
	fmt.Println(l.Name(), l.Area())
	fmt.Println(Labels([]ID{1, 2, 3, 2}, 2))
	fmt.Println(ScaleAll[int](doubler(3), []int{1, 2, 3}))
}
