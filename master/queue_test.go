package master_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestQueuedTaskMemory: a queued task costs the master at most 256 B
// (its source string aside, shared here), and the heap returns near its
// baseline once the futures are dropped.
func TestQueuedTaskMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet})
	defer m.Close()
	const n = 100_000
	futs := make([]*master.Future, n)
	before := heap()
	for i := range futs {
		futs[i] = m.Submit(context.Background(), master.Task{Src: "1 + 1"})
	}
	per := float64(heap()-before) / n
	t.Logf("%.0f B per queued task (the caller's future pointer included)", per)
	if per > 256 {
		t.Fatalf("%.0f B per queued task, want at most 256", per)
	}
	m.Close()
	if _, err := futs[n-1].Wait(ctxT(t)); !errors.Is(err, master.ErrClosed) {
		t.Fatalf("queued at close: %v", err)
	}
	futs = nil
	if after := heap(); after > before+1<<20 {
		t.Fatalf("heap %d B after the queue was dropped, %d before", after, before)
	}
}

// TestMaxQueuedBlocksAndDrains: with MaxQueued, Submit waits for room;
// its context ends the wait; after the burst the heap is back near its
// baseline.
func TestMaxQueuedBlocksAndDrains(t *testing.T) {
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, MaxQueued: 3})
	t.Cleanup(func() { m.Close() })
	for range 3 {
		m.Submit(context.Background(), master.Task{Src: "1"})
	}
	// Full, and no slave: a fourth Submit blocks until its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := m.Submit(ctx, master.Task{Src: "1"}).Wait(ctxT(t)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("blocked Submit: %v", err)
	}
	// A queued task whose context ends gives its place back at once.
	qctx, qcancel := context.WithCancel(context.Background())
	m2 := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, MaxQueued: 1})
	t.Cleanup(func() { m2.Close() })
	f := m2.Submit(qctx, master.Task{Src: "1"})
	qcancel()
	<-f.Done()
	unblocked := m2.Submit(ctxT(t), master.Task{Src: "2"})
	_, addr := startSlave(t, 1)
	if _, err := m2.Dial(ctxT(t), addr); err != nil {
		t.Fatal(err)
	}
	if res, err := unblocked.Wait(ctxT(t)); err != nil || res.Value != int64(2) {
		t.Fatalf("after a cancelled queued task: %v %v", res.Value, err)
	}

	// Drain a burst through 2 slaves, 10 queued at most.
	for range 2 {
		_, addr := startSlave(t, 1)
		if _, err := m.Dial(ctxT(t), addr); err != nil {
			t.Fatal(err)
		}
	}
	// Calls, not snippets: the slaves in this process then allocate
	// nothing per task that stays (a parsed snippet's file set does).
	if _, err := m.Broadcast(ctxT(t), "func one() int { return 1 }"); err != nil {
		t.Fatal(err)
	}
	ctx = ctxT(t) // one: each ctxT is kept by t.Cleanup
	burst := func() {
		futs := make([]*master.Future, 0, 2000)
		for range cap(futs) {
			futs = append(futs, m.Submit(ctx, master.Task{Func: "one"}))
		}
		for _, f := range futs {
			if _, err := f.Wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	burst() // the slaves, in this process, warm up
	base := heap()
	burst()
	if after := heap(); after > base+1<<20 {
		t.Fatalf("heap %d B after the burst drained, %d before", after, base)
	}
}

func TestFailWhenFull(t *testing.T) {
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, MaxQueued: 1, FailWhenFull: true})
	t.Cleanup(func() { m.Close() })
	m.Submit(ctxT(t), master.Task{Src: "1"})
	_, err := m.Submit(ctxT(t), master.Task{Src: "1"}).Wait(ctxT(t))
	if !errors.Is(err, master.ErrQueueFull) {
		t.Fatalf("want ErrQueueFull, got %v", err)
	}
}
