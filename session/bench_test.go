package session

import (
	"context"
	"sort"
	"testing"
	"time"
)

func BenchmarkCall(b *testing.B) {
	m, _ := pair(b, newTestHandler())
	req := &Request{Kind: KindEval, Src: "1+1"}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := m.Call(ctx, req); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkCallParallel(b *testing.B) {
	m, _ := pair(b, newTestHandler())
	req := &Request{Kind: KindEval, Src: "1+1"}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := m.Call(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkTaskStream(b *testing.B) {
	m, _ := pair(b, newTestHandler())
	req := &Request{Kind: KindStream}
	buf := make([]byte, 64)
	for range b.N {
		ts, err := m.OpenTask(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		ts.Write([]byte("ping"))
		ts.CloseWrite()
		for {
			if _, err := ts.Read(buf); err != nil {
				break
			}
		}
		if _, err := ts.Result(context.Background()); err != nil {
			b.Fatal(err)
		}
		ts.Close()
	}
}
