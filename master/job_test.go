package master_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// A detached job outlives its master, whose ordinary tasks are
// cancelled when it closes; another master that never had the node
// connected waits for the job by its handle alone.
func TestDetachedJobOutlivesItsMaster(t *testing.T) {
	ctx := ctxT(t)
	_, addr := startSlave(t, 2)
	a := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, NoRedial: true})
	if _, err := a.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	// The shared table lets the test hold the job until it has looked.
	job, err := a.SubmitDetached(ctx, master.Task{Src: `import "time"
dpfw.Progress(1, 4)
fmt.Print("started ")
for { if _, ok := dpfw.Table().Lookup("go"); ok { break }; time.Sleep(5 * time.Millisecond) }
"done"`})
	if err != nil {
		t.Fatal(err)
	}
	if back, err := master.ParseJob(job.String()); err != nil || back != job {
		t.Fatalf("ParseJob(%q) = %v, %v", job, back, err)
	}
	spin := a.Submit(context.Background(), master.Task{Src: "for {}"})
	waitFor(t, func() bool {
		ss := a.Slaves()
		return ss[0].Info().State == master.Busy || ss[1].Info().State == master.Busy
	})
	a.Close()
	if _, err := spin.Wait(ctx); err == nil {
		t.Fatal("an ordinary task should end with its master")
	}

	b := newMaster(t) // no slaves: it dials the node the handle names
	st, err := b.JobStatus(ctx, job)
	if err != nil || st.State != master.JobRunning || st.Started.IsZero() || !st.Ended.IsZero() {
		t.Fatalf("status: %+v, %v", st, err)
	}
	c := cluster(t, 0)
	if _, err := c.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	// The job's engine is busy with it; its table is not.
	if err := c.Slaves()[st.Engine].TableSet(ctx, "go", true); err != nil {
		t.Fatal(err)
	}
	res, err := b.WaitJob(ctx, job)
	if err != nil || res.Value != "done" || string(res.Output) != "started " {
		t.Fatalf("WaitJob: %#v, %v", res, err)
	}
	st, err = b.JobStatus(ctx, job)
	if err != nil || st.State != master.JobEnded || st.Err != nil || st.Result.Value != "done" || !st.Expires.After(st.Ended) {
		t.Fatalf("status after the end: %+v, %v", st, err)
	}
	// Its last progress report stays, with the node's time of it.
	if p := st.Progress; p == nil || p.Done != 1 || p.Total != 4 || p.At.Before(st.Started) || p.At.After(st.Ended) {
		t.Fatalf("progress after the end: %+v", p)
	}

	// A master connected to the node asks on its own connection.
	if res, err := c.WaitJob(ctx, job); err != nil || res.Value != "done" {
		t.Fatalf("WaitJob through a pool connection: %#v, %v", res, err)
	}
	if len(c.Slaves()) != 2 {
		t.Fatal("asking must not close the pool's connection")
	}
	_, err = b.WaitJob(ctx, master.Job{Addr: job.Addr, Instance: "0000", ID: job.ID})
	if !master.IsKind(err, master.KindLost) {
		t.Fatalf("another instance: %v", err)
	}
	_, err = b.JobStatus(ctx, master.Job{Addr: job.Addr, Instance: job.Instance, ID: "nope"})
	if !master.IsKind(err, master.KindNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := b.SubmitDetached(ctx, master.Task{Src: "1", Key: "k"}); err == nil {
		t.Fatal("a keyed detached job should be refused")
	}
	if _, err := master.ParseJob("no-slashes"); !errors.Is(err, master.ErrBadJob) {
		t.Fatalf("ParseJob: %v", err)
	}
}

// A WaitJob whose connection to the node ends under it, while the node
// and its job carry on, asks again on a new connection instead of
// failing as lost.
func TestWaitJobOutlivesItsConnection(t *testing.T) {
	ctx := ctxT(t)
	_, addr := startSlave(t, 1)
	p := newProxy(t, addr)
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, NoRedial: true})
	t.Cleanup(func() { m.Close() })
	if _, err := m.Dial(ctx, p.addr()); err != nil {
		t.Fatal(err)
	}
	job, err := m.SubmitDetached(ctx, master.Task{Src: `import "time"
for { if _, ok := dpfw.Table().Lookup("go"); ok { break }; time.Sleep(5 * time.Millisecond) }
"done"`})
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res master.Result
		err error
	}
	waited := make(chan outcome, 1)
	go func() {
		res, err := m.WaitJob(ctx, job)
		waited <- outcome{res, err}
	}()
	// Cut the link once the wait is on it.
	waitFor(t, func() bool {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		return strings.Contains(stacks, "(*Master).askJob") && strings.Contains(stacks, "(*Session).Call")
	})
	p.cut()
	c := cluster(t, 0)
	if _, err := c.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if err := c.Slaves()[0].TableSet(ctx, "go", true); err != nil {
		t.Fatal(err)
	}
	if o := <-waited; o.err != nil || o.res.Value != "done" {
		t.Fatalf("WaitJob across a cut connection: %#v, %v", o.res, o.err)
	}
}
