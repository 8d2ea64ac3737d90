// Maps: insertion, lookup with ok, delete, counting, sorted iteration.
package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	text := "the quick brown fox jumps over the lazy dog the end"
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[w]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s:%d ", k, counts[k])
	}
	fmt.Println()

	v, ok := counts["cat"]
	fmt.Println(v, ok)
	delete(counts, "the")
	_, ok = counts["the"]
	fmt.Println(len(counts), ok)

	nested := map[string]map[string]int{}
	add := func(a, b string) {
		if nested[a] == nil {
			nested[a] = map[string]int{}
		}
		nested[a][b]++
	}
	add("x", "y")
	add("x", "y")
	add("x", "z")
	fmt.Println(nested["x"]["y"], nested["x"]["z"], len(nested["q"]))

	// fmt prints maps with sorted keys
	fmt.Println(map[int]string{3: "c", 1: "a", 2: "b"})

	type key struct{ r, c int }
	grid := map[key]bool{{0, 0}: true, {1, 2}: true}
	fmt.Println(grid[key{1, 2}], grid[key{2, 1}])
}
