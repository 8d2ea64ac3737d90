// sync.WaitGroup.Go (Go 1.25): start goroutines without Add/Done bookkeeping.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	results := make([]int, 5)
	for i := range 5 {
		wg.Go(func() {
			results[i] = i * i
		})
	}
	wg.Wait()
	fmt.Println(results)

	var mu sync.Mutex
	total := 0
	for _, chunk := range [][]int{{1, 2, 3}, {4, 5}, {6}} {
		wg.Go(func() {
			s := 0
			for _, v := range chunk {
				s += v
			}
			mu.Lock()
			total += s
			mu.Unlock()
		})
	}
	wg.Wait()
	fmt.Println(total)
}
