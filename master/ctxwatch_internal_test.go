package master

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dpfw/dpfw/session"
)

type ctxKey struct{}

// Futures submitted under one context share one watch: a burst of queued
// tasks costs one AfterFunc, contexts derived with WithValue (the same
// Done channel) join it, and cancelling the context fails every queued
// future at once, each with its own context's error, and gives back
// every place of Config.MaxQueued.
func TestOneWatchPerContext(t *testing.T) {
	m := New(Config{Session: session.Config{Token: "test-token"}, Logger: quietLog, MaxQueued: 1000})
	t.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	vctx := context.WithValue(ctx, ctxKey{}, 1)
	other, cancelOther := context.WithCancel(context.Background())
	defer cancelOther()
	var futs []*Future
	for i := range 1000 {
		c := ctx
		switch {
		case i%10 == 0:
			c = vctx
		case i == 999:
			c = other
		}
		futs = append(futs, m.Submit(c, Task{Src: "1"}))
	}
	if g, n := m.watches.len(); g != 2 || n != 1000 {
		t.Fatalf("%d contexts watched for %d futures, want 2 for 1000", g, n)
	}
	cancel()
	for i, f := range futs[:999] {
		if _, err := f.Wait(context.Background()); !errors.Is(err, context.Canceled) {
			t.Fatalf("future %d: %v, want context.Canceled", i, err)
		}
	}
	if g, n := m.watches.len(); g != 1 || n != 1 {
		t.Fatalf("after the cancel %d contexts watched for %d futures, want 1 for 1", g, n)
	}
	if got := len(m.shared.room); got != 1 {
		t.Fatalf("%d places of MaxQueued taken after the cancel, want 1", got)
	}
	select {
	case <-futs[999].Done():
		t.Fatal("a future under another context failed too")
	default:
	}
}

// A future leaves its context's watch when it resolves, however it
// does: a long-lived context keeps no finished task alive, and once the
// last one has gone the context is not watched at all.
func TestWatchEndsWithTheFuture(t *testing.T) {
	m := New(Config{Session: session.Config{Token: "test-token"}, Logger: quietLog})
	t.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var futs []*Future
	for range 600 {
		futs = append(futs, m.Submit(ctx, Task{Src: "1"}))
	}
	for i := 0; i < len(futs); i += 2 { // every other one, from the front
		futs[i].Interrupt()
	}
	if g, n := m.watches.len(); g != 1 || n != 300 {
		t.Fatalf("%d contexts watched for %d futures, want 1 for 300", g, n)
	}
	for _, w := range m.watches.by {
		for i, e := range w.futs {
			if e.f.windex != int32(i) || e.f.res != nil {
				t.Fatalf("entry %d: index %d, resolved %v", i, e.f.windex, e.f.res != nil)
			}
		}
	}
	for i := len(futs) - 1; i > 0; i -= 2 {
		futs[i].Interrupt()
	}
	if g, n := m.watches.len(); g != 0 || n != 0 {
		t.Fatalf("%d contexts watched for %d futures after all resolved, want none", g, n)
	}
	// The same context again: a new watch, which still works.
	f := m.Submit(ctx, Task{Src: "1"})
	cancel()
	if _, err := f.Wait(ctxTimeout(t)); !errors.Is(err, context.Canceled) {
		t.Fatalf("after the watch was renewed: %v", err)
	}
}

// A task submitted under a context that has ended already fails at once
// with its error, as does one pinned to a slave (Slave.Submit), and a
// merged keyed task whose own context ends stops waiting.
func TestWatchOfAnEndedContext(t *testing.T) {
	m := New(Config{Session: session.Config{Token: "test-token"}, Logger: quietLog})
	t.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if _, err := m.Submit(ctx, Task{Src: "1"}).Wait(ctxTimeout(t)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queued under an ended context: %v", err)
	}
	lead := m.Submit(context.Background(), Task{Src: "1", Key: "k"})
	kctx, kcancel := context.WithCancel(context.Background())
	merged := m.Submit(kctx, Task{Src: "1", Key: "k"})
	kcancel()
	if _, err := merged.Wait(ctxTimeout(t)); !errors.Is(err, context.Canceled) {
		t.Fatalf("merged keyed task: %v", err)
	}
	select {
	case <-lead.Done():
		t.Fatal("the lead of a keyed task failed with a merged caller's context")
	default:
	}
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
