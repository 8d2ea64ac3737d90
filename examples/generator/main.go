// Generator: keep state in a slave's table between tasks.
//
// The dpfw original stores a counter closure in (dpfw-slave-ht) and calls
// it twice on the same slave, getting 1, then 2.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/dpfw/dpfw/examples/internal/demo"
)

func main() {
	m, stop := demo.Cluster(2)
	defer stop()
	ctx := context.Background()

	slave, err := m.Reserve(ctx, true) // dpfw-get-slave
	if err != nil {
		log.Fatal(err)
	}
	defer slave.Release()

	_, err = slave.Run(ctx, `
		func counter() func() int {
			n := 0
			return func() int { n++; return n }
		}
		dpfw.Table().Set("uniqID", counter())`)
	if err != nil {
		log.Fatal(err)
	}
	for range 2 {
		res, err := slave.Run(ctx, `dpfw.Table().Get("uniqID").(func() int)()`)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Value)
	}
}
