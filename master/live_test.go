package master_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// watchLog collects a task's Events.
type watchLog struct {
	mu     sync.Mutex
	events []master.Event
	first  chan struct{} // closed at the first output
}

func newWatchLog() *watchLog { return &watchLog{first: make(chan struct{})} }

func (w *watchLog) watch(ev master.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(ev.Output) > 0 && len(w.live()) == 0 {
		close(w.first)
	}
	w.events = append(w.events, ev)
}

// live is the output seen live, in order; w.mu is held.
func (w *watchLog) live() []byte {
	var b []byte
	for _, ev := range w.events {
		b = append(b, ev.Output...)
	}
	return b
}

// A task's output reaches Watch while it runs, in order, and the
// Result still has all of it; the latest Progress is on the Future.
func TestWatchSeesOutputWhileTheTaskRuns(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	w := newWatchLog()
	fut := m.Submit(ctx, master.Task{Watch: w.watch, Src: `
		fmt.Println("step 0")
		dpfw.Progress(1, 3)
		for dpfw.Table().Get("go") == nil { time.Sleep(time.Millisecond) }
		fmt.Println("step 1")
		dpfw.Progress(3, 3)
		42`})
	select {
	case <-w.first:
	case <-time.After(30 * time.Second):
		t.Fatal("no live output while the task waits")
	}
	// The task is still running: it waits for the table key.
	select {
	case <-fut.Done():
		t.Fatal("the task ended early")
	default:
	}
	w.mu.Lock()
	if got := string(w.live()); got != "step 0\n" {
		t.Errorf("live so far %q", got)
	}
	w.mu.Unlock()
	// The report may come in the next event, up to 20 ms later.
	deadline := time.Now().Add(30 * time.Second)
	for fut.Progress() == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p := fut.Progress(); p == nil || p.Done != 1 || p.Total != 3 {
		t.Errorf("progress while running: %+v", p)
	}
	s, _ := m.Slave("s1")
	if err := s.TableSet(ctx, "go", true); err != nil {
		t.Fatal(err)
	}
	res, err := fut.Wait(ctx)
	if err != nil || res.Value != int64(42) {
		t.Fatal(res, err)
	}
	// Wait returned after the last Watch call: nothing arrives later.
	w.mu.Lock()
	live := string(w.live())
	w.mu.Unlock()
	if !strings.HasPrefix(string(res.Output), live) || string(res.Output) != "step 0\nstep 1\n" {
		t.Fatalf("live %q, result %q", live, res.Output)
	}
	if p := fut.Progress(); p == nil || p.Done != 3 {
		t.Fatalf("final progress %+v", p)
	}
}

// A Watch that does not keep up costs only the live view: the task runs
// at full speed, Event offsets mark what was left out, the Result has
// everything.
func TestSlowWatchLosesOnlyTheLiveView(t *testing.T) {
	// A slave that keeps 8 MiB of output: more than Watch's 1 MiB queue.
	n, err := slave.New(slave.Config{Engines: 1, Session: session.Config{Token: token}, Logger: quiet,
		Eval: eval.Config{MaxOutput: 8 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go n.Serve(context.Background(), ln)
	t.Cleanup(func() { n.Close() })
	m := newMaster(t)
	ctx := ctxT(t)
	if _, err := m.Dial(ctx, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var mu sync.Mutex
	var events []master.Event
	slow := func(ev master.Event) {
		<-release
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}
	fut := m.Submit(ctx, master.Task{Watch: slow, Src: `
		line := strings.Repeat("x", 1023)
		for i := 0; i < 6000; i++ { fmt.Println(line) }`})
	// The task finishes although Watch is stuck: the Future's result is
	// there, only Done waits for Watch.
	deadline := time.After(60 * time.Second)
	for m.Slaves()[0].Info().Tasks == 0 {
		select {
		case <-deadline:
			t.Fatal("the task did not finish while Watch was stuck")
		case <-time.After(10 * time.Millisecond):
		}
	}
	close(release)
	res, err := fut.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var end int64
	gaps := 0
	for _, ev := range events {
		if len(ev.Output) == 0 {
			continue
		}
		if ev.Offset > end {
			gaps++
		}
		if !bytes.Equal(ev.Output, res.Output[ev.Offset:ev.Offset+int64(len(ev.Output))]) {
			t.Fatalf("event at %d does not match the result", ev.Offset)
		}
		end = ev.Offset + int64(len(ev.Output))
	}
	if len(res.Output) != 6000*1024 || gaps == 0 {
		t.Fatalf("result %d bytes, %d gaps in %d events", len(res.Output), gaps, len(events))
	}
}
