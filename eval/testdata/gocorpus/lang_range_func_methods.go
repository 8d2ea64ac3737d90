// Iterator methods on a user collection (All, Backward, Keys) ranged over with for-range.
package main

import (
	"fmt"
	"iter"
	"sort"
)

type Inventory struct {
	items map[string]int
}

func (inv *Inventory) All() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		keys := make([]string, 0, len(inv.items))
		for k := range inv.items {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k, inv.items[k]) {
				return
			}
		}
	}
}

func (inv *Inventory) LowStock(limit int) iter.Seq[string] {
	return func(yield func(string) bool) {
		for name, qty := range inv.All() {
			if qty < limit && !yield(name) {
				return
			}
		}
	}
}

type Ring []int

func (r Ring) Backward() iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for i := len(r) - 1; i >= 0; i-- {
			if !yield(i, r[i]) {
				return
			}
		}
	}
}

func main() {
	inv := &Inventory{items: map[string]int{"bolts": 40, "nuts": 3, "gears": 7, "belts": 1}}
	for name, qty := range inv.All() {
		fmt.Printf("%-6s %3d\n", name, qty)
	}
	var low []string
	for name := range inv.LowStock(5) {
		low = append(low, name)
	}
	fmt.Println("low:", low)
	for i, v := range (Ring{10, 20, 30}).Backward() {
		fmt.Print(i, "->", v, " ")
	}
	fmt.Println()
}
