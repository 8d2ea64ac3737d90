package eval

import (
	"context"
	"runtime"
	"testing"
)

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func BenchmarkRunCached(b *testing.B) {
	e := newEngine(b, Config{})
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.Run(ctx, "2+3"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCall(b *testing.B) {
	e := newEngine(b, Config{})
	ctx := context.Background()
	if _, err := e.Run(ctx, "func add(a, b int) int { return a + b }"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.Call(ctx, "add", int64(2), int64(3)); err != nil {
			b.Fatal(err)
		}
	}
}
