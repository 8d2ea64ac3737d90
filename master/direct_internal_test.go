package master

import (
	"context"
	"testing"
	"time"

	"github.com/dpfw/dpfw/session"
)

// A Run at Pipeline 1 goes to the slave that ran the last task, on the
// caller's goroutine (claim), and the rest of the master keeps its
// promises meanwhile: a submitted task goes to another idle slave, a
// task pinned to the claimed slave runs after the Run's task, and the
// claimed slave is idle again when Run returns.
func TestRunOnTheCallersGoroutine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	scfg := session.Config{Token: "test-token"}
	m := New(Config{Session: scfg, Logger: quietLog})
	defer m.Close()
	serveNode(t, ctx, m, scfg, 2)

	first, err := m.Run(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	hinted := m.hint.Load()
	if hinted == nil || hinted.ID() != first.Slave {
		t.Fatalf("hint %v after a task on %s", hinted, first.Slave)
	}
	// The gate keeps the claimed slave's task running until the test
	// opens it; the table is the node's, shared by its engines.
	gate := `import "time"; for dpfw.Table().Get("go") == nil { time.Sleep(time.Millisecond) }; "gated"`
	ran := make(chan Result, 1)
	go func() {
		res, err := m.Run(ctx, gate)
		if err != nil {
			t.Error(err)
		}
		ran <- res
	}()
	for !hinted.directNow() {
		select {
		case <-ran:
			t.Fatal("the gated Run returned before the gate opened")
		case <-ctx.Done():
			t.Fatal("the gated Run never claimed the idle hinted slave")
		case <-time.After(time.Millisecond):
		}
	}
	if st := hinted.Info().State; st != Busy {
		t.Fatalf("claimed slave is %v, want busy", st)
	}
	other, err := m.Submit(ctx, Task{Src: "2"}).Wait(ctx)
	if err != nil || other.Slave == hinted.ID() {
		t.Fatalf("a task submitted meanwhile: %+v, %v; want it on the other, idle slave", other, err)
	}
	pinned := hinted.Submit(ctx, Task{Src: `dpfw.Table().Get("go")`})
	if err := hinted.TableSet(ctx, "go", "open"); err != nil {
		t.Fatal(err)
	}
	if res := <-ran; res.Value != "gated" || res.Slave != hinted.ID() {
		t.Fatalf("gated Run: %+v, want \"gated\" on %s", res, hinted.ID())
	}
	if res, err := pinned.Wait(ctx); err != nil || res.Value != "open" {
		t.Fatalf("pinned task: %+v, %v", res, err)
	}
	if st := hinted.Info().State; st != Idle {
		t.Fatalf("after the Run the slave is %v, want idle", st)
	}
	for i := range 20 { // the worker and Run take turns on the slave
		src := "3"
		if i%2 == 0 {
			if res, err := m.Submit(ctx, Task{Src: src}).Wait(ctx); err != nil || res.Value != int64(3) {
				t.Fatal(res, err)
			}
		} else if res, err := m.Run(ctx, src); err != nil || res.Value != int64(3) {
			t.Fatal(res, err)
		}
	}
}

// directNow reports whether a caller's goroutine runs a task on s.
func (s *Slave) directNow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.direct
}
