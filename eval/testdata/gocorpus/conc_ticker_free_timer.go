// time.AfterFunc and timers used for ordering, with channels (no wall-clock output).
package main

import (
	"fmt"
	"time"
)

func main() {
	done := make(chan string, 3)
	// The gaps are wide so that the order holds on a loaded machine,
	// where interpreting one statement can take tens of milliseconds.
	time.AfterFunc(600*time.Millisecond, func() { done <- "third" })
	time.AfterFunc(1*time.Millisecond, func() { done <- "first" })
	t := time.NewTimer(time.Hour)
	stopped := t.Stop()
	time.AfterFunc(300*time.Millisecond, func() { done <- "second" })
	for i := 0; i < 3; i++ {
		fmt.Println(<-done)
	}
	fmt.Println("stopped:", stopped)
	select {
	case <-time.After(5 * time.Millisecond):
		fmt.Println("timeout fired")
	case <-make(chan int):
		fmt.Println("impossible")
	}
}
