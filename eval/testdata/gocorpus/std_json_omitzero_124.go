// encoding/json omitzero (Go 1.24): omits zero structs and values with IsZero.
package main

import (
	"encoding/json"
	"fmt"
	"time"
)

type Window struct {
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitempty"`
}

type Money struct{ Cents int }

func (m Money) IsZero() bool { return m.Cents <= 0 }

type Item struct {
	Name   string   `json:"name"`
	Price  Money    `json:"price,omitzero"`
	Dims   [2]int   `json:"dims,omitzero"`
	Tags   []string `json:"tags,omitzero"`
	Window Window   `json:"window,omitzero"`
}

func main() {
	b, _ := json.Marshal(Item{Name: "empty"})
	fmt.Println(string(b))
	b, _ = json.Marshal(Item{Name: "full", Price: Money{150}, Dims: [2]int{1, 0}, Tags: []string{},
		Window: Window{Start: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}})
	fmt.Println(string(b))
	b, _ = json.Marshal(Item{Name: "negative", Price: Money{-1}})
	fmt.Println(string(b))
}
