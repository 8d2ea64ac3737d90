// %T and %#v of generic types and of iter.Seq: go run prints main.List[int],
// iter.Seq[int] (the front end runs copies under hidden names).
package main

import (
	"fmt"
	"iter"
	"slices"
)

type List[T any] struct{ xs []T }
type Pair[K comparable, V any] struct {
	K K
	V V
}

func main() {
	var s iter.Seq[int] = slices.Values([]int{1, 2})
	fmt.Printf("%T\n", s)
	fmt.Printf("%T\n", List[iter.Seq[int]]{})
	fmt.Printf("%T %T\n", List[int]{}, &Pair[string, List[bool]]{})
	fmt.Printf("%#v\n", Pair[string, int]{"a", 1})
}
