// Go 1.22 loop variables: taking the address of the range variable yields distinct pointers.
package main

import "fmt"

type Item struct {
	Name string
	Qty  int
}

func main() {
	items := []Item{{"a", 1}, {"b", 2}, {"c", 3}}
	var ptrs []*Item
	for _, it := range items {
		ptrs = append(ptrs, &it)
	}
	for _, p := range ptrs {
		fmt.Print(p.Name, p.Qty, " ")
	}
	fmt.Println()
	fmt.Println(ptrs[0] != ptrs[1])

	byName := map[string]*int{}
	for i := 0; i < 3; i++ {
		byName[string(rune('x'+i))] = &i
	}
	fmt.Println(*byName["x"], *byName["y"], *byName["z"])

	// changing through the pointer does not touch the slice element (it is a copy)
	for _, it := range items {
		p := &it
		p.Qty *= 100
	}
	fmt.Println(items)
}
