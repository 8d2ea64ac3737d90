package supervise

import (
	"testing"
	"time"
)

func TestRestartsBackOffOnlyInACrashLoop(t *testing.T) {
	var r restarts
	for i := range quickDeaths {
		if d := r.next(time.Second); d != 0 {
			t.Fatalf("quick death %d: wait %v, want 0", i+1, d)
		}
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if d := r.next(10 * time.Millisecond); d != w {
			t.Fatalf("quick death %d: wait %v, want %v", quickDeaths+1+i, d, w)
		}
	}
	if d := r.next(healthyUptime); d != 0 {
		t.Fatalf("after a child that ran %v: wait %v, want 0", healthyUptime, d)
	}
	for i := range quickDeaths {
		if d := r.next(time.Second); d != 0 {
			t.Fatalf("after the loop, quick death %d: wait %v, want 0", i+1, d)
		}
	}
	if d := r.next(time.Second); d != minCrashWait {
		t.Fatalf("a new crash loop starts its waits over: %v, want %v", d, minCrashWait)
	}
}
