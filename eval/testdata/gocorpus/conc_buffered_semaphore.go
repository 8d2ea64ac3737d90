// A buffered channel as a semaphore bounding concurrency; max in-flight measured with atomics.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	const limit = 2
	sem := make(chan struct{}, limit)
	var inFlight, peak atomic.Int32
	var wg sync.WaitGroup
	out := make([]string, 6)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			out[i] = fmt.Sprintf("task%d", i)
			inFlight.Add(-1)
		}()
	}
	wg.Wait()
	fmt.Println(out)
	fmt.Println("peak within limit:", peak.Load() <= limit, "cap:", cap(sem), "len:", len(sem))
}
