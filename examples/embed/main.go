// Embed: a Go program that is a dpfw master. It listens for slaves
// (`slave connect ADDR`), dials slave servers given as arguments
// (`slave serve ADDR`), or, with neither, starts two slaves in this
// process, and then runs a small map over whatever slaves it has.
//
//	go run ./examples/embed                      # self-contained
//	go run ./examples/embed -dial 127.0.0.1:10000
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/dpfw/dpfw/examples/internal/demo"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

func main() {
	dial := flag.String("dial", "", "slave server to connect to")
	flag.Parse()
	m, stop := connect(*dial)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Run a snippet on every slave: each reports its own process.
	hello, err := m.Broadcast(ctx, `import "os"; os.Getpid()`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d slaves ready\n", len(hello))

	// A map: squares of 1..10, one task each, results in order.
	tasks := make([]master.Task, 10)
	for i := range tasks {
		tasks[i] = master.Task{Src: fmt.Sprintf("%d * %d", i+1, i+1)}
	}
	results, err := m.Parallel(ctx, tasks...)
	if err != nil {
		log.Fatal(err)
	}
	sum := int64(0)
	for _, r := range results {
		sum += r.Value.(int64)
	}
	fmt.Println("sum of squares 1..10 =", sum)
}

func connect(addr string) (*master.Master, func()) {
	if addr == "" {
		return demo.Cluster(2)
	}
	tok, _, err := session.LoadToken("")
	if err != nil {
		log.Fatal(err)
	}
	m := master.New(master.Config{Session: session.Config{Token: tok}})
	if _, err := m.Dial(context.Background(), addr); err != nil {
		log.Fatal(err)
	}
	return m, func() { m.Close() }
}
