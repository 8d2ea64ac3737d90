// Issue 9 defect: sync.WaitGroup.Go (Go 1.25) must run the function (yaegi gave zero values).
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var wg sync.WaitGroup
	var n atomic.Int32
	for i := 0; i < 10; i++ {
		wg.Go(func() { n.Add(int32(i)) })
	}
	wg.Wait()
	fmt.Println(n.Load())
}
