// Unbuffered channels synchronize two goroutines taking turns: a deterministic ping-pong.
package main

import "fmt"

type ball struct{ hits int }

func player(name string, table chan *ball, done chan<- string, max int) {
	for b := range table {
		b.hits++
		fmt.Println(name, b.hits)
		if b.hits >= max {
			done <- name
			return
		}
		table <- b
	}
}

func main() {
	table := make(chan *ball)
	done := make(chan string)
	go player("ping", table, done, 6)
	go player("pong", table, done, 6)
	table <- &ball{}
	winner := <-done
	fmt.Println("last hit by", winner)
}
