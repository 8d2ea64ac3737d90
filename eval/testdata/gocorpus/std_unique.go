// Package unique (Go 1.23): canonicalized handles compare by pointer.
package main

import (
	"fmt"
	"strings"
	"unique"
)

type Key struct {
	Host string
	Port int
}

func main() {
	a := unique.Make("hello")
	b := unique.Make(strings.ToLower("HELLO"))
	c := unique.Make("world")
	fmt.Println(a == b, a == c, a.Value(), c.Value())

	k1 := unique.Make(Key{"localhost", 80})
	k2 := unique.Make(Key{"localhost", 80})
	fmt.Println(k1 == k2, k1.Value().Port)

	seen := map[unique.Handle[string]]int{}
	for _, w := range strings.Fields("a b a c b a") {
		seen[unique.Make(w)]++
	}
	fmt.Println(len(seen), seen[unique.Make("a")])
}
