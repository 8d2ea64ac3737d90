package main

import (
	"testing"
	"time"
)

func TestRestartsBackOffOnlyInACrashLoop(t *testing.T) {
	var r restarts
	now := time.Unix(0, 0)
	for i := range crashBurst {
		if d := r.next(now.Add(time.Duration(i)*time.Second), time.Second); d != 0 {
			t.Fatalf("death %d: wait %v, want 0", i+1, d)
		}
	}
	now = now.Add(crashBurst * time.Second)
	for _, want := range []time.Duration{minCrashWait, 2 * minCrashWait, 4 * minCrashWait} {
		if d := r.next(now, 10*time.Millisecond); d != want {
			t.Fatalf("crash loop: wait %v, want %v", d, want)
		}
		now = now.Add(want)
	}
	for range 20 {
		r.next(now, 10*time.Millisecond)
	}
	if d := r.next(now, 10*time.Millisecond); d != maxCrashWait {
		t.Fatalf("wait %v, want the cap %v", d, maxCrashWait)
	}
	if d := r.next(now.Add(time.Minute), crashWindow); d != 0 {
		t.Fatalf("after a child that lived %v: wait %v, want 0", crashWindow, d)
	}
	if d := r.next(now.Add(11*time.Second), time.Second); d != 0 {
		t.Fatalf("a death long after the loop: wait %v, want 0", d)
	}
}
