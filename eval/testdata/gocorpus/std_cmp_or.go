// Package cmp: Compare, Less and Or (Go 1.22) for multi-key sorting and defaults.
package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

type Order struct {
	Customer string
	Total    float64
	ID       int
}

func main() {
	orders := []Order{
		{"bob", 30, 3}, {"amy", 30, 1}, {"bob", 12.5, 2}, {"amy", 99, 4}, {"cal", 30, 5},
	}
	slices.SortFunc(orders, func(a, b Order) int {
		return cmp.Or(
			cmp.Compare(b.Total, a.Total),
			cmp.Compare(a.Customer, b.Customer),
			cmp.Compare(a.ID, b.ID),
		)
	})
	for _, o := range orders {
		fmt.Println(o.ID, o.Customer, o.Total)
	}
	fmt.Println(cmp.Or("", "", "fallback"), cmp.Or(0, 7, 9), cmp.Or[string]())
	fmt.Println(cmp.Compare(math.NaN(), 1.0), cmp.Compare(2, 2), cmp.Less(1.5, 2))
	port := cmp.Or(0, 8080)
	fmt.Println("port", port)
}
