// errors.AsType (Go 1.26): the generic form of errors.As.
package main

import (
	"errors"
	"fmt"
	"strconv"
)

type NotFound struct{ Key string }

func (e NotFound) Error() string { return "not found: " + e.Key }

func get(k string) error {
	if k == "" {
		_, err := strconv.Atoi("x")
		return fmt.Errorf("get: %w", err)
	}
	return fmt.Errorf("get: %w", NotFound{k})
}

func main() {
	if nf, ok := errors.AsType[NotFound](get("user:1")); ok {
		fmt.Println("missing key", nf.Key)
	}
	if ne, ok := errors.AsType[*strconv.NumError](get("")); ok {
		fmt.Println("num error in", ne.Func)
	}
	_, ok := errors.AsType[NotFound](get(""))
	fmt.Println(ok)
}
