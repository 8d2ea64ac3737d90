// Constraints with ~ and unions; generic numeric functions over named types.
package main

import "fmt"

type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

type Float interface {
	~float32 | ~float64
}

type Number interface {
	Integer | Float
}

func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Average[T Number](xs []T) float64 {
	if len(xs) == 0 {
		return 0
	}
	return float64(Sum(xs...)) / float64(len(xs))
}

func Abs[T Integer | Float](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

type Meters float64
type Score int32

func main() {
	fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.25), Sum[int8]())
	fmt.Println(Sum(Meters(1.5), Meters(2)), Sum([]Score{10, 20, 30}...))
	fmt.Printf("%.2f %.2f\n", Average([]int{1, 2, 4}), Average([]Meters{}))
	fmt.Println(Abs(-3), Abs(Meters(-2.5)), Abs(int64(7)))
	fmt.Printf("%T %T\n", Sum(Meters(1)), Abs(Score(-1)))
}
