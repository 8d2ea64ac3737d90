// Issue 9 defect: goroutines indexing with the loop variable (a shared variable would index out of range).
package main

import (
	"fmt"
	"sync"
)

func main() {
	words := []string{"alpha", "beta", "gamma"}
	lengths := make([]int, len(words))
	var wg sync.WaitGroup
	for i := 0; i < len(words); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lengths[i] = len(words[i])
		}()
	}
	wg.Wait()
	fmt.Println(lengths)
}
