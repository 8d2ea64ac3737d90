package session

import (
	"context"
	"sync"
	"time"
)

// Bounds of a task's live view on the slave (doc.go, "Live events").
const (
	// liveBuffer is the most output held for the live view while the
	// connection is slower than the task prints; beyond it, output is
	// left out of the live view (the Response still carries it).
	liveBuffer = 256 << 10
	// liveInterval is the least time between two events of one task that
	// carry less than a full chunk, so that a loop printing a line at a
	// time costs a frame every liveInterval, not a frame per line.
	liveInterval = 20 * time.Millisecond
)

// Live is the slave's end of one task's live events: the engine hands it
// what the task prints and its progress reports, and Live sends them to
// the master as Events, in order, from a goroutine of its own that starts
// with the first report. Output and Progress never block: the engine is
// never held back by the connection. A nil *Live ignores everything.
type Live struct {
	id    uint64
	send  func(*envelope) error // writes one frame on the task's stream
	spawn func(func()) bool     // the session's background

	mu      sync.Mutex // protects the fields below
	buf     []byte     // output not yet sent, from offset off
	off     uint64     // offset of buf[0] in the task's output
	total   uint64     // bytes of output reported so far
	gap     bool       // output after buf was left out; buf drains first
	prog    *Progress  // latest progress not yet sent
	started bool       // the sender runs (or ran)
	closed  bool       // no more events: the task ended or sending failed
	// The sender's channels, made when it starts (most tasks report
	// nothing: they cost no channels).
	wake chan struct{}
	stop chan struct{} // closed by close: the sender stops pacing
	done chan struct{} // closed when the sender has exited
}

type liveKey struct{}

// LiveFrom returns the Live of the task whose context ctx is, or nil
// when the master did not ask for live events (Request.Live).
func LiveFrom(ctx context.Context) *Live {
	l, _ := ctx.Value(liveKey{}).(*Live)
	return l
}

func newLive(id uint64, send func(*envelope) error, spawn func(func()) bool) *Live {
	return &Live{id: id, send: send, spawn: spawn}
}

// Output reports what the task printed, in order. It copies p.
func (l *Live) Output(p []byte) {
	if l == nil || len(p) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	start := l.total
	l.total += uint64(len(p))
	if l.closed || (l.gap && len(l.buf) > 0) {
		return
	}
	if len(l.buf) == 0 {
		l.off, l.gap = start, false
	}
	take := min(liveBuffer-len(l.buf), len(p))
	l.buf = append(l.buf, p[:take]...)
	l.gap = take < len(p)
	l.kick()
}

// Progress reports how far the task is; only the latest report since the
// previous Event is sent. Negative numbers count as 0.
func (l *Live) Progress(done, total int64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.prog = &Progress{Done: max(done, 0), Total: max(total, 0)}
	l.kick()
}

// kick wakes the sender, starting it on first use; l.mu is held.
func (l *Live) kick() {
	if !l.started {
		l.started = true
		l.wake, l.stop, l.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		if !l.spawn(l.run) {
			l.closed = true
			close(l.done)
			return
		}
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// close ends the live view before the task's Response is written: the
// sender finishes the frame it is writing, if any, and exits. Output
// still pending is not sent (the Response carries it); a progress report
// still pending is, so that the master sees the last one. The session
// calls it once per task.
func (l *Live) close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	started := l.started
	l.closed = true
	l.buf = nil
	l.mu.Unlock()
	if started {
		close(l.stop)
		<-l.done
	}
}

// run is the sender: one frame per wake-up, each with up to
// MaxEventOutput bytes of output and the latest progress, at least
// liveInterval apart unless a full chunk waits.
func (l *Live) run() {
	defer close(l.done)
	var pace *time.Timer
	for {
		select {
		case <-l.wake:
		case <-l.stop:
		}
		for {
			ev, full, last := l.next()
			if ev == nil {
				if last {
					return
				}
				break
			}
			if err := l.send(&envelope{ID: l.id, Type: frameEvent, Event: ev}); err != nil || last {
				l.mu.Lock()
				l.closed, l.buf, l.prog = true, nil, nil
				l.mu.Unlock()
				return
			}
			if !full {
				if pace == nil {
					pace = time.NewTimer(liveInterval)
				} else {
					pace.Reset(liveInterval)
				}
				select {
				case <-pace.C:
				case <-l.stop:
				}
			}
		}
	}
}

// next takes the next event to send: nil when there is nothing. full
// reports that more than a chunk was waiting; last that the view is
// closed and ev, if any, is its final event.
func (l *Live) next() (ev *Event, full, last bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) == 0 && l.prog == nil {
		return nil, false, l.closed
	}
	ev = &Event{Offset: l.off, Progress: l.prog}
	n := min(len(l.buf), MaxEventOutput)
	if n > 0 {
		ev.Output = append([]byte(nil), l.buf[:n]...)
		l.buf = l.buf[n:]
		l.off += uint64(n)
		if len(l.buf) == 0 {
			l.buf = nil // let the array go; the next output starts afresh
		}
	}
	l.prog = nil
	return ev, len(l.buf) > 0, l.closed
}
