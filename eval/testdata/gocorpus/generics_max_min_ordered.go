// cmp.Ordered constraints: generic Max/Min/Clamp/SortedInsert over ints, floats and strings.
package main

import (
	"cmp"
	"fmt"
)

func Max[T cmp.Ordered](a T, rest ...T) T {
	m := a
	for _, v := range rest {
		if v > m {
			m = v
		}
	}
	return m
}

func Clamp[T cmp.Ordered](v, lo, hi T) T {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func InsertSorted[T cmp.Ordered](xs []T, v T) []T {
	i := 0
	for i < len(xs) && xs[i] < v {
		i++
	}
	xs = append(xs, v)
	copy(xs[i+1:], xs[i:])
	xs[i] = v
	return xs
}

type Version string

func main() {
	fmt.Println(Max(3, 9, 2), Max(2.5, -1), Max("pear", "apple", "zoo"))
	fmt.Println(Clamp(15, 0, 10), Clamp(-0.5, 0, 1), Clamp("m", "a", "k"))
	var xs []int
	for _, v := range []int{5, 1, 4, 2, 3} {
		xs = InsertSorted(xs, v)
	}
	fmt.Println(xs)
	fmt.Println(Max(Version("1.2"), Version("1.10")), cmp.Compare(2, 3), cmp.Less("b", "a"))
}
