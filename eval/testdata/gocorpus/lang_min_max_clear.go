// Go 1.21 builtins min, max and clear.
package main

import "fmt"

func main() {
	fmt.Println(min(3, 1, 2), max(3, 1, 2), min(2.5, 1), max("apple", "pear", "fig"))
	x, y := 10, 20
	fmt.Println(min(x, y), max(x, y, 15))
	const c = min(5, 3.5)
	fmt.Println(c)
	var f32 float32 = max(1.5, 2)
	fmt.Printf("%v %T\n", f32, f32)

	m := map[string]int{"a": 1, "b": 2}
	clear(m)
	fmt.Println(len(m), m == nil)
	m["c"] = 3
	fmt.Println(m)

	s := []int{1, 2, 3}
	clear(s)
	fmt.Println(s, len(s))

	scores := []int{70, 95, 88, 61}
	lo, hi := scores[0], scores[0]
	for _, v := range scores {
		lo, hi = min(lo, v), max(hi, v)
	}
	fmt.Println(lo, hi)
}
