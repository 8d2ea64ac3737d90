// panic with an error value from a nested call; deferred prints run before the crash.
package main

import (
	"errors"
	"fmt"
)

var ErrCorrupt = errors.New("corrupt record")

func parse(recs []string) int {
	defer fmt.Println("parse: cleanup")
	n := 0
	for _, r := range recs {
		if r == "" {
			panic(fmt.Errorf("record %d: %w", n, ErrCorrupt))
		}
		n++
	}
	return n
}

func main() {
	fmt.Println(parse([]string{"a", "b"}))
	fmt.Println(parse([]string{"a", "", "c"}))
}
