package master

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/session"
)

// runnerCount is how many runner goroutines exist now.
func runnerCount() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "master.(*Slave).runner(")
}

// At Pipeline 8 the pipelined tasks run on runner goroutines that take
// one job after another: every task gets its own result, at most
// keepRunners runners per slave wait once the burst is over, and none is
// left after Close.
func TestRunnersAfterABurst(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	scfg := session.Config{Token: "test-token"}
	m := New(Config{Session: scfg, Logger: quietLog, Pipeline: 8})
	serveNode(t, ctx, m, scfg, 2)
	for round := range 3 {
		futs := make([]*Future, 300)
		for i := range futs {
			futs[i] = m.Submit(ctx, Task{Src: fmt.Sprintf("%d * 2", i)})
		}
		for i, f := range futs {
			if res, err := f.Wait(ctx); err != nil || res.Value != int64(i*2) {
				t.Fatalf("round %d task %d: %v %v", round, i, res.Value, err)
			}
		}
		// A runner gives its slot back (which the Future's waiter may
		// see first) before it waits or exits: count once they settle.
		deadline := time.Now().Add(10 * time.Second)
		for runnerCount() > 2*keepRunners+2 && time.Now().Before(deadline) {
			runtime.Gosched()
		}
		if n := runnerCount(); n > 2*keepRunners+2 {
			t.Fatalf("round %d: %d runner goroutines after the burst, want at most %d", round, n, 2*keepRunners+2)
		}
	}
	m.Close()
	if n := runnerCount(); n != 0 {
		t.Fatalf("%d runner goroutines after Close", n)
	}
}
