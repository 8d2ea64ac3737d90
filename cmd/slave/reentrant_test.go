//go:build unix

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// pfibTmpl is a snippet that computes fib(n) by fanning out to depth d:
// it submits itself (fmt's %q quotes the template into its own copy).
const pfibTmpl = `const tmpl = %q
func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }
func pfib(n, d int) int {
	if d == 0 || n < 2 { return fib(n) }
	vs, err := dpfw.Parallel(fmt.Sprintf(tmpl, tmpl, n-1, d-1), fmt.Sprintf(tmpl, tmpl, n-2, d-1))
	if err != nil { panic(err) }
	return int(vs[0].(int64) + vs[1].(int64))
}
pfib(%d, %d)`

func pfibSrc(n, d int) string { return fmt.Sprintf(pfibTmpl, pfibTmpl, n, d) }

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// A recursive fib that fans out to depth 4 (15 waiting parents, 16
// leaves) completes on two one-engine slave processes.
func TestReentrantFibDepth4(t *testing.T) {
	ctx := ctxT(t, 120*time.Second)
	m := twoSlaves(t, ctx)
	res, err := m.Run(ctx, pfibSrc(18, 4))
	if err != nil {
		t.Fatal(err)
	}
	if res.Value != int64(fib(18)) {
		t.Fatalf("pfib(18, 4) = %#v, want %d", res.Value, fib(18))
	}
	// Both engines are idle again and serve plain tasks.
	if _, err := m.Parallel(ctx, master.Task{Src: "1"}, master.Task{Src: "2"}); err != nil {
		t.Fatal(err)
	}
}

// endless is a snippet that submits itself for ever.
const endlessTmpl = `const tmpl = %q
if _, err := dpfw.Force(dpfw.Submit(fmt.Sprintf(tmpl, tmpl))); err != nil { panic(err) }`

// Recursion deeper than Config.MaxDepth fails, at every level, with
// kind depth.
func TestReentrantDepthBound(t *testing.T) {
	ctx := ctxT(t, 120*time.Second)
	m := master.New(master.Config{NoRedial: true, MaxDepth: 3, Session: session.Config{Token: testToken}})
	t.Cleanup(func() { m.Close() })
	for range 2 {
		if _, err := m.Dial(ctx, startSlave(t, "-supervise=false", "-n", "1", "serve", "127.0.0.1:0").addr(t)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := m.Run(ctx, fmt.Sprintf(endlessTmpl, endlessTmpl))
	if !master.IsKind(err, master.KindDepth) || !strings.Contains(err.Error(), "MaxDepth is 3") {
		t.Fatalf("got %v, want a depth error naming MaxDepth 3", err)
	}
}

// A sub-task's failure is a typed error in the parent snippet, and,
// re-raised, the parent's failure with the sub-task's kind.
func TestReentrantChildFailureIsTyped(t *testing.T) {
	ctx := ctxT(t, 60*time.Second)
	m := twoSlaves(t, ctx)
	res, err := m.Run(ctx, `_, err := dpfw.Force(dpfw.Submit("var x int = \"s\"; x")); string(err.(*dpfw.Error).Kind)`)
	if err != nil || res.Value != "compile" {
		t.Fatalf("got %#v, %v; want \"compile\"", res.Value, err)
	}
	_, err = m.Run(ctx, `if _, err := dpfw.Parallel("1", "panic(\"boom\")"); err != nil { panic(err) }`)
	var re *master.RemoteError
	if !master.IsKind(err, master.KindPanic) || !strings.Contains(err.Error(), "sub-task failed: ") ||
		!strings.Contains(err.Error(), "sub-task 1 of 2") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v (%T), want the child's panic", err, re)
	}
}

// Cancelling a parent cancels its sub-task on the other slave: that
// slave's engine is free again long before the sub-task would end.
func TestReentrantCancelParentCancelsChildren(t *testing.T) {
	ctx := ctxT(t, 60*time.Second)
	m := twoSlaves(t, ctx)
	marker := filepath.Join(t.TempDir(), "child")
	child := markerSrc(marker, time.Hour, "1")
	pctx, cancel := context.WithCancel(ctx)
	fut := m.Submit(pctx, master.Task{Src: fmt.Sprintf("dpfw.Force(dpfw.Submit(%q))", child)})
	waitPID(t, marker, 30*time.Second) // the child runs
	for _, s := range m.Slaves() {
		if st := s.Info().State; st != master.Busy {
			t.Fatalf("%s is %v; the parent and its child should keep both busy", s.ID(), st)
		}
	}
	cancel()
	if _, err := fut.Wait(ctx); err == nil {
		t.Fatal("the cancelled parent succeeded")
	}
	start := time.Now()
	if _, err := m.Parallel(ctx, master.Task{Src: "1"}, master.Task{Src: "2"}); err != nil {
		t.Fatalf("both engines should be free again: %v", err)
	}
	t.Logf("both engines free %v after the cancel", time.Since(start))
}

// Sub-tasks do not deadlock with the in-flight slots of issue 14: on a
// node that admits one task at a time, the waiting parent holds the
// only slot, and its sub-tasks still run (on the engine it lends; with
// two engines, the idle one has no slot free either).
func TestReentrantWithinInFlightLimit(t *testing.T) {
	for _, engines := range []string{"1", "2"} {
		t.Run("engines="+engines, func(t *testing.T) {
			ctx := ctxT(t, 60*time.Second)
			m := master.New(master.Config{NoRedial: true, Session: session.Config{Token: testToken}})
			t.Cleanup(func() { m.Close() })
			addr := startSlave(t, "-supervise=false", "-n", engines, "-max-streams", "1", "serve", "127.0.0.1:0").addr(t)
			if _, err := m.Dial(ctx, addr); err != nil {
				t.Fatal(err)
			}
			res, err := m.Run(ctx, pfibSrc(12, 2))
			if err != nil {
				t.Fatal(err)
			}
			if res.Value != int64(fib(12)) {
				t.Fatalf("pfib(12, 2) = %#v, want %d", res.Value, fib(12))
			}
		})
	}
}
