// select: default case, multiple ready channels drained in order, nil channels, closed channels.
package main

import "fmt"

func main() {
	ch := make(chan int, 1)
	select {
	case v := <-ch:
		fmt.Println("got", v)
	default:
		fmt.Println("nothing ready")
	}
	ch <- 1
	select {
	case v := <-ch:
		fmt.Println("got", v)
	default:
		fmt.Println("nothing ready")
	}

	a := make(chan string)
	b := make(chan string)
	go func() {
		for _, s := range []string{"a1", "a2"} {
			a <- s
		}
		close(a)
	}()
	go func() {
		for _, s := range []string{"b1", "b2", "b3"} {
			b <- s
		}
		close(b)
	}()
	var fromA, fromB []string
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			fromA = append(fromA, v)
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			fromB = append(fromB, v)
		}
	}
	fmt.Println(fromA, fromB)

	done := make(chan struct{})
	close(done)
	v, ok := <-done
	fmt.Println(v, ok)
}
