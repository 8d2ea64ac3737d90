// The pre-1.22 idiom v := v inside a loop body gives each closure its own copy.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type handler func() string

func main() {
	var handlers []handler
	for _, name := range []string{"users", "orders", "items"} {
		name := name
		handlers = append(handlers, func() string { return "GET /" + name })
	}
	for _, h := range handlers {
		fmt.Println(h())
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	var got []int
	for i := 0; i < 4; i++ {
		n := i * i
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			got = append(got, n)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Ints(got)
	fmt.Println(got)
}
