// Basic: send a snippet to a slave, get a future, force it.
//
// The dpfw original:
//
//	(define t (dpfw-make-task `(lambda (i o) (+ 2 3)) read-result))
//	(force t)  ; ==> 5
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/dpfw/dpfw/examples/internal/demo"
	"github.com/dpfw/dpfw/master"
)

func main() {
	m, stop := demo.Cluster(1)
	defer stop()
	ctx := context.Background()

	t := m.Submit(ctx, master.Task{Src: "2 + 3"})
	res, err := t.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("2 + 3 = %v (on %s, %s)\n", res.Value, res.Slave, res.Took)

	// Errors come back typed, with the position in the snippet.
	_, err = m.Run(ctx, "x := 1\nx +")
	fmt.Println("error:", err)
}
