package master_test

import (
	"context"
	"testing"

	"github.com/dpfw/dpfw/master"
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
