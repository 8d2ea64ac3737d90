// Context cancellation stops a pipeline of goroutines; errors are reported deterministically.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

func produce(ctx context.Context, out chan<- int) error {
	defer close(out)
	for i := 1; ; i++ {
		select {
		case out <- i:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	nums := make(chan int)
	var wg sync.WaitGroup
	var perr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		perr = produce(ctx, nums)
	}()
	sum := 0
	for n := range nums {
		sum += n
		if n == 10 {
			cancel()
			break
		}
	}
	for range nums { // drain until the producer notices
	}
	wg.Wait()
	fmt.Println(sum, perr, errors.Is(perr, context.Canceled))

	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	select {
	case <-ctx2.Done():
		fmt.Println("already done:", ctx2.Err())
	default:
		fmt.Println("not done")
	}
	ctx3, cancel3 := context.WithTimeout(context.Background(), 0)
	defer cancel3()
	<-ctx3.Done()
	fmt.Println(ctx3.Err(), errors.Is(ctx3.Err(), context.DeadlineExceeded))
}
