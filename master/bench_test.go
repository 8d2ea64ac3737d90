package master_test

import (
	"context"
	"testing"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// BenchmarkRun is W1's sequential round trip of 2+3 through Submit and
// Wait, against an in-process slave over loopback TCP.
func BenchmarkRun(b *testing.B) {
	m := cluster(b, 1)
	ctx := context.Background()
	for b.Loop() {
		if _, err := m.Run(ctx, "2+3"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCall calls a function already defined on the slave.
func BenchmarkCall(b *testing.B) {
	m := cluster(b, 1)
	ctx := context.Background()
	m.Broadcast(ctx, "func add(a, b int) int { return a + b }")
	for b.Loop() {
		if _, err := m.Submit(ctx, master.Task{Func: "add", Args: []any{2, 3}}).Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitPipelined is W2: tasks submitted 1,000 at a time as
// futures, at Pipeline 32, to two in-process one-engine slaves, under a
// context that can be cancelled (as cmd/dpfw-bench's W2), so that each
// future's context watch is part of the cost.
func BenchmarkSubmitPipelined(b *testing.B) {
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, Pipeline: 32})
	b.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 2 {
		_, addr := startSlave(b, 1)
		if _, err := m.Dial(ctx, addr); err != nil {
			b.Fatal(err)
		}
	}
	futs := make([]*master.Future, 0, 1000)
	flush := func() {
		for _, f := range futs {
			if _, err := f.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
		futs = futs[:0]
	}
	for b.Loop() {
		futs = append(futs, m.Submit(ctx, master.Task{Src: "2+3"}))
		if len(futs) == cap(futs) {
			flush()
		}
	}
	flush()
}
