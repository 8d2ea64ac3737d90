package master

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Progress is a task's latest report of dpfw.Progress(done, total)
// (Gearman's WORK_STATUS).
type Progress struct {
	Done  int64
	Total int64     // 0: unknown
	At    time.Time // when the master received it
}

// Event is one live report of a running task, as Task.Watch receives
// it: output as the snippet printed it, a progress report, or both.
type Event struct {
	// Output is what the task printed since the previous Event (stdout
	// and stderr, in order).
	Output []byte
	// Offset is the position of Output's first byte in Result.Output.
	// Offset beyond the end of the previous Event's Output means that
	// the output in between was left out of the live view (the slave's
	// connection, or Watch, was slower than the task printed); Result
	// still has it. After an Idempotent re-run on another slave, Offset
	// starts again at 0.
	Offset int64
	// Progress is set when the task reported progress.
	Progress *Progress
}

// maxWatchQueue bounds the output waiting for a slow Task.Watch; output
// beyond it is left out of the live view (an Offset gap).
const maxWatchQueue = 1 << 20

// watcher delivers a task's Events to Task.Watch, in order, on a
// goroutine that runs while Events wait and exits when none do: the
// reader of the connection hands Events over and never waits for Watch.
type watcher struct {
	fn       func(Event)              // Task.Watch; nil: only progress is kept
	progress atomic.Pointer[Progress] // the latest report

	mu       sync.Mutex // protects the fields below
	queue    []Event
	queued   int    // output bytes in queue
	running  bool   // a delivery goroutine runs
	resolved bool   // the Future resolved: no more Events
	release  func() // set at resolve: closes the Future's Done, once drained
}

// add queues ev, or drops its output when the queue is full; it never
// blocks.
func (w *watcher) add(ev Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.resolved {
		return
	}
	if w.queued+len(ev.Output) > maxWatchQueue {
		if ev.Progress == nil {
			return
		}
		ev.Output = nil
	}
	w.queue = append(w.queue, ev)
	w.queued += len(ev.Output)
	if !w.running {
		w.running = true
		go w.deliver()
	}
}

// finish is called once the Future has its result: release (which
// closes Done) is called now, or by the delivery goroutine once the
// queue has drained, so that Wait returns after the last call of Watch.
func (w *watcher) finish(release func()) {
	w.mu.Lock()
	w.resolved, w.release = true, release
	running := w.running
	w.mu.Unlock()
	if !running {
		release()
	}
}

// deliver calls fn with each queued Event; it exits when the queue is
// empty, releasing the Future if it has resolved meanwhile.
func (w *watcher) deliver() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			release := w.release
			w.mu.Unlock()
			if release != nil {
				release()
			}
			return
		}
		ev := w.queue[0]
		w.queue[0] = Event{}
		w.queue = w.queue[1:]
		w.queued -= len(ev.Output)
		w.mu.Unlock()
		w.fn(ev)
	}
}

// event records a live Event from the slave running f's task; watch is
// the task's Task.Watch, if any. It runs on the session's reader: it
// only copies and hands on. Events after the Future resolved are
// dropped.
func (f *Future) event(ev *session.Event, watch func(Event)) {
	f.mu.Lock()
	if f.res != nil {
		f.mu.Unlock()
		return
	}
	if f.live == nil {
		f.live = &watcher{fn: watch}
	}
	w := f.live
	f.mu.Unlock()
	out := Event{Offset: int64(ev.Offset)}
	if len(ev.Output) > 0 {
		out.Output = ev.Output // decoded for us alone: no copy needed
	}
	if p := ev.Progress; p != nil {
		out.Progress = &Progress{Done: p.Done, Total: p.Total, At: time.Now()}
		w.progress.Store(out.Progress)
	}
	if w.fn != nil {
		w.add(out)
	}
}

// Progress returns the task's latest progress report, or nil if it made
// none (yet). It never blocks.
func (f *Future) Progress() *Progress {
	f.mu.Lock()
	w := f.live
	f.mu.Unlock()
	if w == nil {
		return nil
	}
	return w.progress.Load()
}
