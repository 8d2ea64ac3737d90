// slices iterator functions (Go 1.23): All, Values, Backward, Collect, Sorted, SortedFunc, Chunk, AppendSeq.
package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

func main() {
	names := []string{"delta", "alpha", "charlie", "bravo"}
	for i, n := range slices.All(names) {
		fmt.Print(i, ":", n, " ")
	}
	fmt.Println()
	for i, n := range slices.Backward(names) {
		fmt.Print(i, ":", n, " ")
	}
	fmt.Println()
	fmt.Println(slices.Sorted(slices.Values(names)))
	fmt.Println(slices.Collect(slices.Values(names[:2])))
	byLen := slices.SortedFunc(slices.Values(names), func(a, b string) int { return len(a) - len(b) })
	fmt.Println(byLen)
	for c := range slices.Chunk([]int{1, 2, 3, 4, 5, 6, 7}, 3) {
		fmt.Print(c, " ")
	}
	fmt.Println()
	ages := map[string]int{"x": 3, "y": 1, "z": 2}
	keys := slices.Sorted(maps.Keys(ages))
	fmt.Println(keys)
	upper := slices.AppendSeq([]string{"START"}, slices.Values([]string{"a", "b"}))
	fmt.Println(upper, strings.Join(slices.Collect(maps.Keys(map[string]bool{"only": true})), ","))
	fmt.Println(slices.SortedStableFunc(slices.Values([]string{"bb", "a", "cc", "d"}), func(a, b string) int { return len(a) - len(b) }))
}
