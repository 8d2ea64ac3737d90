// Parallel: fan tasks out over idle slaves and collect the results in
// order.
//
// The dpfw original:
//
//	(dpfw-parallel `(((lambda (i o) (+ 2 1)) ,read-result)
//	                 ((lambda (i o) (+ 5 5)) ,read-result)))  ; ==> (3 10)
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/dpfw/dpfw/examples/internal/demo"
	"github.com/dpfw/dpfw/master"
)

const fib = `func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}`

func main() {
	m, stop := demo.Cluster(2)
	defer stop()
	ctx := context.Background()

	results, err := m.Parallel(ctx, master.Task{Src: "2 + 1"}, master.Task{Src: "5 + 5"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(results[0].Value, results[1].Value)

	// Define fib on every slave, then call it with new arguments: no
	// source is parsed for the calls.
	if _, err := m.Broadcast(ctx, fib); err != nil {
		log.Fatal(err)
	}
	var tasks []master.Task
	for n := 20; n < 28; n++ {
		tasks = append(tasks, master.Task{Func: "fib", Args: []any{n}})
	}
	start := time.Now()
	results, err = m.Parallel(ctx, tasks...)
	if err != nil {
		log.Fatal(err)
	}
	for i, r := range results {
		fmt.Printf("fib(%d) = %v on %s\n", 20+i, r.Value, r.Slave)
	}
	fmt.Printf("8 tasks on %d slaves in %s\n", len(m.Slaves()), time.Since(start).Round(time.Millisecond))
}
