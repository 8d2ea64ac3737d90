package master_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// A slave server with two engines, and a master that dials it.
func exampleCluster() (*master.Master, func()) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := session.Config{Token: "example-token"}
	s, _ := slave.New(slave.Config{Engines: 2, Session: cfg, Logger: log})
	ln, _ := session.Listen("127.0.0.1:0")
	go s.Serve(context.Background(), ln)
	m := master.New(master.Config{Session: cfg, Logger: log})
	m.Dial(context.Background(), ln.Addr().String())
	return m, func() { m.Close(); ln.Close(); s.Close() }
}

func ExampleMaster_Submit() {
	m, stop := exampleCluster()
	defer stop()
	ctx := context.Background()
	f := m.Submit(ctx, master.Task{Src: "2 + 3"}) // dpfw-make-task
	var n int
	if err := f.Decode(ctx, &n); err != nil { // force
		fmt.Println(err)
	}
	fmt.Println(n)
	// Output: 5
}

func ExampleMaster_Parallel() {
	m, stop := exampleCluster()
	defer stop()
	results, err := m.Parallel(context.Background(),
		master.Task{Src: "2 + 1"},
		master.Task{Src: "5 + 5"},
	)
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(results[0].Value, results[1].Value)
	// Output: 3 10
}

func ExampleMaster_Reserve() {
	m, stop := exampleCluster()
	defer stop()
	ctx := context.Background()
	s, _ := m.Reserve(ctx, true) // dpfw-get-slave
	defer s.Release()
	s.Run(ctx, `n := 0; dpfw.Table().Set("uniqID", func() int { n++; return n })`)
	for range 2 {
		res, _ := s.Run(ctx, `dpfw.Table().Get("uniqID").(func() int)()`)
		fmt.Println(res.Value)
	}
	// Output:
	// 1
	// 2
}

func ExampleMaster_Broadcast() {
	m, stop := exampleCluster()
	defer stop()
	ctx := context.Background()
	m.Broadcast(ctx, "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }")
	res, err := m.Submit(ctx, master.Task{Func: "fib", Args: []any{20}}).Wait(ctx)
	fmt.Println(res.Value, err)
	// Output: 6765 <nil>
}
