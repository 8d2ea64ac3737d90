package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// TestPipelinedTasksSurviveAKill runs hundreds of tasks at Pipeline 32
// on two slave processes, so that requests and responses cross the
// connection many to one Write (session's frameQueue), with a value that
// cannot be sent back every so often, and kills one process while it has
// a full pipeline in flight. Every task ends once, as it must: an
// idempotent one with its value (re-run on the other process if it was
// lost), the others with their value or kind lost, and each bad value
// costs its own task only, as unsendable.
func TestPipelinedTasksSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	ctx := ctxT(t, 120*time.Second)
	m := master.New(master.Config{NoRedial: true, Pipeline: 32, Session: session.Config{Token: testToken}})
	t.Cleanup(func() { m.Close() })
	var procs []*proc
	for range 2 {
		p := startSlave(t, "-supervise=false", "-n", "1", "serve", "127.0.0.1:0")
		if _, err := m.Dial(ctx, p.addr(t)); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	const n = 600
	bad := func(i int) bool { return i%50 == 7 }
	futs := make([]*master.Future, n)
	for i := range futs {
		src := fmt.Sprintf("x := %d; for j := 0; j < 200; j++ { x += j - j }; x * x", i)
		if bad(i) {
			src = `map[any]any{1: "a", int64(1): "b"}`
		}
		futs[i] = m.Submit(ctx, master.Task{Src: src, Idempotent: i%2 == 0})
	}
	if _, err := futs[60].Wait(ctx); err != nil {
		t.Fatal(err)
	}
	kill(t, procs[0].cmd.Process.Pid)
	lost := 0
	for i, f := range futs {
		res, err := f.Wait(ctx)
		switch {
		case bad(i) && master.IsKind(err, master.KindUnsendable):
		case bad(i) && i%2 == 1 && master.IsKind(err, master.KindLost):
			lost++
		case bad(i):
			t.Errorf("task %d (bad value): got %v, %v; want kind unsendable", i, res.Value, err)
		case err == nil && res.Value == int64(i*i):
		case i%2 == 1 && master.IsKind(err, master.KindLost):
			lost++
		default:
			t.Errorf("task %d (idempotent %v): got %v, %v; want %d", i, i%2 == 0, res.Value, err, i*i)
		}
	}
	t.Logf("%d of %d tasks lost with the killed process", lost, n/2)
	if lost == 0 {
		t.Errorf("no task was lost: the kill came after the last task on its process")
	}
}
