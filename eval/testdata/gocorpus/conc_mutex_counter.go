// sync.Mutex and sync.RWMutex protecting shared state; sync/atomic counters.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type SafeMap struct {
	mu sync.RWMutex
	m  map[string]int
}

func (s *SafeMap) Inc(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k]++
}

func (s *SafeMap) Get(k string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[k]
}

func main() {
	sm := &SafeMap{m: map[string]int{}}
	var ops atomic.Int64
	var hits int32
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				sm.Inc([]string{"a", "b"}[i%2])
				ops.Add(1)
				atomic.AddInt32(&hits, 1)
			}
		}(g)
	}
	wg.Wait()
	fmt.Println(sm.Get("a"), sm.Get("b"), ops.Load(), atomic.LoadInt32(&hits))
	var flag atomic.Bool
	fmt.Println(flag.CompareAndSwap(false, true), flag.Load(), flag.CompareAndSwap(false, true))
	var v atomic.Value
	v.Store([]string{"cfg"})
	fmt.Println(v.Load().([]string))
}
