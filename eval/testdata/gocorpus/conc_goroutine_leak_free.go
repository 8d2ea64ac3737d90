// Generators that stop cleanly with a done channel; sync.Map for a concurrent cache.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func naturals(done <-chan struct{}) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; ; i++ {
			select {
			case ch <- i:
			case <-done:
				return
			}
		}
	}()
	return ch
}

func main() {
	done := make(chan struct{})
	var firsts []int
	for n := range naturals(done) {
		if n >= 5 {
			break
		}
		firsts = append(firsts, n)
	}
	close(done)
	fmt.Println(firsts)

	var cache sync.Map
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cache.LoadOrStore(i%3, fmt.Sprint("value-", i%3))
		}()
	}
	wg.Wait()
	var keys []int
	cache.Range(func(k, v any) bool {
		keys = append(keys, k.(int))
		return true
	})
	sort.Ints(keys)
	v, _ := cache.Load(2)
	fmt.Println(keys, v)
}
