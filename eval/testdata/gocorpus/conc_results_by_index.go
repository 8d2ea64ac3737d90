// Parallel map over a slice writing results by index; panics in workers converted to errors.
package main

import (
	"fmt"
	"strings"
	"sync"
)

func parallelMap(in []string, f func(string) string) ([]string, []error) {
	out := make([]string, len(in))
	errs := make([]error, len(in))
	var wg sync.WaitGroup
	for i, s := range in {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("item %d: %v", i, r)
				}
			}()
			out[i] = f(s)
		}()
	}
	wg.Wait()
	return out, errs
}

func main() {
	out, errs := parallelMap([]string{"go", "", "yaegi", "dpfw"}, func(s string) string {
		if s == "" {
			panic("empty input")
		}
		return strings.ToUpper(s[:1]) + s[1:]
	})
	fmt.Println(out)
	for _, e := range errs {
		if e != nil {
			fmt.Println("error:", e)
		}
	}
}
