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

// BenchmarkNewInterpreter measures what recycling an engine costs: a new
// interpreter with the standard library registered. It also reports the
// heap one interpreter keeps (retained-B/interp), with 20 alive at once.
func BenchmarkNewInterpreter(b *testing.B) {
	table := &Table{}
	for b.Loop() {
		ip, err := newInterpreter(Config{}, table, nil)
		if err != nil {
			b.Fatal(err)
		}
		ip.close()
	}
	b.StopTimer()
	const n = 20
	before := heapAlloc()
	ips := make([]*interpreter, n)
	for i := range ips {
		var err error
		if ips[i], err = newInterpreter(Config{}, table, nil); err != nil {
			b.Fatal(err)
		}
	}
	after := heapAlloc()
	for _, ip := range ips {
		ip.close()
	}
	b.ReportMetric(float64(after-before)/n, "retained-B/interp")
}
