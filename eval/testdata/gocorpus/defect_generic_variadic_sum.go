// Generic variadic functions with a union constraint (yaegi: "undefined type for T").
package main

import "fmt"

type Num interface {
	~int | ~int64 | ~float64
}

func Sum[T Num](xs ...T) T {
	var total T
	for _, x := range xs {
		total += x
	}
	return total
}

func main() {
	fmt.Println(Sum(1, 2, 3))
	fmt.Println(Sum(1.5, 2.5))
	fmt.Println(Sum[int64]())
}
