// Package maps: Clone/Equal/DeleteFunc (1.21) and Keys/Values/All/Collect/Insert iterators (1.23).
package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	stock := map[string]int{"apple": 5, "pear": 0, "fig": 12, "kiwi": 0}
	cp := maps.Clone(stock)
	fmt.Println(maps.Equal(stock, cp))
	maps.DeleteFunc(cp, func(k string, v int) bool { return v == 0 })
	fmt.Println(len(cp), maps.Equal(stock, cp))

	keys := slices.Sorted(maps.Keys(stock))
	fmt.Println(keys)
	vals := slices.Sorted(maps.Values(stock))
	fmt.Println(vals)

	total := 0
	for _, v := range maps.All(stock) {
		total += v
	}
	fmt.Println(total)

	inverted := maps.Collect(func(yield func(int, string) bool) {
		for k, v := range stock {
			if v > 0 && !yield(v, k) {
				return
			}
		}
	})
	fmt.Println(inverted)

	extra := map[string]int{"plum": 4}
	maps.Insert(extra, maps.All(cp))
	fmt.Println(extra)
	fmt.Println(maps.EqualFunc(map[int]string{1: "A"}, map[int]string{1: "a"}, func(a, b string) bool { return len(a) == len(b) }))
	m2 := map[string]int{}
	maps.Copy(m2, map[string]int{"q": 1})
	fmt.Println(m2)
}
